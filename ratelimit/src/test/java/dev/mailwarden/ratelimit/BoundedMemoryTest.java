package dev.mailwarden.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.ratelimit.internal.MemoryStore;
import dev.mailwarden.testing.FakeTicker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Bounded memory: at most maxKeys keys, idle keys forgotten only once full again, and the eviction
 * strategy: under pressure new keys start empty, so an attacker rotating keys to push their drained
 * bucket out never gets a full one back.
 */
class BoundedMemoryTest {
  private final FakeTicker ticker = new FakeTicker();

  private RateLimiter limiter(long maxKeys) {
    return RateLimiter.builder()
        .limit(Limit.parse("10/1h"))
        .limit(Limit.parse("50/1d"))
        .ticker(ticker)
        .maxKeys(maxKeys)
        .build();
  }

  @Test
  void drainedKeyPushedOutByRotation_comesBackEmpty_notFull() {
    RateLimiter limiter = limiter(100);
    MemoryStore store = (MemoryStore) limiter.store();
    for (int i = 0; i < 99; i++) {
      limiter.tryAcquire("user:regular-" + i);
    }
    assertThat(limiter.tryAcquire("user:evil", 10).allowed()).isTrue(); // drained in one go
    boolean evicted = false;
    for (int i = 0; i < 100_000 && !evicted; i++) {
      String k = "user:rotating-" + i;
      for (int r = 0; r < 3; r++) {
        limiter.tryAcquire(k);
      }
      if (i % 50 == 0) {
        store.cleanUp();
        evicted = store.peekTokens("user:evil", 0) < 0;
      }
    }
    assertThat(evicted).as("the flood pushed the drained key out").isTrue();
    store.cleanUp();
    assertThat(limiter.estimatedKeys()).isLessThanOrEqualTo(100);
    RateDecision back = limiter.tryAcquire("user:evil");
    assertThat(back.allowed()).as("re-created under pressure: %s", back).isFalse();
    assertThat(back.remaining()).containsExactly(0L, 0L);
    // and it refills at the normal rate from there
    ticker.advance(Duration.ofMinutes(28));
    assertThat(limiter.tryAcquire("user:evil").allowed())
        .isFalse(); // the daily limit: 1 per 28.8 min
    ticker.advance(Duration.ofSeconds(48));
    assertThat(limiter.tryAcquire("user:evil").allowed()).isTrue();
  }

  @Test
  void newKeysUnderPressure_startEmpty_rotationEarnsOnlyTheRate() {
    RateLimiter limiter = limiter(50);
    MemoryStore store = (MemoryStore) limiter.store();
    for (int i = 0; i < 50; i++) {
      assertThat(limiter.tryAcquire("k" + i).allowed())
          .as("below the bound keys start full")
          .isTrue();
    }
    store.cleanUp();
    int granted = 0;
    for (int i = 0; i < 1_000; i++) {
      if (limiter.tryAcquire("rotate-" + i, 1).allowed()) {
        granted++;
      }
    }
    assertThat(granted).isZero();
  }

  @Test
  void belowTheBound_newKeysStartFull() {
    RateLimiter limiter = limiter(1_000);
    for (int i = 0; i < 500; i++) {
      assertThat(limiter.tryAcquire("k" + i, 10).allowed()).isTrue();
    }
  }

  @Test
  void idleKey_isKeptUntilFullAgain_thenForgotten() {
    RateLimiter limiter =
        RateLimiter.builder()
            .limit(Limit.parse("10/1h"))
            .limit(Limit.parse("50/1d"))
            .ticker(ticker)
            .build();
    MemoryStore store = (MemoryStore) limiter.store();
    for (int hour = 0; hour < 5; hour++) {
      assertThat(limiter.tryAcquire("k", 10).allowed()).isTrue();
      ticker.advance(Duration.ofHours(1));
    }
    limiter.tryAcquire("k", 0); // last use: the daily limit holds 40/24 tokens, full after ~23.2 h
    ticker.advance(Duration.ofDays(1).minusNanos(1));
    store.cleanUp();
    assertThat(store.peekTokens("k", 1)).isEqualTo(50);
    assertThat(limiter.estimatedKeys()).as("kept while it may still owe tokens").isEqualTo(1);
    ticker.advanceNanos(1);
    store.cleanUp();
    assertThat(limiter.estimatedKeys()).isZero();
    assertThat(limiter.tryAcquire("k", 0).remaining()).containsExactly(10L, 50L);
  }
}
