package dev.mailwarden.dnsbl.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResultCacheTest {
  record Value(long expiresAtNanos, long weightBytes) implements ResultCache.Expiring {
    Value(long expiresAtNanos) {
      this(expiresAtNanos, 100);
    }
  }

  @Test
  void staysWithinItsBound_droppingExpiredEntriesFirst() {
    ResultCache<Integer, Value> cache = new ResultCache<>(100, Long.MAX_VALUE);
    for (int i = 0; i < 50; i++) {
      cache.put(i, new Value(10), 0); // expire at t=10
    }
    for (int i = 50; i < 101; i++) {
      cache.put(i, new Value(1_000), 20); // t=20: the first 50 are expired
    }
    assertThat(cache.size()).isLessThanOrEqualTo(100);
    assertThat(cache.get(100)).isNotNull();
    assertThat(cache.get(0)).isNull();
    for (int i = 0; i < 10_000; i++) {
      cache.put(1_000 + i, new Value(1_000), 20);
      assertThat(cache.size()).isLessThanOrEqualTo(100);
    }
  }

  @Test
  void replacingAKey_doesNotGrowTheCountOrTheBytes() {
    ResultCache<Integer, Value> cache = new ResultCache<>(2, 10_000);
    for (int i = 0; i < 10; i++) {
      cache.put(1, new Value(i, 100 + i), 0);
    }
    cache.put(2, new Value(5, 50), 0);
    assertThat(cache.size()).isEqualTo(2);
    assertThat(cache.get(1)).isEqualTo(new Value(9, 109));
    assertThat(cache.bytes()).isEqualTo(109 + 50);
  }

  @Test
  void byteBudget_evictsBeforeTheEntryLimit_andCountsWhatItHolds() {
    ResultCache<Integer, Value> cache = new ResultCache<>(1_000_000, 10_000);
    for (int i = 0; i < 5_000; i++) {
      cache.put(i, new Value(1_000, 400 + i % 500), 0);
      assertThat(cache.bytes()).isLessThanOrEqualTo(10_000);
    }
    assertThat(cache.size()).isBetween(1, 25); // at least 400 bytes each
    long sum = 0;
    for (int i = 0; i < 5_000; i++) {
      Value v = cache.get(i);
      sum += v == null ? 0 : v.weightBytes();
    }
    assertThat(cache.bytes()).isEqualTo(sum);
    cache.clear();
    assertThat(cache.bytes()).isZero();
    assertThat(cache.size()).isZero();
  }

  @Test
  void aValueOverATenthOfTheBudget_isNotKept() {
    ResultCache<Integer, Value> cache = new ResultCache<>(100, 10_000);
    cache.put(1, new Value(1_000, 1_001), 0);
    cache.put(2, new Value(1_000, 1_000), 0);
    assertThat(cache.get(1)).isNull();
    assertThat(cache.get(2)).isNotNull();
  }
}
