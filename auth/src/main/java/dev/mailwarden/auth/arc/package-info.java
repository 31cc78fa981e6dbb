/**
 * ARC, the Authenticated Received Chain (RFC 8617): chain validation as a {@link
 * dev.mailwarden.Checker} ({@link dev.mailwarden.auth.arc.Arc#check()}) and sealing as an
 * intermediary ({@link dev.mailwarden.auth.arc.ArcSealer}).
 */
@NullMarked
package dev.mailwarden.auth.arc;

import org.jspecify.annotations.NullMarked;
