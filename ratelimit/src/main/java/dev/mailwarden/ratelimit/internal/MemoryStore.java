package dev.mailwarden.ratelimit.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.mailwarden.Ticker;
import dev.mailwarden.ratelimit.RateDecision;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Buckets in this JVM: a Caffeine cache bounded by key count, each value a holder whose immutable
 * state array is swapped by compare-and-set (lock-free; a refused request writes nothing).
 *
 * <p>Idle keys expire once they would be full again anyway (the longest period after their last
 * use), so expiry never forgets a debt. Under pressure (the cache holds its maximum) a key seen for
 * the first time starts <em>empty</em> instead of full: an attacker who rotates keys to push their
 * own drained bucket out cannot get it back full, and keys made up in bulk earn only the refill
 * rate. Caffeine's frequency-aware eviction keeps busy keys over one-off ones.
 */
public final class MemoryStore implements LimitStore {

  private final BucketSpec spec;
  private final Ticker ticker;
  private final Decisions decisions;
  private final Cache<String, AtomicBucket> buckets;
  private final long maxKeys;
  private final Function<String, AtomicBucket> creator;

  public MemoryStore(BucketSpec spec, Ticker ticker, long maxKeys, Decisions decisions) {
    this.spec = spec;
    this.decisions = decisions;
    this.ticker = ticker;
    this.maxKeys = maxKeys;
    this.buckets =
        Caffeine.newBuilder()
            .maximumSize(maxKeys)
            .expireAfterAccess(Duration.ofNanos(spec.nanosToFull()))
            .ticker(ticker::read)
            .executor(Runnable::run) // maintenance on caller threads, never the common pool
            .build();
    this.creator = key -> AtomicBucket.of(spec.initial(ticker.read(), !underPressure()));
  }

  private boolean underPressure() {
    return buckets.estimatedSize() >= maxKeys;
  }

  @Override
  public RateDecision tryAcquire(String key, long cost) {
    return buckets.get(key, creator).tryAcquire(spec, ticker, cost, decisions);
  }

  @Override
  public CompletableFuture<RateDecision> tryAcquireAsync(String key, long cost) {
    return CompletableFuture.completedFuture(tryAcquire(key, cost));
  }

  /** Tokens of limit {@code i} for a key without touching it; -1 when the key is not held. */
  public long peekTokens(String key, int i) {
    AtomicBucket b = buckets.policy().getIfPresentQuietly(key);
    return b == null ? -1 : b.peekTokens(spec, ticker.read(), i);
  }

  /** Runs pending maintenance (evictions, expirations) now; for tests. */
  public void cleanUp() {
    buckets.cleanUp();
  }

  @Override
  public long estimatedKeys() {
    return buckets.estimatedSize();
  }

  @Override
  public void close() {
    buckets.invalidateAll();
  }

  @Override
  public String toString() {
    return "memory(maxKeys=" + maxKeys + ")";
  }
}
