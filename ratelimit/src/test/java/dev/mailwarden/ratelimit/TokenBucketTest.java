package dev.mailwarden.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.ratelimit.internal.BucketSpec;
import dev.mailwarden.testing.FakeTicker;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Exact arithmetic of one bucket, through the public limiter with a fake ticker. */
class TokenBucketTest {
  private final FakeTicker ticker = new FakeTicker();

  private RateLimiter limiter(Limit... limits) {
    RateLimiter.Builder b = RateLimiter.builder().ticker(ticker);
    for (Limit l : limits) {
      b.limit(l);
    }
    return b.build();
  }

  private static int drain(RateLimiter l, String key) {
    int n = 0;
    while (l.tryAcquire(key).allowed()) {
      n++;
    }
    return n;
  }

  @Test
  void newKey_startsFull() {
    RateLimiter l = limiter(Limit.parse("5/1m"));
    assertThat(drain(l, "k")).isEqualTo(5);
  }

  @Test
  void lowRate_polledEverySecond_losesNoFraction() {
    // 1 token per hour; a naive "floor(elapsed * rate), last = now" would never refill here
    RateLimiter l = limiter(Limit.parse("1/1h"));
    assertThat(drain(l, "k")).isEqualTo(1);
    for (int s = 1; s < 3600; s++) {
      ticker.advance(Duration.ofSeconds(1));
      assertThat(l.tryAcquire("k").allowed()).as("second %d", s).isFalse();
    }
    ticker.advance(Duration.ofSeconds(1));
    assertThat(l.tryAcquire("k").allowed()).isTrue();
  }

  @Test
  void awkwardRate_sevenPerHour_refillsExactlyOverManySmallSteps() {
    // 7/1h: one token every 514285714285.71... ns; sum of 1 ms steps must give exactly 7 per hour
    RateLimiter l = limiter(Limit.parse("7/1h"));
    drain(l, "k");
    int granted = 0;
    for (int ms = 0; ms < 3_600_000; ms += 7) { // 7 ms steps, polling every step
      ticker.advance(Duration.ofMillis(7));
      if (l.tryAcquire("k").allowed()) {
        granted++;
      }
    }
    // 3,600,007 ms elapsed: 7 tokens refilled (the 8th needs 3,600,000.0 + 514,285.7 ms)
    assertThat(granted).isEqualTo(7);
  }

  @Test
  void retryAfter_isExact_oneNanosecondEarlierIsStillDenied() {
    RateLimiter l = limiter(Limit.parse("7/1h"));
    drain(l, "k");
    RateDecision d = l.tryAcquire("k", 3);
    assertThat(d.allowed()).isFalse();
    long wait = d.retryAfter().toNanos();
    // 3 tokens at 7/h: ceil(3 * 3600e9 / 7) ns
    assertThat(wait).isEqualTo((3 * 3_600_000_000_000L + 6) / 7);
    ticker.advanceNanos(wait - 1);
    assertThat(l.tryAcquire("k", 3).allowed()).isFalse();
    ticker.advanceNanos(1);
    assertThat(l.tryAcquire("k", 3).allowed()).isTrue();
  }

  @Test
  void hugeCapacity_2pow40_noOverflow_andExactRefill() {
    long cap = Limit.MAX_CAPACITY;
    RateLimiter l =
        limiter(Limit.of(cap).per(Duration.ofDays(1)), Limit.of(cap).per(Duration.ofSeconds(1)));
    assertThat(l.tryAcquire("k", cap).allowed()).isTrue();
    assertThat(l.tryAcquire("k", 1).allowed()).isFalse();
    ticker.advance(Duration.ofHours(12)); // half a day: exactly half of the daily limit
    RateDecision d = l.tryAcquire("k", cap / 2);
    assertThat(d.allowed()).isTrue();
    assertThat(d.remaining()).containsExactly(0L, cap / 2);
    ticker.advance(Duration.ofDays(365L * 200)); // two centuries idle
    assertThat(l.tryAcquire("k", cap).remaining()).containsExactly(0L, 0L);
    assertThat(l.tryAcquire("k", 1).retryAfter()).isPositive().isLessThan(Duration.ofSeconds(1));
  }

  @Test
  void yearsIdle_givesAFullBucketNotMore() {
    RateLimiter l = limiter(Limit.parse("100/1h"), Limit.parse("1000/1d"));
    drain(l, "k");
    ticker.advance(Duration.ofDays(365L * 250));
    RateDecision d = l.tryAcquire("k", 0);
    assertThat(d.remaining()).containsExactly(100L, 1000L);
  }

  @Test
  void clockStepBack_neitherGrantsNorLocksOut() {
    RateLimiter l = limiter(Limit.parse("60/1m"));
    drain(l, "k");
    ticker.advance(Duration.ofSeconds(10));
    assertThat(l.tryAcquire("k", 0).remaining(0)).isEqualTo(10);
    ticker.advance(Duration.ofHours(-1));
    assertThat(l.tryAcquire("k", 0).remaining(0))
        .isEqualTo(10); // refill up to the step kept, no more
    ticker.advance(Duration.ofSeconds(5));
    assertThat(l.tryAcquire("k", 0).remaining(0))
        .isEqualTo(15); // refill resumes from the new reading
  }

  @Test
  void intervalRefill_addsTheWholeCapacityAtTheEndOfEachPeriod() {
    RateLimiter l = limiter(Limit.parse("10/1m").intervally());
    assertThat(drain(l, "k")).isEqualTo(10);
    ticker.advance(Duration.ofSeconds(59));
    assertThat(l.tryAcquire("k").allowed()).isFalse();
    assertThat(l.tryAcquire("k").retryAfter()).isEqualTo(Duration.ofSeconds(1));
    ticker.advance(Duration.ofSeconds(1));
    assertThat(drain(l, "k")).isEqualTo(10);
    ticker.advance(Duration.ofSeconds(30));
    assertThat(l.tryAcquire("k", 0).remaining(0)).isZero(); // mid-period: nothing yet
    ticker.advance(Duration.ofSeconds(29));
    assertThat(l.tryAcquire("k").allowed()).isFalse();
    ticker.advance(Duration.ofSeconds(1)); // the boundary stays where the period began
    assertThat(drain(l, "k")).isEqualTo(10);
  }

  @Test
  void intervalRefill_afterManyPeriods_isFullNotMultiplied_andKeepsItsPhase() {
    BucketSpec spec = new BucketSpec(List.of(Limit.parse("10/1m").intervally()));
    long t0 = 5_000;
    long[] s = spec.initial(t0, true);
    assertThat(spec.debit(s, 10)).isTrue();
    long[] later = spec.refill(s, t0 + Duration.ofMinutes(10).plusSeconds(30).toNanos());
    assertThat(spec.tokens(later, 0)).isEqualTo(10);
    assertThat(spec.debit(later, 10)).isTrue();
    assertThat(spec.nanosUntil(later, 0, 1)).isEqualTo(Duration.ofSeconds(30).toNanos());
  }
}
