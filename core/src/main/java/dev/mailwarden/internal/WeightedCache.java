package dev.mailwarden.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.mailwarden.SharedCache;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The {@link SharedCache} of a runtime: one Caffeine cache bounded by weight in bytes (its
 * W-TinyLFU policy keeps what is asked for often), maintenance on the calling thread (never the
 * common pool). Internal: not part of the API.
 */
public final class WeightedCache implements SharedCache {
  /** What Caffeine and our key wrapper retain per entry beyond the slot's own estimate. */
  static final int ENTRY_OVERHEAD = 96;

  private final Cache<SlotKey, Weighed> cache;
  private final LongAdder misses = new LongAdder();
  private final LongAdder evictions = new LongAdder();

  public WeightedCache(long maxBytes) {
    this.cache =
        Caffeine.newBuilder()
            .maximumWeight(maxBytes)
            .weigher((SlotKey k, Weighed v) -> v.weight)
            .executor(Runnable::run)
            .evictionListener((SlotKey k, Weighed v, RemovalCause cause) -> evictions.increment())
            .build();
  }

  @Override
  @SuppressWarnings("unchecked")
  public <K, V> @Nullable V get(
      Slot<K, V> slot, K key, Function<? super K, ? extends @Nullable V> compute) {
    SlotKey k = new SlotKey(slot, key);
    Weighed hit = cache.getIfPresent(k);
    if (hit != null) {
      return (V) hit.value;
    }
    misses.increment();
    V value = compute.apply(key);
    if (value != null) {
      long weight = (long) slot.weigh(key, value) + ENTRY_OVERHEAD;
      cache.put(k, new Weighed(value, (int) Math.min(Integer.MAX_VALUE, weight)));
    }
    return value;
  }

  @Override
  public long weightedBytes() {
    return cache.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
  }

  /** Lookups that computed their value. */
  public long misses() {
    return misses.sum();
  }

  /** Entries removed to stay within the budget. */
  public long evictions() {
    return evictions.sum();
  }

  /** Entries held now. */
  public long entries() {
    cache.cleanUp();
    return cache.estimatedSize();
  }

  private record SlotKey(SharedCache.Slot<?, ?> slot, Object key) {}

  private record Weighed(Object value, int weight) {}
}
