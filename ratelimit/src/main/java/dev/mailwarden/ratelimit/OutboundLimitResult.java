package dev.mailwarden.ratelimit;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.CheckResult;
import dev.mailwarden.Outcome;
import dev.mailwarden.SmtpReply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What the outbound limit concluded for one message: {@code pass} within limits, {@code fail} over
 * a limit (with a 4xx reply carrying the retry-after), {@code none} when no key applied or the
 * sender is exempt, {@code neutral} when the shared store was unavailable and the limiter failed
 * open, {@code temperror} when it failed closed.
 */
public final class OutboundLimitResult implements CheckResult {
  private final Outcome outcome;
  private final String reason;
  private final Map<String, RateDecision> decisions;
  private final @Nullable SmtpReply reply;

  OutboundLimitResult(
      Outcome outcome,
      String reason,
      Map<String, RateDecision> decisions,
      @Nullable SmtpReply reply) {
    this.outcome = requireNonNull(outcome, "outcome");
    this.reason = requireNonNull(reason, "reason");
    this.decisions = Collections.unmodifiableMap(new LinkedHashMap<>(decisions));
    this.reply = reply;
  }

  @Override
  public Outcome outcome() {
    return outcome;
  }

  @Override
  public String reason() {
    return reason;
  }

  /** The decision for each key charged, in order. */
  public Map<String, RateDecision> decisions() {
    return decisions;
  }

  /** True when some key was over its limit (or the store failed closed). */
  public boolean limited() {
    return reply != null;
  }

  /** The longest retry-after among the refused keys; zero when nothing was refused. */
  public Duration retryAfter() {
    Duration max = Duration.ZERO;
    for (RateDecision d : decisions.values()) {
      if (d.retryAfter().compareTo(max) > 0) {
        max = d.retryAfter();
      }
    }
    return max;
  }

  @Override
  public Map<String, String> details() {
    Map<String, String> out = new LinkedHashMap<>();
    decisions.forEach(
        (key, d) -> {
          out.put(key, d.status().name().toLowerCase(java.util.Locale.ROOT));
          if (!d.remaining().isEmpty()) {
            out.put(key + ".remaining", d.remaining().toString());
          }
          if (!d.retryAfter().isZero()) {
            out.put(key + ".retry_after_s", Long.toString(ceilSeconds(d.retryAfter())));
          }
        });
    return out;
  }

  /**
   * For the decision line: {@code limit=<limit>} (e.g. {@code 100/1h}) for each limit that refused
   * a key; never the key itself (it names a user or an address).
   */
  @Override
  public List<Map.Entry<String, String>> logFields() {
    List<Map.Entry<String, String>> out = new ArrayList<>(1);
    for (RateDecision d : decisions.values()) {
      if (d.status() == RateDecision.Status.DENIED) {
        d.exceededLimit()
            .ifPresent(
                l -> {
                  Map.Entry<String, String> f = Map.entry("limit", l.toString());
                  if (!out.contains(f)) {
                    out.add(f);
                  }
                });
      }
    }
    return out;
  }

  @Override
  public Optional<SmtpReply> smtpReply() {
    return Optional.ofNullable(reply);
  }

  static long ceilSeconds(Duration d) {
    long s = d.getSeconds();
    return d.getNano() > 0 ? s + 1 : s;
  }

  /** {@code 36 seconds}, {@code 12 minutes}, {@code 3 hours}: rounded up, for reply texts. */
  static String humanDuration(Duration d) {
    long s = ceilSeconds(d);
    if (s < 120) {
      return s + (s == 1 ? " second" : " seconds");
    }
    long m = (s + 59) / 60;
    if (m < 120) {
      return m + " minutes";
    }
    long h = (m + 59) / 60;
    return h + " hours";
  }

  @Override
  public String toString() {
    return outcome.token() + " (" + reason + ")" + (reply == null ? "" : " " + reply);
  }
}
