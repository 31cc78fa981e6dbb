package dev.mailwarden.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.net.InetAddresses;
import dev.mailwarden.CheckReport;
import dev.mailwarden.Evaluation;
import dev.mailwarden.MailSession;
import dev.mailwarden.MailWarden;
import dev.mailwarden.MailwardenRuntime;
import dev.mailwarden.Outcome;
import dev.mailwarden.auth.spf.Spf;
import dev.mailwarden.dns.CacheSpec;
import dev.mailwarden.dns.DnsResolver;
import dev.mailwarden.dns.NetworkResolver;
import dev.mailwarden.dnsbl.Dnsbl;
import dev.mailwarden.dnsbl.DnsblChecker;
import dev.mailwarden.dnsbl.DnsblResult;
import dev.mailwarden.dnsbl.ListStatus;
import dev.mailwarden.testing.LoopbackServer;
import dev.mailwarden.testing.NsdServer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A DNS outage (issue 10): one shared MailWarden with a DNSBL and SPF over the real {@link
 * NetworkResolver}, {@linkplain DnsResolver#cached cached} with the default {@link CacheSpec}, as
 * users run it. The authoritative NSD it queries is stopped mid-test and restarted on the same
 * port: results are definite, then temperror (the list's ERROR) within the deadline while NSD is
 * down, then definite again after the restart, without rebuilding anything. Answers cached before
 * the outage keep serving; errors are cached no longer than the spec's {@code errorTtl}; the list's
 * health probes, which also fail during the outage, do not keep it skipped afterwards.
 */
class DnsOutageIT {
  static final Duration DEADLINE = Duration.ofSeconds(3);
  static final Duration SLACK = Duration.ofMillis(500);
  static final CacheSpec CACHE = CacheSpec.defaults();
  static final Map<String, String> ZONES =
      Map.of("bl.test", "bl.test.zone", "example.com", "example.com.zone");

  @TempDir Path dir;
  LoopbackServer nsd;
  MailwardenRuntime runtime;
  final ThreadPoolExecutor executor =
      new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
  // default settings: RFC 5782 health probes on, unhealthy lists skipped
  final DnsblChecker blocklist = Dnsbl.check(Dnsbl.list("bl.test"));

  @AfterEach
  void stop() {
    if (runtime != null) {
      runtime.close();
    }
    if (nsd != null) {
      nsd.close();
    }
    executor.shutdownNow();
  }

  static MailSession session(int n) {
    return MailSession.builder()
        .clientIp(InetAddresses.forString("192.0.2." + n))
        .helo("mail.example.org")
        .mailFrom("alice@n" + n + ".spf.example.com")
        .build();
  }

  Evaluation evaluate(MailWarden warden, int n) throws Exception {
    long start = System.nanoTime();
    Evaluation ev =
        warden.evaluate(session(n)).get(DEADLINE.plus(SLACK).toMillis(), TimeUnit.MILLISECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isLessThanOrEqualTo(DEADLINE.plus(SLACK));
    awaitIdle();
    return ev;
  }

  /** No thread left working or queued shortly after the verdict. */
  void awaitIdle() throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
    while (executor.getActiveCount() != 0 || !executor.getQueue().isEmpty()) {
      assertThat(System.nanoTime()).as("executor idle after the evaluation").isLessThan(end);
      Thread.sleep(10);
    }
  }

  Outcome spf(Evaluation ev) {
    return ev.check(Spf.KEY.name()).orElseThrow().outcome();
  }

  DnsblResult dnsbl(Evaluation ev) {
    return ev.result(blocklist.key()).orElseThrow();
  }

  void assertDefinite(Evaluation ev) {
    assertThat(dnsbl(ev).outcome()).as(ev.summary()).isEqualTo(Outcome.FAIL); // listed
    assertThat(spf(ev)).as(ev.summary()).isEqualTo(Outcome.PASS);
  }

  void assertDegraded(Evaluation ev) {
    for (CheckReport c : ev.checks()) {
      assertThat(c.status())
          .as(c + ": " + c.result().reason())
          .isEqualTo(CheckReport.Status.COMPLETED);
      assertThat(c.outcome()).as(c + ": " + c.result().reason()).isEqualTo(Outcome.TEMPERROR);
    }
    assertThat(dnsbl(ev).lists())
        .allSatisfy(l -> assertThat(l.status()).isEqualTo(ListStatus.ERROR));
  }

  @Test
  void nsdStoppedAndRestarted_evaluationsDegradeToTemperror_thenRecover() throws Exception {
    Files.writeString(
        dir.resolve("bl.test.zone"),
        """
        $ORIGIN bl.test.
        $TTL 300
        @            IN SOA ns.bl.test. hostmaster.bl.test. 1 3600 600 86400 300
        @            IN NS  ns.bl.test.
        ns           IN A   127.0.0.1
        *.2.0.192    IN A   127.0.0.2
        2.0.0.127    IN A   127.0.0.2
        """);
    Files.writeString(
        dir.resolve("example.com.zone"),
        """
        $ORIGIN example.com.
        $TTL 300
        @      IN SOA ns.example.com. hostmaster.example.com. 1 3600 600 86400 300
        @      IN NS  ns.example.com.
        ns     IN A   127.0.0.1
        *.spf  IN TXT "v=spf1 ip4:192.0.2.0/24 -all"
        """);
    nsd = NsdServer.start(dir, ZONES);
    int port = nsd.port();
    runtime =
        MailwardenRuntime.builder()
            .network(
                NetworkResolver.builder()
                    .server(nsd.address())
                    .timeout(Duration.ofMillis(500))
                    .tries(2))
            .dnsCache(CACHE)
            .executor(executor)
            .build();
    MailWarden warden =
        MailWarden.builder(runtime).check(blocklist).check(Spf.check()).deadline(DEADLINE).build();

    // up
    assertDefinite(evaluate(warden, 1));

    // down: new clients get temperror within the deadline; what was cached still answers
    nsd.close();
    assertThat(listening(port)).as("NSD is stopped").isFalse();
    Evaluation down = evaluate(warden, 2);
    long erroredAt = System.nanoTime();
    assertDegraded(down);
    assertDegraded(evaluate(warden, 3));
    assertDefinite(evaluate(warden, 1));

    // up again on the same port: fresh clients recover at once, with the same instances
    nsd = NsdServer.start(dir, port, ZONES);
    assertDefinite(evaluate(warden, 4));

    // a client whose lookups failed during the outage recovers once the cached errors expire
    long limit = erroredAt + CACHE.errorTtl().plusSeconds(2).toNanos();
    Evaluation again = evaluate(warden, 2);
    while (dnsbl(again).outcome() != Outcome.FAIL || spf(again) != Outcome.PASS) {
      assertThat(System.nanoTime())
          .as(
              "recovered within errorTtl ("
                  + CACHE.errorTtl()
                  + ") + 2 s; last: "
                  + again.summary())
          .isLessThan(limit);
      Thread.sleep(200);
      again = evaluate(warden, 2);
    }
    assertDefinite(again);
  }

  static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
