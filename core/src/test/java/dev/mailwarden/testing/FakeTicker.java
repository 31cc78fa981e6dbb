package dev.mailwarden.testing;

import dev.mailwarden.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Ticker} that tests move by hand, for a runtime, limiter or context under test. Starts at
 * an arbitrary large reading to catch code that assumes time starts at zero. Thread-safe.
 */
public final class FakeTicker implements Ticker {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);

  @Override
  public long read() {
    return nanos.get();
  }

  /** Moves time forward by {@code d}. */
  public void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  /** Moves time forward by {@code n} nanoseconds. */
  public void advanceNanos(long n) {
    nanos.addAndGet(n);
  }

  /** Sets the reading (it may go back, to test clocks that step). */
  public void set(long value) {
    nanos.set(value);
  }

  @Override
  public String toString() {
    return "FakeTicker[" + nanos.get() + "]";
  }
}
