package dev.mailwarden.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.testing.FakeTicker;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random sequences of acquires, waits and clock steps of ±1 h against a fake ticker. Over any
 * window of events, the tokens granted by each limit never exceed capacity + rate × (time the
 * ticker moved forward), remaining is never negative nor above capacity, and a retry-after is
 * exact: one nanosecond earlier is still refused, at the retry-after the same cost is granted.
 */
class TokenBucketPropertyTest {

  static List<Long> seeds() {
    List<Long> s = new ArrayList<>();
    for (long i = 1; i <= 60; i++) {
      s.add(i * 7919);
    }
    return s;
  }

  private record Event(long forwardNanos, long granted) {}

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void grantsNeverExceedCapacityPlusRateTimesTime(long seed) {
    Random rnd = new Random(seed);
    List<Limit> limits = new ArrayList<>();
    int count = 1 + rnd.nextInt(2);
    while (limits.size() < count) {
      long capacity = 1L + rnd.nextInt(rnd.nextBoolean() ? 5 : 500);
      Duration period = Duration.ofMillis(1 + rnd.nextInt(rnd.nextBoolean() ? 1000 : 3_600_000));
      if (rnd.nextInt(6) == 0) { // huge capacities take the two-slot (wide) arithmetic
        capacity = Limit.MAX_CAPACITY - rnd.nextInt(1_000_000);
        period = Duration.ofMinutes(1 + rnd.nextInt(1440)).plusNanos(rnd.nextInt(1000));
      }
      Limit l = Limit.of(capacity).per(period);
      if (rnd.nextInt(4) == 0) {
        l = l.intervally();
      }
      if (!limits.contains(l)) {
        limits.add(l);
      }
    }
    FakeTicker ticker = new FakeTicker();
    RateLimiter limiter = RateLimiter.builder().limits(limits).ticker(ticker).maxKeys(10).build();
    long maxCap = limits.stream().mapToLong(Limit::capacity).max().orElseThrow();
    long shortest = limits.stream().mapToLong(Limit::periodNanos).min().orElseThrow();
    List<Event> events = new ArrayList<>();
    long pendingForward = 0;
    for (int step = 0; step < 400; step++) {
      int action = rnd.nextInt(20);
      if (action == 0) {
        ticker.advance(Duration.ofHours(-1));
      } else if (action == 1) {
        ticker.advance(Duration.ofHours(1));
        pendingForward += Duration.ofHours(1).toNanos();
      } else if (action < 8) {
        long d = (long) (rnd.nextDouble() * shortest / Math.max(1, rnd.nextInt(50)));
        ticker.advanceNanos(d);
        pendingForward += d;
      }
      long cost =
          rnd.nextInt(10) == 0 ? maxCap + 1 : (long) rnd.nextInt((int) Math.min(maxCap, 50) + 1);
      RateDecision d = limiter.tryAcquire("k", cost);
      checkRemaining(d, limits);
      events.add(new Event(pendingForward, d.allowed() ? cost : 0));
      pendingForward = 0;
      if (!d.allowed() && !d.exceedsCapacity() && rnd.nextInt(3) == 0) {
        long wait = d.retryAfter().toNanos();
        assertThat(wait).isPositive();
        ticker.advanceNanos(wait - 1);
        RateDecision early = limiter.tryAcquire("k", cost);
        assertThat(early.allowed()).as("1 ns before retry-after %s", d).isFalse();
        checkRemaining(early, limits);
        events.add(new Event(wait - 1, 0));
        ticker.advanceNanos(1);
        RateDecision onTime = limiter.tryAcquire("k", cost);
        assertThat(onTime.allowed())
            .as("at retry-after %s (cost %d): %s; limits %s", d, cost, onTime, limits)
            .isTrue();
        checkRemaining(onTime, limits);
        events.add(new Event(1, cost));
      }
    }
    for (Limit l : limits) {
      checkWindows(events, l);
    }
  }

  private static void checkRemaining(RateDecision d, List<Limit> limits) {
    for (int i = 0; i < limits.size(); i++) {
      assertThat(d.remaining(i)).isBetween(0L, limits.get(i).capacity());
    }
  }

  /**
   * Every window [i, j]: granted × P ≤ C × P + C × T (greedy); ≤ C × (1 + ceil(T / P)) (interval).
   */
  private static void checkWindows(List<Event> events, Limit l) {
    BigInteger c = BigInteger.valueOf(l.capacity());
    BigInteger p = BigInteger.valueOf(l.periodNanos());
    for (int i = 0; i < events.size(); i++) {
      long granted = 0;
      BigInteger forward = BigInteger.ZERO; // ticker advance after event i, up to event j
      for (int j = i; j < events.size(); j++) {
        if (j > i) {
          forward = forward.add(BigInteger.valueOf(events.get(j).forwardNanos()));
        }
        granted += events.get(j).granted();
        BigInteger g = BigInteger.valueOf(granted);
        boolean ok;
        if (l.refill() == Limit.Refill.GREEDY) {
          ok = g.multiply(p).compareTo(c.multiply(p).add(c.multiply(forward))) <= 0;
        } else {
          BigInteger periods = forward.add(p).subtract(BigInteger.ONE).divide(p);
          ok = g.compareTo(c.multiply(BigInteger.ONE.add(periods))) <= 0;
        }
        if (!ok) {
          throw new AssertionError(
              "limit "
                  + l
                  + " granted "
                  + granted
                  + " in events "
                  + i
                  + ".."
                  + j
                  + " with "
                  + forward
                  + " ns of forward time");
        }
      }
    }
  }
}
