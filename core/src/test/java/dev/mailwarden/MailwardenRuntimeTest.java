package dev.mailwarden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsRecord;
import dev.mailwarden.dns.DnsResolver;
import dev.mailwarden.dns.DnsStatus;
import dev.mailwarden.dns.NetworkResolver;
import dev.mailwarden.dns.RecordType;
import dev.mailwarden.dns.ZoneResolver;
import dev.mailwarden.testing.FakeTicker;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The one owner of DNS, caches, time and threads: what it starts, it ends. */
class MailwardenRuntimeTest {

  private static Set<String> mailwardenThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith("mailwarden-"))
        .collect(Collectors.toSet());
  }

  private static void awaitNoMailwardenThreads(Set<String> before) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < end) {
      Set<String> now = mailwardenThreads();
      now.removeAll(before);
      if (now.isEmpty()) {
        return;
      }
      Thread.sleep(20);
    }
    Set<String> left = mailwardenThreads();
    left.removeAll(before);
    assertThat(left).as("threads left running").isEmpty();
  }

  private static MailSession session() throws Exception {
    return MailSession.builder().clientIp(InetAddress.getByName("192.0.2.1")).build();
  }

  /** A checker that waits on a DNS name that never answers, so only the deadline ends it. */
  private static Checker<CheckResult> waitingForever() {
    return new Checker<>() {
      final CheckKey<CheckResult> key = CheckKey.of("forever", CheckResult.class);

      @Override
      public CheckKey<CheckResult> key() {
        return key;
      }

      @Override
      public boolean appliesTo(MailSession s) {
        return true;
      }

      @Override
      public CompletableFuture<CheckResult> check(CheckContext ctx) {
        return ctx.dns()
            .lookup("hang.example", RecordType.A)
            .thenApply(
                a ->
                    CheckResult.of(
                        a.isError() ? Outcome.TEMPERROR : Outcome.PASS, a.status().toString()));
      }

      @Override
      public CheckResult temperror(String reason) {
        return CheckResult.of(Outcome.TEMPERROR, reason);
      }
    };
  }

  @Test
  void close_endsEveryThreadTheRuntimeStarted() throws Exception {
    Set<String> before = mailwardenThreads();
    // a network resolver built and owned by the runtime (nothing listens on port 9: discard)
    MailwardenRuntime runtime =
        MailwardenRuntime.builder()
            .network(
                NetworkResolver.builder()
                    .server(new InetSocketAddress("127.0.0.1", 9))
                    .timeout(Duration.ofMillis(200))
                    .tries(1))
            .build();
    MailWarden warden =
        MailWarden.builder(runtime)
            .check(waitingForever(), Weights.none())
            .deadline(Duration.ofMillis(300))
            .build();
    Evaluation ev = warden.evaluate(session()).get(10, TimeUnit.SECONDS);
    assertThat(ev.checks().get(0).result().outcome()).isEqualTo(Outcome.TEMPERROR);
    assertThat(mailwardenThreads()).as("the runtime runs threads while open").isNotEmpty();

    runtime.close();
    runtime.close(); // idempotent
    awaitNoMailwardenThreads(before);
  }

  @Test
  void givenResolverAndExecutor_areTheCallersAndStayOpen() throws Exception {
    AtomicInteger lookups = new AtomicInteger();
    DnsResolver counting =
        (name, type) -> {
          lookups.incrementAndGet();
          return CompletableFuture.completedFuture(DnsAnswer.nxdomain(name, type, 60));
        };
    java.util.concurrent.ExecutorService mine =
        java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      MailwardenRuntime runtime = MailwardenRuntime.builder().dns(counting).executor(mine).build();
      runtime.dns().lookup("a.example", RecordType.A).get(5, TimeUnit.SECONDS);
      runtime.close();
      assertThat(mine.isShutdown()).isFalse();
      assertThat(mine.submit(() -> 42).get(5, TimeUnit.SECONDS)).isEqualTo(42);
      assertThat(lookups).hasValue(1);
    } finally {
      mine.shutdownNow();
    }
  }

  @Test
  void dnsCache_isOnByDefault_andOffOnRequest() throws Exception {
    AtomicInteger lookups = new AtomicInteger();
    DnsResolver counting =
        (name, type) -> {
          lookups.incrementAndGet();
          return CompletableFuture.completedFuture(
              DnsAnswer.of(name, type, List.of(DnsRecord.Txt.of("v=spf1 -all")), 300));
        };
    try (MailwardenRuntime cached =
        MailwardenRuntime.builder()
            .dns(counting)
            .executor(Runnable::run)
            .ticker(new FakeTicker())
            .build()) {
      cached.dns().lookup("a.example", RecordType.TXT).join();
      assertThat(cached.dns().lookup("a.example", RecordType.TXT).join().fromCache()).isTrue();
      assertThat(lookups).hasValue(1);
      assertThat(cached.dnsCacheStats().entries()).isEqualTo(1);
      assertThat(cached.cachedBytes()).isPositive();
    }
    try (MailwardenRuntime uncached =
        MailwardenRuntime.builder()
            .dns(counting)
            .executor(Runnable::run)
            .withoutDnsCache()
            .build()) {
      uncached.dns().lookup("a.example", RecordType.TXT).join();
      uncached.dns().lookup("a.example", RecordType.TXT).join();
      assertThat(lookups).hasValue(3);
      assertThat(uncached.dnsCacheStats().entries()).isZero();
    }
  }

  @Test
  void cacheMemory_boundsTheBytesOfAnswersFromAWildcardZone() {
    // a stranger's wildcard zone: every name answers 1 KB of TXT
    String big = "x".repeat(250);
    ZoneResolver zone =
        ZoneResolver.of(
            "*.evil.example. 3600 IN TXT \""
                + big
                + "\" \""
                + big
                + "\" \""
                + big
                + "\" \""
                + big
                + "\"\n");
    long budget = 1L << 20;
    try (MailwardenRuntime runtime =
        MailwardenRuntime.builder()
            .dns(zone)
            .executor(Runnable::run)
            .ticker(new FakeTicker())
            .cacheMemory(budget)
            .build()) {
      for (int i = 0; i < 20_000; i++) {
        DnsAnswer a = runtime.dns().lookup("n" + i + ".evil.example", RecordType.TXT).join();
        assertThat(a.status()).isEqualTo(DnsStatus.NOERROR);
      }
      assertThat(runtime.cachedBytes()).isLessThanOrEqualTo(budget);
      // 20,000 answers of 1 KB would be 20 MB; the cache kept what fits in three quarters of 1 MiB
      assertThat(runtime.dnsCacheStats().entries()).isBetween(100L, 1_000L);
    }
  }

  @Test
  void sharedCache_staysUnderItsShareOfTheBudget() {
    SharedCache.Slot<Integer, byte[]> slot = SharedCache.Slot.of("test", (k, v) -> v.length);
    try (MailwardenRuntime runtime =
        MailwardenRuntime.builder()
            .dns(ZoneResolver.of(""))
            .executor(Runnable::run)
            .cacheMemory(1L << 20)
            .build()) {
      SharedCache cache = runtime.sharedCache();
      for (int i = 0; i < 10_000; i++) {
        int n = i;
        cache.get(slot, n, k -> new byte[1024]);
      }
      // a quarter of 1 MiB for derived values
      assertThat(cache.weightedBytes()).isLessThanOrEqualTo(1L << 18);
    }
    try (MailwardenRuntime runtime =
        MailwardenRuntime.builder().dns(ZoneResolver.of("")).executor(Runnable::run).build()) {
      byte[] first = runtime.sharedCache().get(slot, -1, k -> new byte[10]);
      assertThat(runtime.sharedCache().get(slot, -1, k -> new byte[20]))
          .as("a hit computes nothing")
          .isSameAs(first);
      assertThat(
              runtime
                  .sharedCache()
                  .get(
                      SharedCache.Slot.of("other", (Integer k, byte[] v) -> 1),
                      -1,
                      k -> new byte[30]))
          .as("slots do not collide")
          .hasSize(30);
    }
  }

  @Test
  void standaloneContext_timerThreadEndsByItself() throws Exception {
    Set<String> before = mailwardenThreads();
    CheckContext ctx = CheckContext.forTesting(session(), ZoneResolver.of(""));
    CompletableFuture<String> pending = new CompletableFuture<>();
    assertThat(
            ctx.completeAfter(pending, TimeUnit.MILLISECONDS.toNanos(50), () -> "late")
                .get(5, TimeUnit.SECONDS))
        .isEqualTo("late");
    // nobody closes the context: its timer thread must not outlive the last timer for long
    awaitNoMailwardenThreads(before);
  }

  @Test
  void completeAfter_onFakeTime_firesOnTheRealTimerButReadsTheRuntimesTicker() throws Exception {
    FakeTicker ticker = new FakeTicker();
    try (MailwardenRuntime runtime =
        MailwardenRuntime.builder()
            .dns(ZoneResolver.builder().hang("hang.example").build())
            .executor(Runnable::run)
            .ticker(ticker)
            .build()) {
      MailWarden warden =
          MailWarden.builder(runtime)
              .check(waitingForever(), Weights.none())
              .deadline(Duration.ofMillis(100))
              .build();
      Evaluation ev = warden.evaluate(session()).get(10, TimeUnit.SECONDS);
      assertThat(ev.checks().get(0).result().outcome()).isEqualTo(Outcome.TEMPERROR);
      assertThat(runtime.ticker()).isSameAs(ticker);
    }
  }

  @Test
  void settings_areSetOnce_andValidated() {
    assertThatThrownBy(() -> MailwardenRuntime.builder().cacheMemory(1 << 20).cacheMemory(2 << 20))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cacheMemory");
    assertThatThrownBy(() -> MailwardenRuntime.builder().cacheMemory(100))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                MailwardenRuntime.builder()
                    .dns(ZoneResolver.of(""))
                    .network(NetworkResolver.builder()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("exclude");
    assertThatThrownBy(() -> MailwardenRuntime.builder().dns(null))
        .isInstanceOf(NullPointerException.class);
    assertThat(Ticker.system()).isSameAs(Ticker.system()).hasToString("Ticker.system()");
  }
}
