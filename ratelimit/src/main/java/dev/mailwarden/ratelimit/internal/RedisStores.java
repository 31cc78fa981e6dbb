package dev.mailwarden.ratelimit.internal;

import dev.mailwarden.Ticker;
import java.time.Duration;

/**
 * Creates the Redis store. Kept apart from {@link RedisStore} so that loading the limiter never
 * loads a Lettuce class: callers check that Lettuce is present before calling {@link #create}.
 */
public final class RedisStores {
  private RedisStores() {}

  public static LimitStore create(
      BucketSpec spec,
      String uri,
      String keyPrefix,
      Duration timeout,
      boolean failOpen,
      Duration failClosedRetryAfter,
      Ticker ticker,
      Decisions decisions) {
    return new RedisStore(
        spec, uri, keyPrefix, timeout, failOpen, failClosedRetryAfter, ticker, decisions);
  }
}
