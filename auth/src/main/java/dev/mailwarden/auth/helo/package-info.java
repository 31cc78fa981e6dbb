/**
 * HELO/EHLO sanity and reverse-DNS (iprev, forward-confirmed rDNS) checks with named, scored and
 * explained findings.
 *
 * <pre>{@code
 * MailWarden inbound = MailWarden.builder(runtime)
 *     .check(Helo.check())                       // findings summed into the score
 *     .check(Iprev.check())                       // iprev= clause in Authentication-Results
 *     .rejectAt(5.0)
 *     .build();
 * }</pre>
 *
 * <p>Two checkers rather than one: iprev is a standard method of its own (RFC 8601 section 3, with
 * its own {@code iprev=} clause and {@code policy.iprev} property) that depends only on the client
 * address and can run at connect time, while HELO sanity needs the HELO argument. {@link
 * dev.mailwarden.auth.helo.Helo} reuses an {@link dev.mailwarden.auth.helo.Iprev} result of the
 * same evaluation when one is registered, so the PTR lookups are not repeated.
 */
@NullMarked
package dev.mailwarden.auth.helo;

import org.jspecify.annotations.NullMarked;
