package dev.mailwarden.examples.logs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Counts per key with at most {@code capacity} keys. Exact while the keys fit. Past the cap, either
 * every new key is counted under one overflow key (for reasons, whose sum must stay exact), or the
 * table keeps the heavy hitters (Misra–Gries: when full, every count drops by the smallest one and
 * keys at zero leave; a key seen more than total/capacity times is never lost, its count is a lower
 * bound).
 */
final class BoundedCounter {
  private final int capacity;
  private final @Nullable String overflowKey;
  private final Map<String, long[]> counts = new HashMap<>();
  private boolean approximate;

  BoundedCounter(int capacity, @Nullable String overflowKey) {
    this.capacity = capacity;
    this.overflowKey = overflowKey;
  }

  void add(String key) {
    add(key, 1);
  }

  void add(String key, long n) {
    long[] c = counts.get(key);
    if (c != null) {
      c[0] += n;
      return;
    }
    if (counts.size() < capacity) {
      counts.put(key, new long[] {n});
      return;
    }
    approximate = true;
    if (overflowKey != null) {
      counts.computeIfAbsent(overflowKey, k -> new long[1])[0] += n;
      return;
    }
    long min = n;
    for (long[] v : counts.values()) {
      min = Math.min(min, v[0]);
    }
    for (Iterator<long[]> it = counts.values().iterator(); it.hasNext(); ) {
      long[] v = it.next();
      v[0] -= min;
      if (v[0] <= 0) {
        it.remove();
      }
    }
    if (n - min > 0) {
      counts.put(key, new long[] {n - min});
    }
  }

  long get(String key) {
    long[] c = counts.get(key);
    return c == null ? 0 : c[0];
  }

  /** True once a key did not fit (the counts are then approximate or pooled). */
  boolean approximate() {
    return approximate;
  }

  int size() {
    return counts.size();
  }

  /** Highest counts first (ties by key), at most {@code limit} (0: all). */
  List<Map.Entry<String, Long>> top(int limit) {
    List<Map.Entry<String, Long>> list = new ArrayList<>(counts.size());
    counts.forEach((k, v) -> list.add(Map.entry(k, v[0])));
    list.sort(
        Comparator.<Map.Entry<String, Long>>comparingLong(Map.Entry::getValue)
            .reversed()
            .thenComparing(Map.Entry::getKey));
    return limit > 0 && list.size() > limit ? List.copyOf(list.subList(0, limit)) : list;
  }
}
