package dev.mailwarden;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.dns.DnsAnswer;
import java.time.Duration;
import java.util.List;

/**
 * Hooks for logs and metrics, in the style of OkHttp's {@code EventListener}: every method has an
 * empty default, so implement only what you need. Methods are called on whatever thread completed
 * the work; they must be cheap and thread-safe. An exception thrown by a listener is caught and
 * ignored: it never breaks an evaluation.
 */
public interface EvaluationListener {

  /** A listener that does nothing. */
  EvaluationListener NONE = new EvaluationListener() {};

  /** An evaluation started for this session. */
  default void onEvaluationStart(MailSession session) {}

  /** One check finished (or timed out, failed, or was skipped), with its contribution. */
  default void onCheckComplete(MailSession session, CheckReport report) {}

  /** A DNS answer reached a check (from the network or the cache). */
  default void onDnsQuery(
      MailSession session, String checkName, DnsAnswer answer, Duration elapsed) {}

  /** A checker reported an event (list unhealthy, rate limit tripped, ...). */
  default void onCheckEvent(String checkName, CheckEvent event) {}

  /** The evaluation finished with this verdict. */
  default void onEvaluationComplete(Evaluation evaluation) {}

  /**
   * One listener that calls each of these in order (e.g. metrics, the decision log and your own).
   * An exception from one is caught and ignored; the others are still called.
   */
  static EvaluationListener all(EvaluationListener... listeners) {
    return all(List.of(listeners));
  }

  /** {@link #all(EvaluationListener...)} over a list. */
  static EvaluationListener all(List<EvaluationListener> listeners) {
    List<EvaluationListener> copy = List.copyOf(listeners);
    for (EvaluationListener l : copy) {
      requireNonNull(l, "listener");
    }
    if (copy.isEmpty()) {
      return NONE;
    }
    return copy.size() == 1 ? copy.get(0) : new ListenerChain(copy);
  }
}
