package dev.mailwarden;

/**
 * A source of monotonic nanoseconds, injectable so tests control time (like Caffeine's {@code
 * Ticker} and Bucket4j's {@code TimeMeter}). Only differences between readings are meaningful.
 */
@FunctionalInterface
public interface Ticker {

  /** Nanoseconds since an arbitrary origin. */
  long read();

  /** {@link System#nanoTime()}. */
  static Ticker system() {
    return System::nanoTime;
  }
}
