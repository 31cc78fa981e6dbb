package dev.mailwarden.internal;

import dev.mailwarden.Ticker;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@link System#nanoTime()} sampled every 10 ms on the runtime's timer thread, for the DNS cache's
 * hit path: a volatile read costs about 1 ns where {@code nanoTime} costs about 20-24 ns on the
 * reference machine, which alone would take most of the hit budget. A reading lags real time by at
 * most a tick (more only if the machine is starved), so a cached answer may outlive its TTL by
 * about 10 ms; DNS TTLs are whole seconds. (A 1 ms tick cost the timer thread about 4 % of a CPU
 * under load, measured per thread in {@code ColdCacheBenchmark}.) Used only when the runtime runs
 * on the system ticker; stops with the runtime. Internal: not part of the API.
 */
public final class CoarseTicker implements Ticker, AutoCloseable {
  private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private volatile long now = System.nanoTime();
  private final ScheduledFuture<?> ticking;

  public CoarseTicker(Scheduler scheduler) {
    this.ticking = scheduler.every(TICK_NANOS, () -> now = System.nanoTime());
  }

  @Override
  public long read() {
    return now;
  }

  @Override
  public void close() {
    ticking.cancel(false);
  }
}
