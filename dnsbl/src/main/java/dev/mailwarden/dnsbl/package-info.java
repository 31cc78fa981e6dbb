/**
 * DNS lists: IP blocklists (DNSBL) and allowlists (DNSWL) for IPv4 and IPv6, domain lists (RHSBL,
 * Spamhaus DBL), typed return codes with weights in postscreen syntax, presets (Spamhaus ZEN, DBL,
 * DQS), health probes (RFC 5782 section 5) and a monitor for your own outbound addresses.
 *
 * <p>Entry points: {@link dev.mailwarden.dnsbl.Dnsbl}, {@link dev.mailwarden.dnsbl.Dnswl}, {@link
 * dev.mailwarden.dnsbl.Rhsbl}, {@link dev.mailwarden.dnsbl.SpamhausDqs} and {@link
 * dev.mailwarden.dnsbl.ListingMonitor}.
 */
@org.jspecify.annotations.NullMarked
package dev.mailwarden.dnsbl;
