/**
 * Sender Policy Framework (RFC 7208): {@link dev.mailwarden.auth.spf.Spf#check()} gives a checker
 * whose {@link dev.mailwarden.auth.spf.SpfResult} renders {@code Received-SPF}, the {@code spf=}
 * clause of Authentication-Results and the SMTP reply of RFC 7208 section 8. Two engines can run
 * it, chosen by {@link dev.mailwarden.auth.spf.SpfEngine}: our own asynchronous one (the default)
 * and Apache James jSPF.
 */
@NullMarked
package dev.mailwarden.auth.spf;

import org.jspecify.annotations.NullMarked;
