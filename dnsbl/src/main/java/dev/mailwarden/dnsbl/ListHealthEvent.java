package dev.mailwarden.dnsbl;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.CheckEvent;

/**
 * A DNS list changed health: it failed its RFC 5782 probe or answered with error codes (then it is
 * skipped, if so configured, until a later probe passes), or it recovered. Reported through {@code
 * EvaluationListener.onCheckEvent}. The zone has any DQS key redacted.
 *
 * @param list the list's display name
 * @param zone the zone (key redacted)
 * @param family {@code IPv4}, {@code IPv6} or {@code domain}
 * @param healthy true when the list recovered
 * @param skipped true when lookups skip the list while it is unhealthy
 * @param problem what was wrong (empty on recovery)
 */
public record ListHealthEvent(
    String list, String zone, String family, boolean healthy, boolean skipped, String problem)
    implements CheckEvent {

  public ListHealthEvent {
    requireNonNull(list, "list");
    requireNonNull(zone, "zone");
    requireNonNull(family, "family");
    requireNonNull(problem, "problem");
  }

  @Override
  public String description() {
    if (healthy) {
      return "DNS list " + list + " (" + family + ") passed its health probe again and is used";
    }
    return "DNS list "
        + list
        + " ("
        + family
        + ") is unhealthy"
        + (skipped ? " and skipped until it recovers" : "")
        + ": "
        + problem;
  }
}
