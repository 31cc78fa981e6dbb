package dev.mailwarden.dnsbl.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

class ResultCacheTest {
  record Value(long expiresAtNanos, long weightBytes) implements ResultCache.Expiring {
    Value(long expiresAtNanos) {
      this(expiresAtNanos, 100);
    }
  }

  @Test
  void staysWithinItsBound_evictingTheOldestFirst() {
    ResultCache<Integer, Value> cache = new ResultCache<>(100, Long.MAX_VALUE);
    for (int i = 0; i < 150; i++) {
      cache.put(i, new Value(1_000));
      assertThat(cache.size()).isLessThanOrEqualTo(100);
    }
    for (int i = 0; i < 50; i++) {
      assertThat(cache.get(i)).as("key %d", i).isNull();
    }
    for (int i = 50; i < 150; i++) {
      assertThat(cache.get(i)).as("key %d", i).isNotNull();
    }
    for (int i = 0; i < 10_000; i++) {
      cache.put(1_000 + i, new Value(1_000));
      assertThat(cache.size()).isLessThanOrEqualTo(100);
    }
    assertThat(cache.bytes()).isEqualTo(100 * 100);
  }

  @Test
  void replacingAKey_keepsItsPlace_andDoesNotGrowTheCountOrTheBytes() {
    ResultCache<Integer, Value> cache = new ResultCache<>(2, 10_000);
    for (int i = 0; i < 10; i++) {
      cache.put(1, new Value(i, 100 + i));
    }
    cache.put(2, new Value(5, 50));
    assertThat(cache.size()).isEqualTo(2);
    assertThat(cache.get(1)).isEqualTo(new Value(9, 109));
    assertThat(cache.bytes()).isEqualTo(109 + 50);
    cache.put(3, new Value(5, 50)); // key 1 is still the oldest, replaced or not
    assertThat(cache.get(1)).isNull();
    assertThat(cache.get(2)).isNotNull();
    assertThat(cache.bytes()).isEqualTo(100);
  }

  @Test
  void byteBudget_evictsBeforeTheEntryLimit_andCountsWhatItHolds() {
    ResultCache<Integer, Value> cache = new ResultCache<>(1_000_000, 10_000);
    for (int i = 0; i < 5_000; i++) {
      cache.put(i, new Value(1_000, 400 + i % 500));
      assertThat(cache.bytes()).isLessThanOrEqualTo(10_000);
    }
    assertThat(cache.size()).isBetween(1, 25); // at least 400 bytes each
    assertThat(cache.bytes()).isEqualTo(sumOfWeights(cache, 5_000));
    cache.clear();
    assertThat(cache.bytes()).isZero();
    assertThat(cache.size()).isZero();
  }

  @Test
  void aValueOverATenthOfTheBudget_isNotKept() {
    ResultCache<Integer, Value> cache = new ResultCache<>(100, 10_000);
    cache.put(1, new Value(1_000, 1_001));
    cache.put(2, new Value(1_000, 1_000));
    assertThat(cache.get(1)).isNull();
    assertThat(cache.get(2)).isNotNull();
  }

  /**
   * Threads inserting and replacing overlapping keys at once: afterwards the counts match what the
   * map holds, the bound holds, and no key is left without its place in the queue (clear() drains
   * the queue, so a key the queue lost would survive it).
   */
  @Test
  void concurrentInsertsAndReplacements_keepCountsExact_andEveryKeyEvictable() throws Exception {
    ResultCache<Integer, Value> cache = new ResultCache<>(500, 40_000);
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  ThreadLocalRandom random = ThreadLocalRandom.current();
                  for (int i = 0; i < 200_000; i++) {
                    cache.put(random.nextInt(2_000), new Value(1_000, 50 + random.nextInt(100)));
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    assertThat(cache.size()).isLessThanOrEqualTo(500);
    assertThat(cache.bytes()).isLessThanOrEqualTo(40_000).isEqualTo(sumOfWeights(cache, 2_000));
    cache.clear();
    assertThat(cache.size()).isZero();
    assertThat(cache.bytes()).isZero();
  }

  private static long sumOfWeights(ResultCache<Integer, Value> cache, int keys) {
    long sum = 0;
    for (int i = 0; i < keys; i++) {
      Value v = cache.get(i);
      sum += v == null ? 0 : v.weightBytes();
    }
    return sum;
  }
}
