package dev.mailwarden.dnsbl.internal;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A bounded map from address to a finished group result, tuned for the hit: one {@code
 * ConcurrentHashMap.get} and nothing else (no policy bookkeeping, which costs a size-bounded
 * Caffeine about twice a plain map on a hit). Expiry is checked by the caller against the deadline
 * stored in the value. The bound is kept by the inserting thread (a miss): when the count passes
 * the limit it drops expired entries, then random ones until a tenth of the room is free, so the
 * cost is amortized over many inserts.
 */
final class ResultCache<K, V extends ResultCache.Expiring> {
  interface Expiring {
    long expiresAtNanos();
  }

  private final ConcurrentHashMap<K, V> map = new ConcurrentHashMap<>();
  private final AtomicInteger size = new AtomicInteger();
  private final int maxEntries;

  ResultCache(int maxEntries) {
    this.maxEntries = maxEntries;
  }

  @Nullable V get(K key) {
    return map.get(key);
  }

  void put(K key, V value, long nowNanos) {
    if (map.put(key, value) == null && size.incrementAndGet() > maxEntries) {
      shrink(nowNanos);
    }
  }

  private synchronized void shrink(long nowNanos) {
    if (size.get() <= maxEntries) {
      return; // another thread already made room
    }
    int target = maxEntries - Math.max(1, maxEntries / 10);
    for (Iterator<Map.Entry<K, V>> it = map.entrySet().iterator(); it.hasNext(); ) {
      if (nowNanos - it.next().getValue().expiresAtNanos() >= 0) {
        it.remove();
        size.decrementAndGet();
      }
    }
    // Victims are drawn at random across the whole table: evicting from the front of the
    // iteration would always empty the same hash bins and leave the others crowded.
    ThreadLocalRandom random = ThreadLocalRandom.current();
    while (size.get() > target && !map.isEmpty()) {
      double share = (size.get() - target) / (double) Math.max(1, size.get());
      for (Iterator<Map.Entry<K, V>> it = map.entrySet().iterator();
          it.hasNext() && size.get() > target; ) {
        it.next();
        if (random.nextDouble() < share) {
          it.remove();
          size.decrementAndGet();
        }
      }
    }
  }

  void clear() {
    map.clear();
    size.set(0);
  }

  int size() {
    return map.size();
  }
}
