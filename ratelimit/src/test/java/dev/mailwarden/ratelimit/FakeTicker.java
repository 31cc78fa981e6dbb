package dev.mailwarden.ratelimit;

import dev.mailwarden.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A ticker tests move by hand; starts at an arbitrary large reading to catch origin bugs. */
final class FakeTicker implements Ticker {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);

  @Override
  public long read() {
    return nanos.get();
  }

  void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  void advanceNanos(long n) {
    nanos.addAndGet(n);
  }

  void set(long value) {
    nanos.set(value);
  }
}
