package dev.mailwarden.dnsbl;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.CheckEvent;
import java.util.Locale;

/**
 * A list gave no usable answer for one subject (blocked, rate-limited, invalid key, answer outside
 * 127.0.0.0/8, SERVFAIL, timeout, ...). Reported through {@code EvaluationListener.onCheckEvent}
 * for every such answer, so errors are never silent; the result says the same ({@link
 * ListStatus#ERROR}, outcome temperror). Skips of an unhealthy list are not repeated here: its
 * {@link ListHealthEvent} said so once. Any DQS key is redacted.
 *
 * @param list the list's name
 * @param zone the zone (key redacted)
 * @param subject the IP address or domain looked up
 * @param error the kind of error
 * @param detail what happened
 */
public record ListErrorEvent(
    String list, String zone, String subject, ListError error, String detail)
    implements CheckEvent {

  public ListErrorEvent {
    requireNonNull(list, "list");
    requireNonNull(zone, "zone");
    requireNonNull(subject, "subject");
    requireNonNull(error, "error");
    requireNonNull(detail, "detail");
  }

  @Override
  public String description() {
    return "DNS list "
        + list
        + " gave no usable answer for "
        + subject
        + " ("
        + error.name().toLowerCase(Locale.ROOT)
        + "): "
        + detail;
  }
}
