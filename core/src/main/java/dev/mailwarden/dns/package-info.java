/**
 * The asynchronous DNS layer every check uses: {@link dev.mailwarden.dns.DnsResolver} returns
 * {@link dev.mailwarden.dns.DnsAnswer} values (NXDOMAIN, SERVFAIL and timeouts are statuses, never
 * exceptions); a network resolver, a TTL-aware cache, and a {@link dev.mailwarden.dns.ZoneResolver}
 * that answers from master-file text for tests and demos.
 */
@NullMarked
package dev.mailwarden.dns;

import org.jspecify.annotations.NullMarked;
