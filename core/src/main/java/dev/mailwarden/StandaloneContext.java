package dev.mailwarden;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.dns.DnsResolver;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A {@link CheckContext} for running one checker on its own, e.g. in a unit test, with the
 * results of the checks it awaits given up front. Made by {@link CheckContext#builder}.
 */
public final class StandaloneContext implements CheckContext {
  private final MailSession session;
  private final DnsResolver dns;
  private final Ticker ticker;
  private final Clock clock;
  private final Executor executor;
  private final long deadlineNanos;
  private final Map<CheckKey<?>, CheckResult> results;
  private final EvaluationListener listener;

  private StandaloneContext(Builder b) {
    this.session = b.session;
    this.dns = b.dns;
    this.ticker = b.ticker;
    this.clock = b.clock;
    this.executor = b.executor;
    this.deadlineNanos = ticker.read() + b.deadline.toNanos();
    this.results = Map.copyOf(b.results);
    this.listener = b.listener;
  }

  static Builder builder(MailSession session, DnsResolver dns) {
    return new Builder(session, dns);
  }

  @Override
  public MailSession session() {
    return session;
  }

  @Override
  public DnsResolver dns() {
    return dns;
  }

  @Override
  public Ticker ticker() {
    return ticker;
  }

  @Override
  public Clock clock() {
    return clock;
  }

  @Override
  public Executor executor() {
    return executor;
  }

  @Override
  public long deadlineNanos() {
    return deadlineNanos;
  }

  @Override
  public <R extends CheckResult> CompletableFuture<Optional<R>> await(CheckKey<R> key) {
    CheckResult r = results.get(key);
    return CompletableFuture.completedFuture(Optional.ofNullable(r).map(key.type()::cast));
  }

  @Override
  public void report(CheckEvent event) {
    try {
      listener.onCheckEvent("standalone", event);
    } catch (RuntimeException ignored) {
      // a listener never breaks a check
    }
  }

  @Override
  public String toString() {
    return "StandaloneContext[" + session + "]";
  }

  /** Builds a {@link StandaloneContext}. Defaults: system time, direct executor, 30 s deadline. */
  public static final class Builder {
    private final MailSession session;
    private final DnsResolver dns;
    private Ticker ticker = Ticker.system();
    private Clock clock = Clock.systemUTC();
    private Executor executor = Runnable::run;
    private Duration deadline = Duration.ofSeconds(30);
    private final Map<CheckKey<?>, CheckResult> results = new HashMap<>();
    private EvaluationListener listener = EvaluationListener.NONE;

    private Builder(MailSession session, DnsResolver dns) {
      this.session = requireNonNull(session, "session");
      this.dns = requireNonNull(dns, "dns");
    }

    public Builder ticker(Ticker ticker) {
      this.ticker = requireNonNull(ticker, "ticker");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    public Builder executor(Executor executor) {
      this.executor = requireNonNull(executor, "executor");
      return this;
    }

    /** Time from {@link #build()} to the deadline. */
    public Builder deadline(Duration deadline) {
      this.deadline = requireNonNull(deadline, "deadline");
      return this;
    }

    /** The result {@link CheckContext#await} gives for {@code key}. */
    public <R extends CheckResult> Builder result(CheckKey<R> key, R result) {
      results.put(requireNonNull(key, "key"), requireNonNull(result, "result"));
      return this;
    }

    public Builder listener(EvaluationListener listener) {
      this.listener = requireNonNull(listener, "listener");
      return this;
    }

    public StandaloneContext build() {
      return new StandaloneContext(this);
    }
  }
}
