package dev.mailwarden.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.Ticker;
import dev.mailwarden.testing.FakeTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/** 8 threads on one key: never more grants than tokens, and no grant lost to a race. */
class ConcurrencyTest {
  private static final int THREADS = 8;

  @Test
  void eightThreads_frozenClock_grantExactlyTheCapacity() throws Exception {
    FakeTicker ticker = new FakeTicker();
    RateLimiter limiter =
        RateLimiter.builder()
            .limit(Limit.of(20_000).per(Duration.ofHours(1)))
            .limit(Limit.of(30_000).per(Duration.ofDays(1)))
            .ticker(ticker)
            .build();
    LongAdder granted = new LongAdder();
    LongAdder costGranted = new LongAdder();
    hammer(
        () -> {
          for (int i = 0; i < 10_000; i++) {
            long cost = 1L + (i & 1);
            if (limiter.tryAcquire("hot", cost).allowed()) {
              granted.increment();
              costGranted.add(cost);
            }
          }
        });
    // 80,000 tries of cost 1 or 2 (120,000 tokens asked) against 20,000 tokens
    assertThat(costGranted.sum()).isBetween(19_999L, 20_000L);
    RateDecision last = limiter.tryAcquire("hot", 0);
    assertThat(last.remaining(0)).isEqualTo(20_000 - costGranted.sum());
    assertThat(last.remaining(1)).isEqualTo(30_000 - costGranted.sum());
  }

  @Test
  void eightThreads_realClock_neverOverGrant() throws Exception {
    Ticker system = Ticker.system();
    RateLimiter limiter =
        RateLimiter.builder()
            .limit(Limit.of(1_000).per(Duration.ofSeconds(10)))
            .ticker(system)
            .build();
    LongAdder granted = new LongAdder();
    long t0 = system.read();
    hammer(
        () -> {
          long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
          while (System.nanoTime() < end) {
            if (limiter.tryAcquire("hot").allowed()) {
              granted.increment();
            }
          }
        });
    long elapsed = system.read() - t0;
    long bound = 1_000 + elapsed * 1_000 / Duration.ofSeconds(10).toNanos() + 1;
    assertThat(granted.sum()).isGreaterThanOrEqualTo(1_000).isLessThanOrEqualTo(bound);
  }

  private static void hammer(Runnable work) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  work.run();
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
