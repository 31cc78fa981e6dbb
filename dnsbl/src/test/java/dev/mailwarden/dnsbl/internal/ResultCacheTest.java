package dev.mailwarden.dnsbl.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResultCacheTest {
  record Value(long expiresAtNanos) implements ResultCache.Expiring {}

  @Test
  void staysWithinItsBound_droppingExpiredEntriesFirst() {
    ResultCache<Integer, Value> cache = new ResultCache<>(100);
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
  void replacingAKey_doesNotGrowTheCount() {
    ResultCache<Integer, Value> cache = new ResultCache<>(2);
    for (int i = 0; i < 10; i++) {
      cache.put(1, new Value(i), 0);
    }
    cache.put(2, new Value(5), 0);
    assertThat(cache.size()).isEqualTo(2);
    assertThat(cache.get(1)).isEqualTo(new Value(9));
  }
}
