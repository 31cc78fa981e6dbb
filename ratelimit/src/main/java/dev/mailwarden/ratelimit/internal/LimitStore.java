package dev.mailwarden.ratelimit.internal;

import dev.mailwarden.ratelimit.RateDecision;
import java.util.concurrent.CompletableFuture;

/** Where buckets live: in this JVM or in Redis. Never throws for store trouble. */
public interface LimitStore extends AutoCloseable {

  /** Decides and debits, waiting at most the store's timeout. */
  RateDecision tryAcquire(String key, long cost);

  /** Decides and debits without blocking the caller; the future never fails. */
  CompletableFuture<RateDecision> tryAcquireAsync(String key, long cost);

  /** Approximate number of keys held (in this JVM; -1 when unknown). */
  long estimatedKeys();

  @Override
  void close();
}
