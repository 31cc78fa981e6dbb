package dev.mailwarden.examples.readme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.CheckResult;
import dev.mailwarden.EvaluationListener;
import dev.mailwarden.Checker;
import dev.mailwarden.MailSession;
import dev.mailwarden.MailWarden;
import dev.mailwarden.Outcome;
import dev.mailwarden.SmtpReply;
import dev.mailwarden.Verdict;
import dev.mailwarden.Weights;
import dev.mailwarden.auth.dkim.Dkim;
import dev.mailwarden.auth.dmarc.Dmarc;
import dev.mailwarden.auth.helo.Helo;
import dev.mailwarden.auth.helo.Iprev;
import dev.mailwarden.auth.spf.Spf;
import dev.mailwarden.dns.CacheSpec;
import dev.mailwarden.dns.DnsResolver;
import dev.mailwarden.dns.DnsStatus;
import dev.mailwarden.dns.RecordType;
import dev.mailwarden.dns.ZoneResolver;
import dev.mailwarden.dnsbl.DnsList;
import dev.mailwarden.dnsbl.Dnsbl;
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
  @SuppressWarnings("unused")
  static void quickStart(Checker<?> myChecker, Smtp smtp, Message message) throws Exception {
    DnsResolver dns = DnsResolver.system()                      // one per application, thread-safe
        .cached(CacheSpec.maxEntries(100_000));                 // TTL-aware, single-flight
    MailWarden inbound = MailWarden.builder()
        .resolver(dns)
        .check(Dnsbl.spamhausZen())                             // typed codes; errors never "listed"
        .check(Dnsbl.parse("bl.example.net=127.0.0.[2..11]*2")) // postscreen syntax
        .check(Iprev.check())                                   // FCrDNS, iprev= clause
        .check(Helo.sanity())                                   // named, explained findings
        .require(Spf.check())                                   // SPF temperror → TEMPFAIL
        .check(Dkim.verify())
        .check(Dmarc.enforce())                                 // awaits SPF and DKIM
        .check(myChecker, Weights.of(Outcome.FAIL, 5.0))        // your own checks, weight per registration
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
    MailWarden outbound = MailWarden.builder().resolver(dns)
        .check(OutboundLimit.check(limiter, RateKey.authenticatedUser()))   // 450 4.7.1 when over
        .build();
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

  @Test
  void theTestingSnippet_answersAsTheReadmeSays() {
    ZoneResolver dns = testingYourOwnCode();
    assertThat(dns.lookup("mail.example.com", RecordType.A).join().addresses())
        .extracting(InetAddress::getHostAddress).containsExactly("192.0.2.25");
    assertThat(dns.lookup("broken.example.net", RecordType.TXT).join().status()).isEqualTo(DnsStatus.SERVFAIL);
  }

  @Test
  void theQuickStart_builds() {
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
    assertThat(mine.name()).isEqualTo("mine");
  }

  @Test
  void metrics_bindTheListenersAndCountAnEvaluation() throws Exception {
    DnsResolver dns = ZoneResolver.builder().build().cached(CacheSpec.maxEntries(1_000));
    MeterRegistry registry = new SimpleMeterRegistry();             // or your Prometheus registry
    DnsList zen = Dnsbl.spamhausZen();
    MailWarden inbound = MailWarden.builder()
        .resolver(dns)
        .check(zen)
        .listener(EvaluationListener.all(
            MailwardenMetrics.bind(registry),                       // evaluations, checks, DNS, caps
            DnsblMetrics.bind(registry).bindHealth(zen),            // list answers, errors, health
            RateLimitMetrics.bind(registry)))                       // limiter grants and denials
        .build();
    MailwardenMetrics.bindCache(registry, dns);                     // answers held in the DNS cache

    inbound.evaluateAndWait(MailSession.builder().clientIp(InetAddress.getByName("192.0.2.1")).build());
    assertThat(registry.get("mailwarden.evaluations").tag("verdict", "accept").timer().count()).isEqualTo(1);
    assertThat(registry.get("mailwarden.dnsbl.answers").tag("list", "zen.spamhaus.org").counter().count()).isEqualTo(1);
    assertThat(registry.get("mailwarden.dns.cache.size").gauge().value()).isPositive();
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
