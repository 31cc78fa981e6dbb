package dev.mailwarden;

import dev.mailwarden.dns.DnsAnswer;
import java.time.Duration;

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
  default void onDnsQuery(MailSession session, String checkName, DnsAnswer answer, Duration elapsed) {}

  /** A checker reported an event (list unhealthy, rate limit tripped, ...). */
  default void onCheckEvent(String checkName, CheckEvent event) {}

  /** The evaluation finished with this verdict. */
  default void onEvaluationComplete(Evaluation evaluation) {}
}
