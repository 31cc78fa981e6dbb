package dev.mailwarden.dns.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@link System#nanoTime()} sampled every millisecond by one daemon thread, for the cache's hit
 * path: reading a volatile costs about 1 ns where {@code nanoTime} costs about 20 ns on the
 * reference machine, which alone would exceed the hit budget. The value lags real time by at most
 * one tick (more only if the machine is starved), so a cached answer may outlive its TTL by about
 * a millisecond; DNS TTLs are whole seconds.
 *
 * <p>One thread per JVM, started by the first cache that uses the system ticker; it never stops
 * (it is a daemon, and sleeps between ticks).
 */
final class CoarseClock {
  private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private CoarseClock() {}

  /** The latest sample, comparable with {@code System.nanoTime()}. */
  static long now() {
    return Holder.now;
  }

  /** Makes sure the clock thread runs. */
  static void start() {
    Holder.ensureStarted();
  }

  /** Lazily initialized: the thread starts when a cache first needs it. */
  private static final class Holder {
    static volatile long now = System.nanoTime();

    static {
      Thread t = new Thread(Holder::tick, "mailwarden-dns-clock");
      t.setDaemon(true);
      t.start();
    }

    static void ensureStarted() {
      // class initialization started the thread
    }

    private static void tick() {
      while (true) {
        LockSupport.parkNanos(TICK_NANOS);
        now = System.nanoTime();
      }
    }
  }
}
