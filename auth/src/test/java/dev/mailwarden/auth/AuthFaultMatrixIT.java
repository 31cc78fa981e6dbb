package dev.mailwarden.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.net.InetAddresses;
import dev.mailwarden.CheckKey;
import dev.mailwarden.CheckReport;
import dev.mailwarden.CheckResult;
import dev.mailwarden.Checker;
import dev.mailwarden.Evaluation;
import dev.mailwarden.MailSession;
import dev.mailwarden.MailWarden;
import dev.mailwarden.MailwardenRuntime;
import dev.mailwarden.Outcome;
import dev.mailwarden.auth.dkim.Dkim;
import dev.mailwarden.auth.dkim.DkimKeyPair;
import dev.mailwarden.auth.dkim.DkimKeys;
import dev.mailwarden.auth.dkim.DkimSigner;
import dev.mailwarden.auth.dmarc.Dmarc;
import dev.mailwarden.auth.helo.Iprev;
import dev.mailwarden.auth.spf.Spf;
import dev.mailwarden.auth.spf.SpfEngine;
import dev.mailwarden.dns.NetworkResolver;
import dev.mailwarden.testing.FaultyDnsProxy;
import dev.mailwarden.testing.FaultyDnsProxy.Fault;
import dev.mailwarden.testing.FaultyDnsRig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * DNS faults (issue 10) × SPF, DKIM, DMARC and iprev, with the real {@link NetworkResolver} (500
 * ms, one try) against NSD behind a {@link FaultyDnsProxy}. Each fault on the lookup a target
 * depends on gives temperror, except where RFC 7208 section 5.5 says a DNS error in the {@code ptr}
 * mechanism is "no match" (the record then ends in {@code -all}: fail). Every evaluation ends by
 * its deadline, with the checker's own result (not the deadline's), and leaves no work on the
 * executor. Each target also runs without a fault, to prove the setup gives a definite result that
 * the fault then changes.
 */
class AuthFaultMatrixIT {
  static final Duration DEADLINE = Duration.ofSeconds(3);
  static final Duration SLACK = Duration.ofMillis(500);
  static final String CLIENT = "192.0.2.10";
  static final String REVERSE = "10.2.0.192.in-addr.arpa";
  static final DkimKeyPair KEY = DkimKeys.rsa(2048);

  @TempDir static Path dir;
  static FaultyDnsRig rig;
  static FaultyDnsProxy proxy;
  static NetworkResolver dns;
  static MailwardenRuntime runtime;
  static ThreadPoolExecutor executor;
  static ThreadPoolExecutor jspfPool =
      new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());

  /** What a target checks, the name whose lookup is broken, and the result the RFCs ask for. */
  enum Target {
    SPF_TXT("txt.example.com", Outcome.TEMPERROR, "RFC 7208 4.4"),
    SPF_INCLUDE("_spf.inc.example.com", Outcome.TEMPERROR, "RFC 7208 5.2"),
    SPF_A("host.a.example.com", Outcome.TEMPERROR, "RFC 7208 5 and 5.3"),
    SPF_MX("mxdom.example.com", Outcome.TEMPERROR, "RFC 7208 5 and 5.4"),
    SPF_MX_ADDRESS(
        "mx1.mxdom.example.com",
        Outcome.TEMPERROR,
        "RFC 7208 5 and 5.4 (no exception for MX hosts)"),
    SPF_PTR(
        REVERSE, Outcome.FAIL, "RFC 7208 5.5: a DNS error in the PTR lookup makes ptr not match"),
    SPF_PTR_ADDRESS(
        "mail.example.com",
        Outcome.FAIL,
        "RFC 7208 5.5: a DNS error in an A lookup skips that name"),
    DKIM_KEY("rsa._domainkey.example.com", Outcome.TEMPERROR, "RFC 6376 6.1.2"),
    DMARC_RECORD("_dmarc.example.com", Outcome.TEMPERROR, "RFC 7489 6.6.3 / RFC 9989"),
    IPREV_PTR(REVERSE, Outcome.TEMPERROR, "RFC 8601 3"),
    IPREV_FORWARD("mail.example.com", Outcome.TEMPERROR, "RFC 8601 3");

    final String faultedName;
    final Outcome underFault;
    final String rule;

    Target(String faultedName, Outcome underFault, String rule) {
      this.faultedName = faultedName;
      this.underFault = underFault;
      this.rule = rule;
    }

    /** The key of the result under test. */
    CheckKey<? extends CheckResult> key() {
      return switch (this) {
        case DKIM_KEY -> Dkim.KEY;
        case DMARC_RECORD -> Dmarc.KEY;
        case IPREV_PTR, IPREV_FORWARD -> Iprev.KEY;
        default -> Spf.KEY;
      };
    }

    /** Fresh checkers per evaluation (the runtime, not the checkers, holds caches). */
    List<Supplier<Checker<?>>> checkers() {
      return switch (this) {
        case DKIM_KEY -> List.of(Dkim::check);
        case DMARC_RECORD -> List.of(Spf::check, Dkim::check, Dmarc::check);
        case IPREV_PTR, IPREV_FORWARD -> List.of(Iprev::check);
        default -> List.of(Spf::check);
      };
    }

    String mailFrom() {
      return switch (this) {
        case SPF_TXT -> "alice@txt.example.com";
        case SPF_INCLUDE -> "alice@inc.example.com";
        case SPF_A -> "alice@a.example.com";
        case SPF_MX, SPF_MX_ADDRESS -> "alice@mx.example.com";
        case SPF_PTR, SPF_PTR_ADDRESS -> "alice@ptr.example.com";
        default -> "alice@example.com";
      };
    }
  }

  @BeforeAll
  static void start() throws Exception {
    StringBuilder key = new StringBuilder();
    String txt = KEY.txtRecord();
    for (int i = 0; i < txt.length(); i += 250) {
      key.append(" \"").append(txt, i, Math.min(txt.length(), i + 250)).append('"');
    }
    Files.writeString(
        dir.resolve("example.com.zone"),
        """
        $ORIGIN example.com.
        $TTL 300
        @          IN SOA ns.example.com. hostmaster.example.com. 1 3600 600 86400 300
        @          IN NS  ns.example.com.
        ns         IN A   127.0.0.1
        mail       IN A   192.0.2.10
        @          IN TXT "v=spf1 ip4:192.0.2.10 -all"
        _dmarc     IN TXT "v=DMARC1; p=reject"
        txt        IN TXT "v=spf1 ip4:192.0.2.10 -all"
        inc        IN TXT "v=spf1 include:_spf.inc.example.com -all"
        _spf.inc   IN TXT "v=spf1 ip4:192.0.2.10 -all"
        a          IN TXT "v=spf1 a:host.a.example.com -all"
        host.a     IN A   192.0.2.10
        mx         IN TXT "v=spf1 mx:mxdom.example.com -all"
        mxdom      IN MX  10 mx1.mxdom.example.com.
        mx1.mxdom  IN A   192.0.2.10
        ptr        IN TXT "v=spf1 ptr:example.com -all"
        """
            + "rsa._domainkey IN TXT"
            + key
            + "\n");
    Files.writeString(
        dir.resolve("reverse.zone"),
        """
        $ORIGIN 2.0.192.in-addr.arpa.
        $TTL 300
        @   IN SOA ns.example.com. hostmaster.example.com. 1 3600 600 86400 300
        @   IN NS  ns.example.com.
        10  IN PTR mail.example.com.
        """);
    rig =
        FaultyDnsRig.start(
            dir, Map.of("example.com", "example.com.zone", "2.0.192.in-addr.arpa", "reverse.zone"));
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
    jspfPool.shutdownNow();
  }

  @BeforeEach
  void clearFaults() {
    proxy.clear();
  }

  static byte[] signedMessage() {
    String message =
        "From: Alice <alice@example.com>\r\n"
            + "To: bob@example.org\r\n"
            + "Subject: faults\r\n"
            + "Date: Sat, 28 Nov 2026 01:00:00 +0000\r\n"
            + "Message-ID: <fault@example.com>\r\n"
            + "\r\n"
            + "Hello.\r\n";
    DkimSigner signer =
        DkimSigner.builder()
            .domain("example.com")
            .selector("rsa")
            .privateKey(KEY.privateKey())
            .build();
    return signer.signMessage(message.getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * Evaluates through a MailWarden and checks the deadline and the executor; returns the report.
   */
  static CheckReport evaluate(Target target) throws Exception {
    return evaluate(target, target.checkers());
  }

  static CheckReport evaluate(Target target, List<Supplier<Checker<?>>> checkers) throws Exception {
    MailWarden.Builder b = MailWarden.builder(runtime).deadline(DEADLINE);
    checkers.forEach(c -> b.check(c.get()));
    MailWarden warden = b.build();
    MailSession session =
        MailSession.builder()
            .clientIp(InetAddresses.forString(CLIENT))
            .helo("mail.example.com")
            .mailFrom(target.mailFrom())
            .recipient("bob@example.org")
            .message(signedMessage())
            .build();
    long start = System.nanoTime();
    CompletableFuture<Evaluation> f = warden.evaluate(session);
    Evaluation ev = f.get(DEADLINE.plus(SLACK).toMillis(), TimeUnit.MILLISECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isLessThanOrEqualTo(DEADLINE.plus(SLACK));
    awaitIdle();
    awaitIdle(jspfPool);
    return ev.check(target.key().name()).orElseThrow();
  }

  /** Nothing left running or queued on the executor shortly after the verdict. */
  static void awaitIdle() throws InterruptedException {
    awaitIdle(executor);
  }

  static void awaitIdle(ThreadPoolExecutor executor) throws InterruptedException {
    FaultyDnsRig.awaitIdle(executor);
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void withoutFault_targetPasses(Target target) throws Exception {
    CheckReport report = evaluate(target);
    assertThat(report.outcome())
        .as(report + ": " + report.result().reason())
        .isEqualTo(Outcome.PASS);
    assertThat(proxy.injected()).isZero();
  }

  @ParameterizedTest(name = "{0} with {1}")
  @MethodSource("cells")
  void fault_givesTheRfcResult_byTheDeadline(Target target, Fault fault) throws Exception {
    proxy.inject(target.faultedName, fault);
    CheckReport report = evaluate(target);
    assertThat(report.status())
        .as(report + ": " + report.result().reason())
        .isEqualTo(CheckReport.Status.COMPLETED);
    assertThat(report.outcome())
        .as(target.rule + "; " + report + ": " + report.result().reason())
        .isEqualTo(target.underFault);
    assertThat(proxy.injected()).as("the fault was met").isPositive();
  }

  /** The same SPF cells with the jSPF engine (on a pool of its own, as its javadoc advises). */
  @ParameterizedTest(name = "jSPF {0} with {1}")
  @MethodSource("spfCells")
  void fault_givesTheRfcResult_withJspf(Target target, Fault fault) throws Exception {
    proxy.inject(target.faultedName, fault);
    CheckReport report =
        evaluate(target, List.of(() -> Spf.builder().engine(SpfEngine.jspf(jspfPool)).build()));
    assertThat(report.status())
        .as(report + ": " + report.result().reason())
        .isEqualTo(CheckReport.Status.COMPLETED);
    assertThat(report.outcome())
        .as(target.rule + "; " + report + ": " + report.result().reason())
        .isEqualTo(target.underFault);
    assertThat(proxy.injected()).as("the fault was met").isPositive();
  }

  @ParameterizedTest(name = "jSPF {0} without fault")
  @MethodSource("spfTargets")
  void withoutFault_spfPasses_withJspf(Target target) throws Exception {
    CheckReport report =
        evaluate(target, List.of(() -> Spf.builder().engine(SpfEngine.jspf(jspfPool)).build()));
    assertThat(report.outcome())
        .as(report + ": " + report.result().reason())
        .isEqualTo(Outcome.PASS);
  }

  /**
   * DNS slower than the deadline (a silent server, a resolver timeout of 5 s): the evaluation still
   * ends at its 1 s deadline with every check temperror, and no thread is held waiting for DNS past
   * it: the executors are idle right after the verdict (the jSPF engine blocks a thread of its pool
   * while it waits, but never past the deadline).
   */
  @ParameterizedTest(name = "SPF engine {0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"native", "jspf"})
  void silentDns_slowerThanTheDeadline_endsAtTheDeadline_withNoThreadHeld(String engine)
      throws Exception {
    Duration deadline = Duration.ofSeconds(1);
    proxy
        .injectBelow("example.com", Fault.SILENCE)
        .injectBelow("2.0.192.in-addr.arpa", Fault.SILENCE);
    try (MailwardenRuntime slow =
        MailwardenRuntime.builder()
            .network(
                NetworkResolver.builder()
                    .server(proxy.address())
                    .timeout(Duration.ofSeconds(5))
                    .tries(1))
            .executor(executor)
            .withoutDnsCache()
            .build()) {
      MailWarden warden =
          MailWarden.builder(slow)
              .deadline(deadline)
              .check(
                  engine.equals("jspf")
                      ? Spf.builder().engine(SpfEngine.jspf(jspfPool)).build()
                      : Spf.check())
              .check(Dkim.check())
              .check(Dmarc.check())
              .check(Iprev.check())
              .build();
      MailSession session =
          MailSession.builder()
              .clientIp(InetAddresses.forString(CLIENT))
              .helo("mail.example.com")
              .mailFrom("alice@example.com")
              .recipient("bob@example.org")
              .message(signedMessage())
              .build();
      long start = System.nanoTime();
      Evaluation ev =
          warden.evaluate(session).get(deadline.plus(SLACK).toMillis(), TimeUnit.MILLISECONDS);
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isLessThanOrEqualTo(deadline.plus(SLACK));
      assertThat(ev.checks())
          .hasSize(4)
          .allSatisfy(
              c ->
                  assertThat(c.outcome())
                      .as(c + ": " + c.result().reason())
                      .isEqualTo(Outcome.TEMPERROR));
      awaitIdle(executor);
      awaitIdle(jspfPool);
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .as("threads released long before the 5 s DNS timeout")
          .isLessThan(Duration.ofSeconds(3));
      assertThat(proxy.injected()).isPositive();
    }
  }

  static Stream<Target> spfTargets() {
    return Arrays.stream(Target.values()).filter(t -> t.name().startsWith("SPF_"));
  }

  static Stream<Arguments> spfCells() {
    return spfTargets().flatMap(t -> Arrays.stream(Fault.values()).map(f -> Arguments.of(t, f)));
  }

  static Stream<Arguments> cells() {
    return Arrays.stream(Target.values())
        .flatMap(t -> Arrays.stream(Fault.values()).map(f -> Arguments.of(t, f)));
  }
}
