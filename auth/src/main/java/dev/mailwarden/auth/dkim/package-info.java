/**
 * DKIM (RFC 6376, RFC 8301, RFC 8463): verification on the raw message bytes, as a {@link
 * dev.mailwarden.Checker} ({@link dev.mailwarden.auth.dkim.Dkim#check()}) or standalone, and
 * signing ({@link dev.mailwarden.auth.dkim.DkimSigner}) with keys from {@link
 * dev.mailwarden.auth.dkim.DkimKeys}.
 */
@NullMarked
package dev.mailwarden.auth.dkim;

import org.jspecify.annotations.NullMarked;
