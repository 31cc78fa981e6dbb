package dev.mailwarden.dnsbl;

import static java.util.Objects.requireNonNull;

/**
 * The current health of one list for one address family, as last probed (RFC 5782 section 5) or
 * judged from its answers. Any DQS key is redacted.
 *
 * @param list the list's name
 * @param zone the zone (key redacted)
 * @param family {@code IPv4}, {@code IPv6} or {@code domain}
 * @param healthy false after a failed probe or an error-code answer, until a probe passes
 * @param problem what was wrong; empty when healthy
 */
public record ListHealth(String list, String zone, String family, boolean healthy, String problem) {
  public ListHealth {
    requireNonNull(list, "list");
    requireNonNull(zone, "zone");
    requireNonNull(family, "family");
    requireNonNull(problem, "problem");
  }
}
