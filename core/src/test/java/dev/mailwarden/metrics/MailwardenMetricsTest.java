package dev.mailwarden.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.CapExceeded;
import dev.mailwarden.CheckContext;
import dev.mailwarden.CheckKey;
import dev.mailwarden.CheckResult;
import dev.mailwarden.Checker;
import dev.mailwarden.DecisionLog;
import dev.mailwarden.EvaluationListener;
import dev.mailwarden.MailSession;
import dev.mailwarden.MailWarden;
import dev.mailwarden.MailwardenRuntime;
import dev.mailwarden.Outcome;
import dev.mailwarden.Weights;
import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsStatus;
import dev.mailwarden.dns.NetworkResolver;
import dev.mailwarden.dns.RecordType;
import dev.mailwarden.dns.ZoneResolver;
import dev.mailwarden.testing.TestRuntime;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MailwardenMetricsTest {
  private static final ZoneResolver ZONE =
      ZoneResolver.builder()
          .txt("listed.example", "yes")
          .fail("broken.example", DnsStatus.SERVFAIL)
          .build();

  /** Looks up one name; FAIL when it has TXT records; reports a cap when told to. */
  private record Lookup(CheckKey<CheckResult> key, String query, boolean capHit)
      implements Checker<CheckResult> {
    static Lookup of(String check, String name, boolean capHit) {
      return new Lookup(CheckKey.of(check, CheckResult.class), name, capHit);
    }

    @Override
    public boolean appliesTo(MailSession session) {
      return true;
    }

    @Override
    public CompletableFuture<CheckResult> check(CheckContext ctx) {
      if (capHit) {
        ctx.report(new CapExceeded("test.records", "more than 10 records"));
      }
      return ctx.dns()
          .lookup(query, RecordType.TXT)
          .thenApply(
              a ->
                  a.isError()
                      ? CheckResult.of(Outcome.TEMPERROR, "dns")
                      : a.txts().isEmpty()
                          ? CheckResult.of(Outcome.NONE, "none")
                          : CheckResult.of(Outcome.FAIL, "listed"));
    }

    @Override
    public CheckResult temperror(String reason) {
      return CheckResult.of(Outcome.TEMPERROR, reason);
    }
  }

  private static MailSession session() throws Exception {
    return MailSession.builder()
        .clientIp(InetAddress.getByName("192.0.2.1"))
        .helo("mail.example.com")
        .build();
  }

  private static double count(MeterRegistry r, String name, String... tags) {
    var search = r.find(name).tags(tags);
    if (search.timer() != null) {
      return search.timer().count();
    }
    if (search.counter() != null) {
      return search.counter().count();
    }
    if (search.functionCounter() != null) {
      return search.functionCounter().count();
    }
    if (search.gauge() != null) {
      return search.gauge().value();
    }
    throw new AssertionError(
        "no meter "
            + name
            + " "
            + String.join(",", tags)
            + " in "
            + r.getMeters().stream().map(m -> m.getId().toString()).toList());
  }

  @Test
  void evaluationsChecksDnsAndCaps_areCountedWithLowCardinalityTags() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (MailwardenRuntime runtime =
        MailwardenRuntime.builder().dns(ZONE).executor(Runnable::run).build()) {
      MailwardenMetrics.bindRuntime(registry, runtime);
      MailWarden warden =
          MailWarden.builder(runtime)
              .decisionLog(DecisionLog.off())
              .listener(MailwardenMetrics.bind(registry))
              .check(Lookup.of("bl", "listed.example", false), Weights.of(Outcome.FAIL, 5.0))
              .check(Lookup.of("broken", "broken.example", true), Weights.of(Outcome.FAIL, 1.0))
              .shortCircuit(false)
              .build();

      warden.evaluateAndWait(session());
      warden.evaluateAndWait(session());

      assertThat(count(registry, "mailwarden.evaluations", "verdict", "reject")).isEqualTo(2);
      assertThat(count(registry, "mailwarden.evaluations", "verdict", "accept")).isZero();
      assertThat(
              count(
                  registry,
                  "mailwarden.checks",
                  "check",
                  "bl",
                  "outcome",
                  "fail",
                  "status",
                  "completed"))
          .isEqualTo(2);
      assertThat(
              count(
                  registry,
                  "mailwarden.checks",
                  "check",
                  "broken",
                  "outcome",
                  "temperror",
                  "status",
                  "completed"))
          .isEqualTo(2);
      assertThat(
              count(
                  registry,
                  "mailwarden.dns.queries",
                  "type",
                  "TXT",
                  "status",
                  "NOERROR",
                  "source",
                  "network"))
          .isEqualTo(1);
      assertThat(
              count(
                  registry,
                  "mailwarden.dns.queries",
                  "type",
                  "TXT",
                  "status",
                  "NOERROR",
                  "source",
                  "cache"))
          .isEqualTo(1);
      assertThat(
              registry.find("mailwarden.dns.queries").tags("status", "SERVFAIL").timers().stream()
                  .mapToLong(t -> t.count())
                  .sum())
          .isEqualTo(2);
      assertThat(
              count(registry, "mailwarden.caps.exceeded", "check", "broken", "cap", "test.records"))
          .isEqualTo(2);
      assertThat(
              count(registry, "mailwarden.check.events", "check", "broken", "event", "CapExceeded"))
          .isEqualTo(2);
      // the cache's own misses are the answers the checks saw come from the network
      long fromNetwork =
          registry.find("mailwarden.dns.queries").tags("source", "network").timers().stream()
              .mapToLong(t -> t.count())
              .sum();
      assertThat(count(registry, "mailwarden.cache.misses", "cache", "dns"))
          .isEqualTo((double) fromNetwork)
          .isPositive();
      assertThat(count(registry, "mailwarden.cache.size", "cache", "dns"))
          .isGreaterThanOrEqualTo(1);
      assertThat(count(registry, "mailwarden.cache.bytes", "cache", "dns")).isPositive();
      assertThat(count(registry, "mailwarden.cache.evictions", "cache", "dns")).isZero();
      assertThat(count(registry, "mailwarden.cache.size", "cache", "records")).isZero();
      assertThat(count(registry, "mailwarden.cache.memory"))
          .isEqualTo(MailwardenRuntime.DEFAULT_CACHE_MEMORY);
      assertThat(registry.find("mailwarden.resolver.queries.sent").meters())
          .as("no network resolver of its own")
          .isEmpty();
      for (Meter m : registry.getMeters()) {
        for (Tag t : m.getId().getTags()) {
          assertThat(t.getValue()).as(m.getId().toString()).doesNotContain("192.0.2.1", "example");
        }
      }
    }
  }

  @Test
  void bindRuntime_countsEvictionsUnderASmallBudget_andBindsTheRuntimesOwnResolver()
      throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ZoneResolver.Builder zone = ZoneResolver.builder();
    for (int i = 1; i <= 400; i++) {
      zone.txt(
          "n" + i + ".example", "a fairly long text record, so that a few hundred fill the budget");
    }
    ZoneResolver many = zone.build();
    try (MailwardenRuntime runtime =
        MailwardenRuntime.builder().dns(many).cacheMemory(16 * 1024).build()) {
      MailwardenMetrics.bindRuntime(registry, runtime);
      for (int i = 1; i <= 400; i++) {
        runtime.dns().lookup("n" + i + ".example", RecordType.TXT).get(5, TimeUnit.SECONDS);
      }
      assertThat(count(registry, "mailwarden.cache.misses", "cache", "dns")).isEqualTo(400);
      assertThat(count(registry, "mailwarden.cache.evictions", "cache", "dns")).isPositive();
      assertThat(count(registry, "mailwarden.cache.bytes", "cache", "dns"))
          .isLessThanOrEqualTo(16 * 1024);
    }
    try (DatagramSocket silent =
            new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        MailwardenRuntime runtime =
            MailwardenRuntime.builder()
                .network(
                    NetworkResolver.builder()
                        .server(
                            new InetSocketAddress(
                                InetAddress.getLoopbackAddress(), silent.getLocalPort()))
                        .timeout(Duration.ofMillis(50))
                        .tries(1))
                .build()) {
      SimpleMeterRegistry own = new SimpleMeterRegistry();
      MailwardenMetrics.bindRuntime(own, runtime);
      assertThat(
              runtime.dns().lookup("example.com", RecordType.A).get(5, TimeUnit.SECONDS).status())
          .isEqualTo(DnsStatus.TIMEOUT);
      assertThat(count(own, "mailwarden.resolver.queries.sent")).isEqualTo(1);
      assertThat(count(own, "mailwarden.resolver.timeouts")).isEqualTo(1);
    }
  }

  @Test
  void bindResolver_readsTheNetworkResolversCounters() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (DatagramSocket silent =
            new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        NetworkResolver resolver =
            NetworkResolver.builder()
                .server(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), silent.getLocalPort()))
                .timeout(Duration.ofMillis(50))
                .tries(1)
                .build()) {
      MailwardenMetrics.bindResolver(registry, resolver);

      DnsAnswer a = resolver.lookup("example.com", RecordType.A).get(5, TimeUnit.SECONDS);

      assertThat(a.status()).isEqualTo(DnsStatus.TIMEOUT);
      assertThat(count(registry, "mailwarden.resolver.queries.sent")).isEqualTo(1);
      assertThat(count(registry, "mailwarden.resolver.timeouts")).isEqualTo(1);
      assertThat(count(registry, "mailwarden.resolver.replies.dropped", "reason", "unknown_id"))
          .isZero();
      assertThat(count(registry, "mailwarden.resolver.in.flight")).isZero();
      assertThat(count(registry, "mailwarden.resolver.waiting")).isZero();
    }
  }

  @Test
  void allListeners_areCalled_evenWhenOneThrows() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    EvaluationListener throwing =
        new EvaluationListener() {
          @Override
          public void onEvaluationComplete(dev.mailwarden.Evaluation evaluation) {
            throw new IllegalStateException("boom");
          }
        };
    MailWarden warden =
        MailWarden.builder(TestRuntime.of(ZONE))
            .decisionLog(DecisionLog.off())
            .listener(EvaluationListener.all(throwing, MailwardenMetrics.bind(registry)))
            .build();

    warden.evaluateAndWait(session());

    assertThat(count(registry, "mailwarden.evaluations", "verdict", "accept")).isEqualTo(1);
  }
}
