package dev.mailwarden.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.CheckContext;
import dev.mailwarden.MailSession;
import dev.mailwarden.Outcome;
import dev.mailwarden.dns.ZoneResolver;
import dev.mailwarden.testing.Environment;
import dev.mailwarden.testing.LoopbackServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Redis store against a real redis-server on 127.0.0.1 (Debian package redis-server). */
class RedisStoreIT {
  private static final Duration TIMEOUT = Duration.ofMillis(300);

  @TempDir Path dir;
  private Path binary;
  private int port;
  private LoopbackServer redis;

  @BeforeEach
  void startRedis() {
    binary = Environment.requireBinary("redis-server", "redis-server");
    port = LoopbackServer.freePort();
    redis = start();
  }

  private LoopbackServer start() {
    return LoopbackServer.start(
        dir,
        port,
        p ->
            List.of(
                binary.toString(),
                "--port",
                Integer.toString(p),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no"),
        LoopbackServer.Probe.TCP,
        Duration.ofSeconds(10));
  }

  @AfterEach
  void stopRedis() {
    if (redis != null) {
      redis.close();
    }
  }

  private RateLimiter limiter(RateLimiter.FailMode mode, String prefix, Limit... limits) {
    return RateLimiter.builder()
        .limits(List.of(limits))
        .redis("127.0.0.1", port)
        .redisKeyPrefix(prefix)
        .storeTimeout(TIMEOUT)
        .whenStoreUnavailable(mode)
        .build();
  }

  private static RateDecision awaitAnswer(Supplier<RateDecision> call) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    RateDecision d = call.get();
    while (d.status() == RateDecision.Status.STORE_UNAVAILABLE && System.nanoTime() < end) {
      Thread.sleep(50);
      d = call.get();
    }
    return d;
  }

  @Test
  void limits_areCheckedAndDebitedTogether_byRedisTime() throws Exception {
    try (RateLimiter l =
        limiter(RateLimiter.FailMode.CLOSED, "t1:", Limit.parse("5/1h"), Limit.parse("8/1d"))) {
      RateDecision first = awaitAnswer(() -> l.tryAcquire("user:alice", 3));
      assertThat(first.status()).isEqualTo(RateDecision.Status.ALLOWED);
      assertThat(first.remaining()).containsExactly(2L, 5L);
      assertThat(l.tryAcquire("user:alice", 2).remaining()).containsExactly(0L, 3L);
      RateDecision denied = l.tryAcquire("user:alice", 1);
      assertThat(denied.status()).isEqualTo(RateDecision.Status.DENIED);
      assertThat(denied.exceededLimit()).contains(Limit.parse("5/1h"));
      // one hourly token takes 12 minutes; a few ms of Redis time may have refilled
      assertThat(denied.retryAfter()).isBetween(Duration.ofMinutes(11), Duration.ofMinutes(12));
      assertThat(denied.remaining()).containsExactly(0L, 3L); // a refusal debits nothing
      RateDecision tooBig = l.tryAcquire("user:bob", 6);
      assertThat(tooBig.allowed()).isFalse();
      assertThat(tooBig.exceedsCapacity()).isTrue();
      assertThat(l.tryAcquire("user:bob", 5).allowed()).isTrue(); // the refusal took nothing
      assertThat(l.tryAcquire("user:postmaster", 0).remaining()).containsExactly(5L, 8L);
    }
  }

  @Test
  void keys_getATtlOfTheLongestPeriod() throws Exception {
    try (RateLimiter l =
            limiter(
                RateLimiter.FailMode.CLOSED, "ttl:", Limit.parse("5/1m"), Limit.parse("50/1h"));
        RedisClient raw = RedisClient.create("redis://127.0.0.1:" + port);
        StatefulRedisConnection<String, String> c = raw.connect()) {
      awaitAnswer(() -> l.tryAcquire("k", 1));
      long ttl = c.sync().pttl("ttl:k");
      assertThat(ttl)
          .isBetween(
              Duration.ofMinutes(59).toMillis(), Duration.ofHours(1).plusSeconds(1).toMillis());
      raw.shutdown();
    }
  }

  @Test
  void twoLimiters_sharingRedis_shareTheLimits() throws Exception {
    try (RateLimiter gatewayA =
            limiter(RateLimiter.FailMode.CLOSED, "site:", Limit.parse("10/1h"));
        RateLimiter gatewayB = limiter(RateLimiter.FailMode.CLOSED, "site:", Limit.parse("10/1h"));
        RateLimiter otherSite =
            limiter(RateLimiter.FailMode.CLOSED, "other:", Limit.parse("10/1h"))) {
      // connect all three first, on another key: a first call that times out while Lettuce
      // connects may still be executed by Redis, and its retry would then debit twice
      for (RateLimiter l : List.of(gatewayA, gatewayB, otherSite)) {
        awaitAnswer(() -> l.tryAcquire("warm-up", 1));
      }
      assertThat(gatewayA.tryAcquire("user:carol", 6).allowed()).isTrue();
      assertThat(gatewayB.tryAcquire("user:carol", 4).remaining()).containsExactly(0L);
      assertThat(gatewayA.tryAcquire("user:carol", 1).allowed()).isFalse();
      assertThat(gatewayB.tryAcquire("user:carol", 1).allowed()).isFalse();
      assertThat(otherSite.tryAcquire("user:carol", 10).allowed()).isTrue();
    }
  }

  @Test
  void concurrentGateways_neverOverGrant() throws Exception {
    try (RateLimiter a = limiter(RateLimiter.FailMode.CLOSED, "c:", Limit.parse("500/1d"));
        RateLimiter b = limiter(RateLimiter.FailMode.CLOSED, "c:", Limit.parse("500/1d"))) {
      awaitAnswer(() -> a.tryAcquire("warmup", 0));
      awaitAnswer(() -> b.tryAcquire("warmup", 0));
      java.util.concurrent.atomic.AtomicLong granted = new java.util.concurrent.atomic.AtomicLong();
      List<Thread> threads = new java.util.ArrayList<>();
      for (int t = 0; t < 4; t++) {
        RateLimiter l = t % 2 == 0 ? a : b;
        Thread th =
            new Thread(
                () -> {
                  for (int i = 0; i < 200; i++) {
                    if (l.tryAcquireAsync("hot", 1).join().status()
                        == RateDecision.Status.ALLOWED) {
                      granted.incrementAndGet();
                    }
                  }
                });
        th.start();
        threads.add(th);
      }
      for (Thread t : threads) {
        t.join();
      }
      assertThat(granted.get()).isEqualTo(500); // 800 tries, 500 tokens, ~0 refill in a second
    }
  }

  @Test
  void redisKilled_failOpen_thenRecovers() throws Exception {
    try (RateLimiter l = limiter(RateLimiter.FailMode.OPEN, "fo:", Limit.parse("3/1h"))) {
      assertThat(awaitAnswer(() -> l.tryAcquire("k", 3)).status())
          .isEqualTo(RateDecision.Status.ALLOWED);
      assertThat(l.tryAcquire("k", 1).status()).isEqualTo(RateDecision.Status.DENIED);
      redis.close();
      for (int i = 0; i < 5; i++) {
        long t0 = System.nanoTime();
        RateDecision d = l.tryAcquire("k", 1);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(TIMEOUT.plusSeconds(2));
        assertThat(d.status()).isEqualTo(RateDecision.Status.STORE_UNAVAILABLE);
        assertThat(d.allowed()).isTrue();
      }
      redis = start(); // same port, empty (no persistence)
      RateDecision back = awaitAnswer(() -> l.tryAcquire("k", 1));
      assertThat(back.status()).isEqualTo(RateDecision.Status.ALLOWED);
      assertThat(back.remaining()).containsExactly(2L);
    }
  }

  @Test
  void redisKilled_failClosed_refusesWithinTheTimeout_thenRecovers() throws Exception {
    try (RateLimiter l = limiter(RateLimiter.FailMode.CLOSED, "fc:", Limit.parse("3/1h"))) {
      OutboundLimitChecker checker = OutboundLimit.check(l, RateKey.authenticatedUser());
      MailSession s =
          MailSession.builder().authenticatedUser("dave").recipient("x@example.org").build();
      assertThat(awaitAnswer(() -> l.tryAcquire("warm", 1)).allowed()).isTrue();
      redis.close();
      long t0 = System.nanoTime();
      RateDecision d = l.tryAcquire("user:dave", 1);
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(TIMEOUT.plusSeconds(2));
      assertThat(d.status()).isEqualTo(RateDecision.Status.STORE_UNAVAILABLE);
      assertThat(d.allowed()).isFalse();
      assertThat(d.retryAfter()).isPositive();
      OutboundLimitResult r =
          checker.check(CheckContext.forTesting(s, ZoneResolver.builder().build())).join();
      assertThat(r.outcome()).isEqualTo(Outcome.TEMPERROR);
      assertThat(r.smtpReply().get().code()).isEqualTo(451);
      redis = start();
      assertThat(awaitAnswer(() -> l.tryAcquire("user:dave", 1)).status())
          .isEqualTo(RateDecision.Status.ALLOWED);
      OutboundLimitResult ok =
          checker.check(CheckContext.forTesting(s, ZoneResolver.builder().build())).join();
      assertThat(ok.outcome()).isEqualTo(Outcome.PASS);
    }
  }

  @Test
  void redisDownWhenBuilt_failsClosed_thenConnectsWhenItComes() throws Exception {
    redis.close();
    try (RateLimiter l = limiter(RateLimiter.FailMode.CLOSED, "late:", Limit.parse("3/1h"))) {
      RateDecision d = l.tryAcquire("k", 1);
      assertThat(d.status()).isEqualTo(RateDecision.Status.STORE_UNAVAILABLE);
      assertThat(d.allowed()).isFalse();
      redis = start();
      assertThat(awaitAnswer(() -> l.tryAcquire("k", 1)).remaining()).containsExactly(2L);
    }
  }
}
