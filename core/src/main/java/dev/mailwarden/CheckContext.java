package dev.mailwarden;

import dev.mailwarden.dns.DnsResolver;
import dev.mailwarden.internal.Deadlines;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * What a checker may use during one evaluation. Created by {@link MailWarden} for each check; use
 * {@link #forTesting} to call a checker directly in a unit test.
 */
public interface CheckContext {

  /** The transaction being evaluated. */
  MailSession session();

  /** DNS for this check: cached if the application's resolver is, and counted per evaluation. */
  DnsResolver dns();

  /** Monotonic time, for measuring and for the deadline. */
  Ticker ticker();

  /** Wall-clock time, for timestamps in signatures ({@code t=}, {@code x=}) and reports. */
  Clock clock();

  /** Where to run any CPU work (e.g. signature verification). Never the common pool. */
  Executor executor();

  /** The deadline of the evaluation, as a {@link #ticker()} reading. */
  long deadlineNanos();

  /** Time left until the deadline; zero or negative once it passed. */
  default Duration remaining() {
    return Duration.ofNanos(deadlineNanos() - ticker().read());
  }

  /**
   * Completes {@code pending} with {@code atDeadline.get()}, on {@link #executor()}, if it is still
   * pending at {@link #deadlineNanos()}; returns {@code pending}. For checks that wait on DNS which
   * may never answer. No thread is held meanwhile, and the timer is dropped as soon as {@code
   * pending} completes.
   */
  default <T> CompletableFuture<T> completeAtDeadline(
      CompletableFuture<T> pending, Supplier<? extends T> atDeadline) {
    Deadlines.runIfPendingAfter(
        pending,
        deadlineNanos() - ticker().read(),
        executor(),
        () -> {
          try {
            pending.complete(atDeadline.get());
          } catch (RuntimeException e) {
            pending.completeExceptionally(e);
          }
        });
    return pending;
  }

  /**
   * The result of another check of the same evaluation (e.g. DMARC awaits SPF and DKIM). The
   * future never fails: a failed or late check gives its temperror result. Empty when that check
   * is not registered or does not apply to the session.
   */
  <R extends CheckResult> CompletableFuture<Optional<R>> await(CheckKey<R> key);

  /** Reports a checker-specific event to the evaluation's listener. */
  void report(CheckEvent event);

  /**
   * A context for calling one checker directly, e.g. in a unit test: the given resolver, system
   * time, a direct executor, a 30 s deadline, no other checks to await, no listener.
   */
  static CheckContext forTesting(MailSession session, DnsResolver dns) {
    return builder(session, dns).build();
  }

  /**
   * A context for calling one checker outside a {@link MailWarden}, with time, executor,
   * deadline and the results of other checks under your control.
   */
  static StandaloneContext.Builder builder(MailSession session, DnsResolver dns) {
    return StandaloneContext.builder(session, dns);
  }
}
