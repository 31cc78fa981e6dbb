package dev.mailwarden;

import dev.mailwarden.dns.DnsResolver;
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

  /** Memory shared with other checks and evaluations, under the runtime's byte budget. */
  SharedCache cache();

  /**
   * Completes {@code pending} with {@code fallback.get()}, on {@link #executor()}, if it is still
   * pending after {@code nanos}; returns {@code pending}. The runtime's timer counts the time: no
   * thread is held meanwhile, and the timer is dropped as soon as {@code pending} completes.
   */
  <T> CompletableFuture<T> completeAfter(
      CompletableFuture<T> pending, long nanos, Supplier<? extends T> fallback);

  /**
   * {@link #completeAfter} at {@link #deadlineNanos()}: for checks that wait on DNS which may never
   * answer.
   */
  default <T> CompletableFuture<T> completeAtDeadline(
      CompletableFuture<T> pending, Supplier<? extends T> atDeadline) {
    return completeAfter(pending, deadlineNanos() - ticker().read(), atDeadline);
  }

  /**
   * The result of another check of the same evaluation (e.g. DMARC awaits SPF and DKIM). The future
   * never fails: a failed or late check gives its temperror result. Empty when that check is not
   * registered or does not apply to the session.
   */
  <R extends CheckResult> CompletableFuture<Optional<R>> await(CheckKey<R> key);

  /** Reports a checker-specific event to the evaluation's listener. */
  void report(CheckEvent event);

  /**
   * A context for calling one checker directly, e.g. in a unit test: the given resolver (not
   * cached), system time, a direct executor, a 30 s deadline, no other checks to await, no
   * listener. Its timer thread ends by itself a second after the last timer.
   */
  static CheckContext forTesting(MailSession session, DnsResolver dns) {
    return builder(session, dns).build();
  }

  /**
   * A context for calling one checker outside a {@link MailWarden}, with time, executor, deadline
   * and the results of other checks under your control.
   */
  static Builder builder(MailSession session, DnsResolver dns) {
    return new Builder(session, dns, null);
  }

  /**
   * A context for calling one checker outside a {@link MailWarden} on a runtime: its DNS (cached),
   * time, executor, timer and shared cache.
   */
  static Builder builder(MailSession session, MailwardenRuntime runtime) {
    return new Builder(session, runtime.dns(), runtime)
        .ticker(runtime.ticker())
        .clock(runtime.clock())
        .executor(runtime.executor());
  }

  /**
   * Builds a context for one checker. Defaults without a runtime: system time, direct executor, 30
   * s deadline, uncached DNS, a 1 MiB shared cache; with one, the runtime's.
   */
  final class Builder {
    final MailSession session;
    DnsResolver dns;
    Ticker ticker = Ticker.system();
    Clock clock = Clock.systemUTC();
    Executor executor = Runnable::run;
    Duration deadline = Duration.ofSeconds(30);
    final java.util.Map<CheckKey<?>, CheckResult> results = new java.util.HashMap<>();
    EvaluationListener listener = EvaluationListener.NONE;
    final @org.jspecify.annotations.Nullable MailwardenRuntime runtime;

    private Builder(
        MailSession session,
        DnsResolver dns,
        @org.jspecify.annotations.Nullable MailwardenRuntime runtime) {
      this.session = java.util.Objects.requireNonNull(session, "session");
      this.dns = java.util.Objects.requireNonNull(dns, "dns");
      this.runtime = runtime;
    }

    /**
     * DNS for the context instead of the runtime's, e.g. the runtime's wrapped to count queries.
     */
    public Builder dns(DnsResolver dns) {
      this.dns = java.util.Objects.requireNonNull(dns, "dns");
      return this;
    }

    public Builder ticker(Ticker ticker) {
      this.ticker = java.util.Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = java.util.Objects.requireNonNull(clock, "clock");
      return this;
    }

    public Builder executor(Executor executor) {
      this.executor = java.util.Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** Time from {@link #build()} to the deadline. */
    public Builder deadline(Duration deadline) {
      this.deadline = java.util.Objects.requireNonNull(deadline, "deadline");
      return this;
    }

    /** The result {@link CheckContext#await} gives for {@code key}. */
    public <R extends CheckResult> Builder result(CheckKey<R> key, R result) {
      results.put(
          java.util.Objects.requireNonNull(key, "key"),
          java.util.Objects.requireNonNull(result, "result"));
      return this;
    }

    public Builder listener(EvaluationListener listener) {
      this.listener = java.util.Objects.requireNonNull(listener, "listener");
      return this;
    }

    public CheckContext build() {
      return new StandaloneContext(this);
    }
  }
}
