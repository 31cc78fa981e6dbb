package dev.mailwarden;

import java.util.concurrent.CompletableFuture;

/**
 * One mail-security check. The only method that does work is {@link #check}; it must not block,
 * must reach DNS only through {@link CheckContext#dns()}, and must not complete exceptionally for
 * DNS or protocol trouble: DNS failures are {@link Outcome#TEMPERROR}, malformed data {@link
 * Outcome#PERMERROR} or {@link Outcome#NONE} with a reason. If it throws or fails anyway, or misses
 * the deadline, the evaluation records {@link #temperror(String)} with the cause.
 *
 * <p>Implementations are immutable and thread-safe; one instance serves every evaluation.
 *
 * @param <R> the result type
 */
public interface Checker<R extends CheckResult> {

  /** The typed identity; other checkers await this checker's result through it. */
  CheckKey<R> key();

  /** A short stable name for logs, reports and metrics; defaults to the key's name. */
  default String name() {
    return key().name();
  }

  /**
   * Whether the session holds the inputs this checker needs (client IP, HELO, MAIL FROM, message,
   * ...). Checkers that do not apply are not run, so a gateway can evaluate at connect, HELO, MAIL
   * FROM, RCPT and DATA with the same {@link MailWarden}.
   */
  boolean appliesTo(MailSession session);

  /**
   * The weights used when the checker is registered without any ({@code builder.check(checker)});
   * each checker documents its own. Weights given at registration replace them. Defaults to {@link
   * Weights#none()}: a checker that does not say scores nothing unless weighted.
   */
  default Weights defaultWeights() {
    return Weights.none();
  }

  /**
   * Strings this checker puts into DNS query names that must never be shown, e.g. a Spamhaus DQS
   * key. The evaluation's DNS log ({@link DnsUsage}) and {@link EvaluationListener#onDnsQuery} see
   * them replaced by {@code <redacted>}.
   */
  default java.util.Set<String> secrets() {
    return java.util.Set.of();
  }

  /** Runs the check. */
  CompletableFuture<R> check(CheckContext context);

  /**
   * The result recorded when the check failed unexpectedly or missed the deadline; its outcome must
   * be {@link Outcome#TEMPERROR}.
   */
  R temperror(String reason);
}
