package dev.mailwarden.examples.readme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.CheckResult;
import dev.mailwarden.EvaluationListener;
import dev.mailwarden.Checker;
import dev.mailwarden.MailSession;
import dev.mailwarden.Evaluation;
import dev.mailwarden.MailWarden;
import dev.mailwarden.MailwardenRuntime;
import dev.mailwarden.Outcome;
import dev.mailwarden.SmtpReply;
import dev.mailwarden.Verdict;
import dev.mailwarden.Weights;
import dev.mailwarden.auth.arc.Arc;
import dev.mailwarden.auth.arc.ArcSealer;
import dev.mailwarden.auth.dkim.Dkim;
import dev.mailwarden.auth.dmarc.Dmarc;
import dev.mailwarden.auth.doctor.Doctor;
import dev.mailwarden.auth.doctor.DoctorReport;
import dev.mailwarden.auth.doctor.DoctorRequest;
import dev.mailwarden.auth.helo.Helo;
import dev.mailwarden.auth.helo.Iprev;
import dev.mailwarden.auth.spf.Spf;
import dev.mailwarden.dns.DnsStatus;
import dev.mailwarden.dns.RecordType;
import dev.mailwarden.dns.ZoneResolver;
import dev.mailwarden.dnsbl.DnsblChecker;
import dev.mailwarden.dnsbl.Dnsbl;
import dev.mailwarden.dnsbl.DnsblWeights;
import dev.mailwarden.dnsbl.metrics.DnsblMetrics;
import dev.mailwarden.metrics.MailwardenMetrics;
import dev.mailwarden.ratelimit.metrics.RateLimitMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.mailwarden.ratelimit.Limit;
import dev.mailwarden.ratelimit.OutboundLimit;
import dev.mailwarden.ratelimit.RateKey;
import dev.mailwarden.ratelimit.RateLimiter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/**
 * The README's Java examples are copies of the code below, which the build compiles; the test
 * fails when a README line is missing here (so the README cannot drift from the API).
 */
class ReadmeSnippetsTest {

  interface Smtp {
    void reply(SmtpReply reply);
  }

  interface Message {
    void prependHeader(String header);
  }

  /** Compiled, not run: it would use the machine's resolv.conf. */
  static MailwardenRuntime runtime() {
    MailwardenRuntime runtime = MailwardenRuntime.builder()     // one per application: DNS, caches,
        .cacheMemory(64L << 20)                                 // time, threads; close() at shutdown
        .build();
    return runtime;
  }

  /** Run by {@link #theQuickStart_runs} on a runtime over a zone. */
  static MailWarden[] quickStart(MailwardenRuntime runtime, Checker<?> myChecker, Smtp smtp, Message message)
      throws Exception {
    MailWarden inbound = MailWarden.builder(runtime)
        .check(Dnsbl.check(Dnsbl.spamhausZen(),                 // typed codes; errors never "listed"
                Dnsbl.parse("bl.example.net=127.0.0.[2..11]")), // postscreen syntax; one query per list
            DnsblWeights.builder().list("zen.spamhaus.org", 5.0).list("bl.example.net", 2.0).build())
        .check(Iprev.check())                                   // FCrDNS, iprev= clause
        .check(Helo.check())                                   // named, explained findings
        .require(Spf.check())                                   // SPF temperror → TEMPFAIL
        .check(Dkim.check())
        .check(Dmarc.check())                                 // awaits SPF and DKIM
        .check(myChecker, Weights.of(Outcome.FAIL, 5.0))        // weights go with the registration
        .rejectAt(5.0).quarantineAt(3.0)
        .deadline(Duration.ofSeconds(8))
        .build();                                               // immutable; share it

    MailSession session = MailSession.builder()
        .clientIp(InetAddress.getByName("192.0.2.1"))
        .helo("mail.example.com")
        .mailFrom("alice@example.com")
        .recipient("bob@example.org")
        .build();

    inbound.evaluate(session).thenAccept(ev -> {
      if (ev.verdict() == Verdict.REJECT) smtp.reply(ev.smtpReply());
      else message.prependHeader(ev.authenticationResults("mx.example.org"));
    });
    RateLimiter limiter = RateLimiter.builder()
        .limit(Limit.parse("100/1h")).limit(Limit.parse("1000/1d"))
        .maxKeys(1_000_000).build();
    MailWarden outbound = MailWarden.builder(runtime)
        .check(OutboundLimit.check(limiter, RateKey.authenticatedUser()))   // 450 4.7.1 when over
        .build();
    return new MailWarden[] {inbound, outbound};
  }

  /** Compiled, not run. */
  @SuppressWarnings("unused")
  static byte[] arc(MailwardenRuntime runtime, String pem, byte[] raw, Evaluation evaluation) {
    MailWarden mx = MailWarden.builder(runtime)
        .check(Dkim.check())
        .check(Arc.check())                                    // arc= in Authentication-Results
        .check(Dmarc.builder().trustArcSealers("lists.example.org").build())
        .build();
    ArcSealer sealer = ArcSealer.builder().domain("lists.example.org").selector("arc1")
        .privateKeyPem(pem).authservId("lists.example.org").build();
    byte[] sealed = sealer.seal(raw, evaluation);               // AAR from the evaluation, cv from its arc= result
    return sealed;
  }

  static ZoneResolver testingYourOwnCode() {
    ZoneResolver dns = ZoneResolver.builder()
        .zone("""
            $ORIGIN example.com.
            @     300 IN TXT "v=spf1 ip4:192.0.2.0/24 -all"
            mail  300 IN A   192.0.2.25
            """)
        .fail("broken.example.net", DnsStatus.SERVFAIL)
        .build();
    return dns;
  }

  /** The doctor snippet, run against an in-memory zone by the test below. */
  static DoctorReport doctor(MailwardenRuntime runtime) throws Exception {
    Doctor doctor = Doctor.builder(runtime)                 // its cached DNS: DNS goes nowhere else
        .deadline(Duration.ofSeconds(10))                   // unanswered lookups become dns-error findings
        .build();                                           // immutable; share it
    DoctorReport report = doctor.examineAndWait(DoctorRequest.builder("example.com")
        .ip(InetAddress.getByName("192.0.2.25"))            // every address you send from
        .helo("mail.example.com")
        .selector("s1")                                     // DKIM selectors you sign with
        .build());
    report.findings().forEach(f -> System.out.println(f.severity() + " " + f.code() + ": " + f.message()));
    return report;
  }

  @Test
  void theDoctorSnippet_findsWhatTheZoneLacks() throws Exception {
    ZoneResolver dns = ZoneResolver.builder().zone("""
        $ORIGIN example.com.
        @ 300 IN TXT "v=spf1 ip4:192.0.2.25 -all"
        @ 300 IN MX 10 mail.example.com.
        mail 300 IN A 192.0.2.25
        25.2.0.192.in-addr.arpa. 300 IN PTR mail.example.com.
        2.0.0.127.zen.spamhaus.org. 300 IN A 127.0.0.2
        """).build();
    DoctorReport report;
    try (MailwardenRuntime runtime = MailwardenRuntime.builder().dns(dns).executor(Runnable::run).build()) {
      report = doctor(runtime);
    }
    assertThat(report.codes()).containsExactlyInAnyOrder("dkim-key-missing", "dmarc-missing");
  }

  @Test
  void theTestingSnippet_answersAsTheReadmeSays() {
    ZoneResolver dns = testingYourOwnCode();
    assertThat(dns.lookup("mail.example.com", RecordType.A).join().addresses())
        .extracting(InetAddress::getHostAddress).containsExactly("192.0.2.25");
    assertThat(dns.lookup("broken.example.net", RecordType.TXT).join().status()).isEqualTo(DnsStatus.SERVFAIL);
  }

  @Test
  void theQuickStart_runs() throws Exception {
    Checker<CheckResult> mine =
        new Checker<>() {
          @Override
          public dev.mailwarden.CheckKey<CheckResult> key() {
            return dev.mailwarden.CheckKey.of("mine", CheckResult.class);
          }

          @Override
          public boolean appliesTo(MailSession s) {
            return true;
          }

          @Override
          public CompletableFuture<CheckResult> check(dev.mailwarden.CheckContext c) {
            return CompletableFuture.completedFuture(CheckResult.of(Outcome.NONE, "ok"));
          }

          @Override
          public CheckResult temperror(String reason) {
            return CheckResult.of(Outcome.TEMPERROR, reason);
          }
        };
    ZoneResolver zone = ZoneResolver.of("""
        $ORIGIN example.com.
        @          300 IN TXT "v=spf1 ip4:192.0.2.0/24 -all"
        1.2.0.192.zen.spamhaus.org. 300 IN A 127.0.0.4
        2.0.0.127.zen.spamhaus.org. 300 IN A 127.0.0.2
        """); // with the RFC 5782 test point, so the list's health probe passes
    List<SmtpReply> replies = new ArrayList<>();
    List<String> headers = new ArrayList<>();
    try (MailwardenRuntime runtime = MailwardenRuntime.builder().dns(zone).executor(Runnable::run).build()) {
      MailWarden[] built = quickStart(runtime, mine, replies::add, headers::add);
      // 192.0.2.1 is on the XBL (127.0.0.4): rejected at once, with the list named in the reply
      assertThat(replies).hasSize(1);
      assertThat(replies.get(0).code()).isEqualTo(550);
      assertThat(headers).isEmpty();
      // a clean client from the SPF range gets the header instead
      Evaluation ev = built[0].evaluateAndWait(MailSession.builder()
          .clientIp(InetAddress.getByName("192.0.2.7")).helo("mail.example.com")
          .mailFrom("alice@example.com").recipient("bob@example.org").build());
      assertThat(ev.verdict()).isEqualTo(Verdict.ACCEPT);
      assertThat(ev.authenticationResults("mx.example.org")).contains("spf=pass");
      assertThat(built[1].evaluateAndWait(MailSession.builder().authenticatedUser("alice").recipient("x@example.net").build())
          .verdict()).isEqualTo(Verdict.ACCEPT);
    }
  }

  @Test
  void metrics_bindTheListenersAndCountAnEvaluation() throws Exception {
    ZoneResolver dns = ZoneResolver.builder().build();
    try (MailwardenRuntime runtime = MailwardenRuntime.builder().dns(dns).build()) {
      MeterRegistry registry = new SimpleMeterRegistry();             // or your Prometheus registry
      DnsblChecker lists = Dnsbl.check(Dnsbl.spamhausZen());
      MailWarden inbound = MailWarden.builder(runtime)
          .check(lists)
          .listener(EvaluationListener.all(
              MailwardenMetrics.bind(registry),                       // evaluations, checks, DNS, caps
              DnsblMetrics.bind(registry).bindHealth(lists),          // list answers, errors, health
              RateLimitMetrics.bind(registry)))                       // limiter grants and denials
          .build();
      MailwardenMetrics.bindRuntime(registry, runtime);               // cache sizes, bytes, misses; resolver

      inbound.evaluateAndWait(MailSession.builder().clientIp(InetAddress.getByName("192.0.2.1")).build());
      assertThat(registry.get("mailwarden.evaluations").tag("verdict", "accept").timer().count()).isEqualTo(1);
      assertThat(registry.get("mailwarden.dnsbl.answers").tag("list", "zen.spamhaus.org").counter().count()).isEqualTo(1);
      assertThat(registry.get("mailwarden.cache.size").tag("cache", "dns").gauge().value()).isPositive();
    }
  }

  @Test
  void everyReadmeJavaLine_isInThisCompiledFile() throws Exception {
    Path root = Path.of(System.getProperty("user.dir")).getParent();
    String readme = Files.readString(root.resolve("README.md"));
    String source = Files.readString(Path.of("src/test/java/dev/mailwarden/examples/readme/ReadmeSnippetsTest.java"));
    List<String> sourceLines = source.lines().map(String::strip).toList();
    List<String> missing = new ArrayList<>();
    boolean inJava = false;
    int checked = 0;
    for (String line : readme.lines().toList()) {
      if (line.startsWith("```")) {
        inJava = line.equals("```java");
        continue;
      }
      if (inJava && !line.isBlank()) {
        checked++;
        if (!sourceLines.contains(line.strip())) {
          missing.add(line);
        }
      }
    }
    assertThat(checked).as("README Java lines checked").isGreaterThan(30);
    assertThat(missing).as("README Java lines not found in the compiled snippets").isEmpty();
  }
}
