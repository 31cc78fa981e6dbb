package dev.mailwarden;

import dev.mailwarden.dns.DnsResolver;
import dev.mailwarden.internal.HeaderIndex;
import dev.mailwarden.internal.Scheduler;
import dev.mailwarden.internal.WeightedCache;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The {@link CheckContext} of {@link CheckContext#builder}: one checker on its own, e.g. in a unit
 * test, with the results of the checks it awaits given up front. Its timer thread ends by itself
 * once no timer is pending, so an unclosed context leaves nothing running.
 */
final class StandaloneContext implements CheckContext, HeaderIndex.SharedMessage {
  private static final long SHARED_CACHE_BYTES = 1 << 20;

  private final MailSession session;
  private final DnsResolver dns;
  private final Ticker ticker;
  private final Clock clock;
  private final Executor executor;
  private final long deadlineNanos;
  private final Map<CheckKey<?>, CheckResult> results;
  private final EvaluationListener listener;
  private final @Nullable MailwardenRuntime runtime;
  // without a runtime: made on first use, so a context that needs neither costs neither
  private @Nullable Scheduler ownScheduler;
  private @Nullable SharedCache ownCache;
  private @Nullable HeaderIndex headerIndex; // made on first use

  StandaloneContext(CheckContext.Builder b) {
    this.session = b.session;
    this.dns = b.dns;
    this.ticker = b.ticker;
    this.clock = b.clock;
    this.executor = b.executor;
    this.deadlineNanos = ticker.read() + b.deadline.toNanos();
    this.results = Map.copyOf(b.results);
    this.listener = b.listener;
    this.runtime = b.runtime;
  }

  private synchronized Scheduler scheduler() {
    if (runtime != null) {
      return runtime.scheduler();
    }
    if (ownScheduler == null) {
      ownScheduler = new Scheduler("mailwarden-standalone-timer");
    }
    return ownScheduler;
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
  public synchronized SharedCache cache() {
    if (runtime != null) {
      return runtime.sharedCache();
    }
    if (ownCache == null) {
      ownCache = new WeightedCache(SHARED_CACHE_BYTES);
    }
    return ownCache;
  }

  @Override
  public synchronized @Nullable HeaderIndex headerIndex() {
    if (headerIndex == null) {
      byte[] m = session.messageBytes();
      headerIndex = m == null ? null : HeaderIndex.of(m, m.length);
    }
    return headerIndex;
  }

  @Override
  public <T> CompletableFuture<T> completeAfter(
      CompletableFuture<T> pending, long nanos, Supplier<? extends T> fallback) {
    return scheduler().completeAfter(pending, nanos, executor, fallback);
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
    return "CheckContext[" + session + "]";
  }
}
