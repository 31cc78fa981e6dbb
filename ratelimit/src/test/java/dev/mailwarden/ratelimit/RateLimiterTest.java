package dev.mailwarden.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailwarden.testing.FakeTicker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  private final FakeTicker ticker = new FakeTicker();
  private final RateLimiter limiter =
      RateLimiter.builder()
          .limit(Limit.parse("10/1m"))
          .limit(Limit.parse("15/1h"))
          .ticker(ticker)
          .exemptKeys("user:postmaster")
          .build();

  @Test
  void everyLimitMustAllow_theTightestDecides() {
    assertThat(limiter.tryAcquire("a", 10).allowed()).isTrue();
    ticker.advance(Duration.ofMinutes(1)); // per-minute full again, per-hour has 5 (+0.25)
    RateDecision d = limiter.tryAcquire("a", 6);
    assertThat(d.allowed()).isFalse();
    assertThat(d.exceededLimit()).contains(Limit.parse("15/1h"));
    assertThat(d.remaining()).containsExactly(10L, 5L);
    // 1 more hourly token (0.75 of one missing): 0.75 * 240 s = 180 s
    assertThat(d.retryAfter()).isEqualTo(Duration.ofMinutes(3));
  }

  @Test
  void deniedAcquire_debitsNothing() {
    assertThat(limiter.tryAcquire("a", 8).allowed()).isTrue();
    RateDecision denied = limiter.tryAcquire("a", 3);
    assertThat(denied.allowed()).isFalse();
    assertThat(denied.status()).isEqualTo(RateDecision.Status.DENIED);
    RateDecision after = limiter.tryAcquire("a", 2);
    assertThat(after.allowed()).isTrue();
    assertThat(after.remaining()).containsExactly(0L, 5L);
  }

  @Test
  void allowed_reportsRemainingPerLimitAndNoWait() {
    RateDecision d = limiter.tryAcquire("a", 4);
    assertThat(d.allowed()).isTrue();
    assertThat(d.remaining()).containsExactly(6L, 11L);
    assertThat(d.remaining(1)).isEqualTo(11);
    assertThat(d.retryAfter()).isZero();
    assertThat(d.exceededLimit()).isEmpty();
    assertThat(d.toString()).contains("ALLOWED").contains("6 of 10/1m");
  }

  @Test
  void keys_areIndependent() {
    assertThat(limiter.tryAcquire("a", 10).allowed()).isTrue();
    assertThat(limiter.tryAcquire("b", 10).allowed()).isTrue();
    assertThat(limiter.estimatedKeys()).isEqualTo(2);
  }

  @Test
  void costZero_asksWithoutTaking() {
    limiter.tryAcquire("a", 10);
    RateDecision d = limiter.tryAcquire("a", 0);
    assertThat(d.allowed()).isTrue();
    assertThat(d.remaining()).containsExactly(0L, 5L);
  }

  @Test
  void costAboveCapacity_isNeverGranted_andSaysSo() {
    RateDecision d = limiter.tryAcquire("a", 11);
    assertThat(d.allowed()).isFalse();
    assertThat(d.exceedsCapacity()).isTrue();
    assertThat(d.exceededLimit()).contains(Limit.parse("10/1m"));
    assertThat(limiter.tryAcquire("a", 10).allowed()).isTrue(); // nothing was debited
  }

  @Test
  void exemptKey_isAllowedAndNotCounted() {
    for (int i = 0; i < 100; i++) {
      assertThat(limiter.tryAcquire("user:postmaster", 10).status())
          .isEqualTo(RateDecision.Status.EXEMPT);
    }
    assertThat(limiter.estimatedKeys()).isZero();
    assertThat(limiter.isExempt("user:postmaster")).isTrue();
  }

  @Test
  void async_inMemory_isAlreadyComplete() {
    assertThat(limiter.tryAcquireAsync("a", 1)).isCompleted();
    assertThat(limiter.tryAcquireAsync("a", 1).join().remaining()).containsExactly(8L, 13L);
  }

  @Test
  void misuse_fails() {
    assertThatThrownBy(() -> limiter.tryAcquire("a", -1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> limiter.tryAcquire(null, 1)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> RateLimiter.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("limit");
    assertThatThrownBy(
            () -> RateLimiter.builder().limit(Limit.parse("1/1h")).limit(Limit.parse("1/60m")))
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> RateLimiter.builder().maxKeys(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RateLimiter.builder().maxKeys(5).maxKeys(6))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> RateLimiter.builder().redis("http://x"))
        .hasMessageContaining("Redis URI");
  }

  @Test
  void requireClass_missing_namesTheArtifact() {
    // the same check build() runs for io.lettuce.core.RedisClient, with a class that is absent
    assertThatThrownBy(
            () ->
                RateLimiter.requireClass(
                    "io.lettuce.core.NoSuchClient", RateLimiter.LETTUCE_ARTIFACT))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("io.lettuce:lettuce-core");
    RateLimiter.requireClass(
        RateLimiter.LETTUCE_CLASS, RateLimiter.LETTUCE_ARTIFACT); // present in tests
  }

  @Test
  void toString_namesLimitsAndStore() {
    assertThat(limiter.toString())
        .contains("10/1m")
        .contains("15/1h")
        .contains("memory")
        .contains("exemptions");
  }
}
