package dev.mailwarden.dnsbl;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.net.InetAddresses;
import dev.mailwarden.CheckReport;
import dev.mailwarden.Evaluation;
import dev.mailwarden.MailSession;
import dev.mailwarden.MailWarden;
import dev.mailwarden.MailwardenRuntime;
import dev.mailwarden.Outcome;
import dev.mailwarden.dns.NetworkResolver;
import dev.mailwarden.testing.FaultyDnsProxy;
import dev.mailwarden.testing.FaultyDnsProxy.Fault;
import dev.mailwarden.testing.FaultyDnsRig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * DNS faults (issue 10) × IP and domain lists, with the real {@link NetworkResolver} (500 ms, one
 * try) against NSD behind a {@link FaultyDnsProxy}: every fault on the list's query gives the list
 * an ERROR and the check a temperror, never a listing or "not listed", within the evaluation's
 * deadline, leaving no work behind on the executor.
 */
class DnsblFaultMatrixIT {
  static final Duration DEADLINE = Duration.ofSeconds(2);
  static final Duration SLACK = Duration.ofMillis(500);
  static final String CLIENT = "192.0.2.10";

  @TempDir static Path dir;
  static FaultyDnsRig rig;
  static FaultyDnsProxy proxy;
  static NetworkResolver dns;
  static ThreadPoolExecutor executor;
  static MailwardenRuntime runtime;

  enum Target {
    DNSBL("10.2.0.192.bl.test", Dnsbl.list("bl.test").healthProbes(false)),
    RHSBL(
        "spam.example.rhs.test",
        Rhsbl.list("rhs.test").sources(DomainSource.MAIL_FROM).healthProbes(false));

    final String faultedName;
    final DnsblChecker list;

    Target(String faultedName, DnsList list) {
      this.faultedName = faultedName;
      this.list = Dnsbl.check(list);
    }
  }

  @BeforeAll
  static void start() throws Exception {
    Files.writeString(
        dir.resolve("bl.test.zone"),
        """
        $ORIGIN bl.test.
        $TTL 300
        @           IN SOA ns.bl.test. hostmaster.bl.test. 1 3600 600 86400 300
        @           IN NS  ns.bl.test.
        ns          IN A   127.0.0.1
        10.2.0.192  IN A   127.0.0.2
        10.2.0.192  IN TXT "listed for testing"
        """);
    Files.writeString(
        dir.resolve("rhs.test.zone"),
        """
        $ORIGIN rhs.test.
        $TTL 300
        @             IN SOA ns.rhs.test. hostmaster.rhs.test. 1 3600 600 86400 300
        @             IN NS  ns.rhs.test.
        ns            IN A   127.0.0.1
        spam.example  IN A   127.0.1.2
        spam.example  IN TXT "listed for testing"
        """);
    rig = FaultyDnsRig.start(dir, Map.of("bl.test", "bl.test.zone", "rhs.test", "rhs.test.zone"));
    proxy = rig.proxy();
    dns = rig.dns();
    executor = rig.executor();
    runtime = MailwardenRuntime.builder().dns(dns).executor(executor).withoutDnsCache().build();
  }

  @AfterAll
  static void stop() {
    if (runtime != null) {
      runtime.close();
    }
    if (rig != null) {
      rig.close();
    }
  }

  @BeforeEach
  void clearFaults() {
    proxy.clear();
  }

  static Evaluation evaluate(Target target) throws Exception {
    MailWarden warden = MailWarden.builder(runtime).check(target.list).deadline(DEADLINE).build();
    MailSession session =
        MailSession.builder()
            .clientIp(InetAddresses.forString(CLIENT))
            .helo("mail.example.org")
            .mailFrom("someone@spam.example")
            .build();
    long start = System.nanoTime();
    CompletableFuture<Evaluation> f = warden.evaluate(session);
    Evaluation ev = f.get(DEADLINE.plus(SLACK).toMillis(), TimeUnit.MILLISECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isLessThanOrEqualTo(DEADLINE.plus(SLACK));
    awaitIdle();
    return ev;
  }

  /** Nothing left running or queued on the executor shortly after the verdict. */
  static void awaitIdle() throws InterruptedException {
    rig.awaitIdle();
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void withoutFault_theSubjectIsListed(Target target) throws Exception {
    Evaluation ev = evaluate(target);
    DnsblResult r = ev.result(target.list.key()).orElseThrow();
    assertThat(r.outcome()).as(r.toString()).isEqualTo(Outcome.FAIL);
    assertThat(proxy.injected()).isZero();
  }

  @ParameterizedTest(name = "{0} with {1}")
  @org.junit.jupiter.params.provider.MethodSource("cells")
  void fault_givesListError_neverAListing(Target target, Fault fault) throws Exception {
    proxy.inject(target.faultedName, fault);
    Evaluation ev = evaluate(target);
    CheckReport report = ev.check(target.list.name()).orElseThrow();
    DnsblResult r = ev.result(target.list.key()).orElseThrow();
    assertThat(report.status()).as(report.toString()).isEqualTo(CheckReport.Status.COMPLETED);
    assertThat(r.outcome()).as(r.toString()).isEqualTo(Outcome.TEMPERROR);
    assertThat(r.lists())
        .isNotEmpty()
        .allSatisfy(l -> assertThat(l.status()).isEqualTo(ListStatus.ERROR));
    assertThat(r.listings()).isEmpty();
    assertThat(proxy.injected()).as("the fault was met").isPositive();
  }

  static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> cells() {
    return java.util.Arrays.stream(Target.values())
        .flatMap(
            t ->
                java.util.Arrays.stream(Fault.values())
                    .map(f -> org.junit.jupiter.params.provider.Arguments.of(t, f)));
  }
}
