package dev.mailwarden;

/**
 * A source of monotonic nanoseconds, injectable so tests control time (like Caffeine's {@code
 * Ticker} and Bucket4j's {@code TimeMeter}). Only differences between readings are meaningful. A
 * {@link MailwardenRuntime} holds the one ticker every check, cache, limiter and transport of an
 * application reads; the core test-jar ships a {@code FakeTicker}.
 */
@FunctionalInterface
public interface Ticker {

  /** Nanoseconds since an arbitrary origin. */
  long read();

  /** {@link System#nanoTime()}. */
  static Ticker system() {
    return SystemTicker.INSTANCE;
  }
}

/** The system ticker, an enum so that it is one well-known instance. */
enum SystemTicker implements Ticker {
  INSTANCE;

  @Override
  public long read() {
    return System.nanoTime();
  }

  @Override
  public String toString() {
    return "Ticker.system()";
  }
}
