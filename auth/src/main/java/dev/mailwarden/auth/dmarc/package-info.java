/**
 * DMARC (RFC 7489 and RFC 9989): From-domain extraction, policy discovery (DNS tree walk or Public
 * Suffix List), identifier alignment, disposition, Authentication-Results and aggregate reports.
 * Start at {@link dev.mailwarden.auth.dmarc.Dmarc}.
 */
@org.jspecify.annotations.NullMarked
package dev.mailwarden.auth.dmarc;
