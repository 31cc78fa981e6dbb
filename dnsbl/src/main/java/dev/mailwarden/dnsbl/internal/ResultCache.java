package dev.mailwarden.dnsbl.internal;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A bounded map from address to a finished group result, tuned for the hit: one {@code
 * ConcurrentHashMap.get} and nothing else (no policy bookkeeping, which costs a size-bounded
 * Caffeine about twice a plain map on a hit). Expiry is checked by the caller against the deadline
 * stored in the value. The bound is kept by the inserting thread (a miss): when the count passes
 * the limit it drops expired entries, then random ones until a tenth of the room is free, so the
 * cost is amortized over many inserts. Two limits: entries, and bytes as estimated by each value's
 * {@link Expiring#weightBytes} (answers carry codes and TXT text of varying size, so a count alone
 * does not bound memory).
 */
final class ResultCache<K, V extends ResultCache.Expiring> {
  interface Expiring {
    long expiresAtNanos();

    /** The retained size of the entry (key, value and map node), estimated once. */
    long weightBytes();
  }

  private final ConcurrentHashMap<K, V> map = new ConcurrentHashMap<>();
  private final AtomicInteger size = new AtomicInteger();
  private final AtomicLong bytes = new AtomicLong();
  private final int maxEntries;
  private final long maxBytes;

  ResultCache(int maxEntries, long maxBytes) {
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
  }

  @Nullable V get(K key) {
    return map.get(key);
  }

  /** Keeps {@code value} unless it alone is more than a tenth of the byte budget. */
  void put(K key, V value, long nowNanos) {
    long weight = value.weightBytes();
    if (weight > maxBytes / 10) {
      return;
    }
    V old = map.put(key, value);
    long total = bytes.addAndGet(old == null ? weight : weight - old.weightBytes());
    int count = old == null ? size.incrementAndGet() : size.get();
    if (count > maxEntries || total > maxBytes) {
      shrink(nowNanos);
    }
  }

  private synchronized void shrink(long nowNanos) {
    if (size.get() <= maxEntries && bytes.get() <= maxBytes) {
      return; // another thread already made room
    }
    int targetEntries = maxEntries - Math.max(1, maxEntries / 10);
    long targetBytes = maxBytes - maxBytes / 10;
    for (Map.Entry<K, V> e : map.entrySet()) {
      if (nowNanos - e.getValue().expiresAtNanos() >= 0) {
        remove(e);
      }
    }
    // Victims are drawn at random across the whole table: evicting from the front of the
    // iteration would always empty the same hash bins and leave the others crowded.
    ThreadLocalRandom random = ThreadLocalRandom.current();
    while ((size.get() > targetEntries || bytes.get() > targetBytes) && !map.isEmpty()) {
      double share =
          Math.max(
              (size.get() - targetEntries) / (double) Math.max(1, size.get()),
              (bytes.get() - targetBytes) / (double) Math.max(1, bytes.get()));
      for (Iterator<Map.Entry<K, V>> it = map.entrySet().iterator();
          it.hasNext() && (size.get() > targetEntries || bytes.get() > targetBytes); ) {
        Map.Entry<K, V> e = it.next();
        if (random.nextDouble() < share) {
          remove(e);
        }
      }
    }
  }

  /** Removes the entry only if it still holds this value, so the counts follow what was removed. */
  private void remove(Map.Entry<K, V> e) {
    V v = e.getValue();
    if (map.remove(e.getKey(), v)) {
      size.decrementAndGet();
      bytes.addAndGet(-v.weightBytes());
    }
  }

  void clear() {
    for (Map.Entry<K, V> e : map.entrySet()) {
      remove(e);
    }
  }

  /** The estimated bytes held. */
  long bytes() {
    return bytes.get();
  }

  int size() {
    return map.size();
  }
}
