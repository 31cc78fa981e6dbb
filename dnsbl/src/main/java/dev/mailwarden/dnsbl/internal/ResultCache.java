package dev.mailwarden.dnsbl.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A bounded map from address to a finished group result, tuned for the hit: one {@code
 * ConcurrentHashMap.get} and nothing else (no policy bookkeeping, which costs a size-bounded
 * Caffeine about twice a plain map on a hit). Expiry is checked by the caller against the deadline
 * stored in the value. Two limits: entries, and bytes as estimated by each value's {@link
 * Expiring#weightBytes} (answers carry codes and TXT text of varying size, so a count alone does
 * not bound memory).
 *
 * <p>The bound is kept by the inserting thread (a miss) in constant time per insert: each new key
 * is appended to a FIFO queue, and while a limit is passed the oldest key is polled and removed.
 * Replacing a key's value keeps its place. On a gateway that sees mostly new addresses every
 * evaluation inserts; an eviction that walked the table (as an earlier version did) cost about
 * twenty node visits per insert in a table larger than the CPU caches. Expired entries are not
 * sought out: with TTLs alike they are the oldest, and a caller ignores an expired value anyway.
 */
final class ResultCache<K, V extends ResultCache.Expiring> {
  interface Expiring {
    long expiresAtNanos();

    /** The retained size of the entry (key, value, map and queue nodes), estimated once. */
    long weightBytes();
  }

  private final ConcurrentHashMap<K, V> map = new ConcurrentHashMap<>();

  /**
   * Every key in the map exactly once, oldest first: a key is appended when it goes from absent to
   * present and leaves only when polled, which removes it from the map.
   */
  private final ConcurrentLinkedQueue<K> order = new ConcurrentLinkedQueue<>();

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
  void put(K key, V value) {
    long weight = value.weightBytes();
    if (weight > maxBytes / 10) {
      return;
    }
    V old = map.put(key, value);
    if (old == null) {
      order.add(key);
      size.incrementAndGet();
      bytes.addAndGet(weight);
    } else {
      bytes.addAndGet(weight - old.weightBytes());
    }
    evictOldestWhileOver(maxEntries, maxBytes);
  }

  /**
   * Polls and removes the oldest keys while either count is over its limit. Concurrent callers may
   * each remove one entry more than needed; none can leave the cache over its bound for long.
   */
  private void evictOldestWhileOver(int entries, long limitBytes) {
    while (size.get() > entries || bytes.get() > limitBytes) {
      K oldest = order.poll();
      if (oldest == null) {
        return; // a put between its map insert and its append; it evicts after appending
      }
      V removed = map.remove(oldest);
      if (removed != null) {
        size.decrementAndGet();
        bytes.addAndGet(-removed.weightBytes());
      }
    }
  }

  void clear() {
    evictOldestWhileOver(0, 0);
  }

  /** The estimated bytes held. */
  long bytes() {
    return bytes.get();
  }

  int size() {
    return map.size();
  }
}
