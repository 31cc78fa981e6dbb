package dev.mailwarden.benchmarks;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.CheckContext;
import dev.mailwarden.MailSession;
import dev.mailwarden.auth.dkim.Dkim;
import dev.mailwarden.auth.dkim.DkimKeyPair;
import dev.mailwarden.auth.dkim.DkimKeys;
import dev.mailwarden.auth.dkim.DkimVerifier;
import dev.mailwarden.auth.dkim.internal.BodyHasher;
import dev.mailwarden.auth.dmarc.AggregateReports;
import dev.mailwarden.auth.dmarc.DmarcRecord;
import dev.mailwarden.auth.dmarc.internal.FromHeader;
import dev.mailwarden.auth.helo.internal.HeloParser;
import dev.mailwarden.auth.spf.Spf;
import dev.mailwarden.auth.spf.SpfResult;
import dev.mailwarden.dns.DnsRecord;
import dev.mailwarden.dns.ZoneResolver;
import dev.mailwarden.dnsbl.Dnsbl;
import dev.mailwarden.dnsbl.DnsblChecker;
import dev.mailwarden.dnsbl.DnsblResult;
import dev.mailwarden.dnsbl.Rhsbl;
import dev.mailwarden.testing.HostileCorpus;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * µs per hostile input of the corpus ({@code auth} and {@code dnsbl} {@code src/test/resources/
 * .../hostile/}) beside its benign twin (the file's {@code # twin:} line), through the same parser
 * or check with every DNS answer ready. Target: each hostile input within 10x its twin and under 2
 * ms. {@code hostile} and {@code benign} pair up by {@code attack}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@State(Scope.Benchmark)
public class HostileInputBenchmark {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-28T01:00:00Z"), ZoneOffset.UTC);

  @Param({
    "auth/spf-macro-expansion-4k",
    "auth/spf-macro-expansion-32k",
    "auth/spf-long-name-shortening",
    "auth/spf-include-self",
    "auth/spf-thousand-mechanisms",
    "auth/dkim-h-thousands-of-names",
    "auth/dkim-h-250-names-over-5000-fields",
    "auth/dkim-header-section-over-cap",
    "auth/dkim-many-signatures",
    "auth/dkim-tag-list-20k-tags",
    "auth/dkim-tag-list-1000-tags",
    "auth/dkim-tag-list-duplicate",
    "auth/dmarc-report-deep-nesting",
    "auth/dmarc-report-huge-text",
    "auth/dmarc-record-many-tags",
    "auth/dmarc-record-many-rua",
    "auth/dmarc-from-thousands-of-addresses",
    "auth/dmarc-from-900-addresses",
    "auth/helo-100k",
    "auth/helo-many-empty-labels",
    "dnsbl/rhsbl-from-500-domains",
    "dnsbl/rhsbl-from-repeated-domain",
    "dnsbl/rhsbl-from-huge-value",
    "dnsbl/list-spec-many-patterns",
    "dnsbl/list-spec-long-zone"
  })
  public String attack;

  private Supplier<Object> hostile;
  private Supplier<Object> benign;

  @Setup
  public void setUp() throws Exception {
    int slash = attack.indexOf('/');
    String dir = "/dev/mailwarden/" + attack.substring(0, slash) + "/hostile";
    String file = attack.substring(slash + 1) + ".txt";
    HostileCorpus.Attack a =
        HostileCorpus.load(dir).stream()
            .filter(x -> x.name().equals(file))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no attack " + attack));
    hostile = runner(a, a.payload());
    benign =
        runner(a, a.twin().orElseThrow(() -> new IllegalStateException(attack + " has no twin")));
    // run each once before measuring, so a runner that throws fails the setup, not the first sample
    requireNonNull(hostile.get(), "hostile result");
    requireNonNull(benign.get(), "benign result");
  }

  @Benchmark
  public Object hostile() {
    return hostile.get();
  }

  @Benchmark
  public Object benign() {
    return benign.get();
  }

  private static Supplier<Object> runner(HostileCorpus.Attack a, String payload) throws Exception {
    switch (a.target()) {
      case "spf-check" -> {
        ZoneResolver dns =
            ZoneResolver.builder()
                .record("example.com", txt(payload))
                .txt("inc.example.com", "v=spf1 -all")
                .build();
        MailSession session =
            MailSession.builder()
                .clientIp(InetAddress.getByName("192.0.2.1"))
                .helo("mx.example.com")
                .mailFrom(a.key("sender").orElse("user@example.com"))
                .build();
        dev.mailwarden.Checker<SpfResult> spf = Spf.check();
        return () -> {
          SpfResult r = spf.check(CheckContext.forTesting(session, dns)).join();
          return r.outcome();
        };
      }
      case "dkim-message" -> {
        DkimKeyPair key = DkimKeys.rsa(1024);
        ZoneResolver dns =
            ZoneResolver.builder().txt("rsa._domainkey.example.com", key.txtRecord()).build();
        DkimVerifier verifier = Dkim.check();
        byte[] message = dkimMessage(payload);
        return () -> verifier.verify(message, dns, CLOCK, Runnable::run).join().outcome();
      }
      case "dmarc-report" -> {
        byte[] xml = payload.getBytes(StandardCharsets.UTF_8);
        return () -> AggregateReports.parse(xml).problem();
      }
      case "dmarc-record" -> {
        return () -> DmarcRecord.parse(payload).status();
      }
      case "from-header" -> {
        byte[] msg = payload.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
        return () -> FromHeader.fromMessage(msg).problem();
      }
      case "helo" -> {
        return () -> HeloParser.parse(payload);
      }
      case "rhsbl-from" -> {
        byte[] msg = payload.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
        ZoneResolver dns = ZoneResolver.builder().build();
        DnsblChecker dbl = Dnsbl.check(Rhsbl.spamhausDbl().healthProbes(false).cacheSize(0));
        MailSession session = MailSession.builder().message(msg).build();
        return () -> {
          DnsblResult r = dbl.check(CheckContext.forTesting(session, dns)).join();
          return r.outcome();
        };
      }
      case "list-spec" -> {
        return () -> {
          try {
            return Dnsbl.parse(payload);
          } catch (IllegalArgumentException e) {
            return e.getMessage();
          }
        };
      }
      default -> throw new IllegalArgumentException("no runner for " + a.target());
    }
  }

  private static DnsRecord.Txt txt(String text) {
    List<byte[]> parts = new ArrayList<>();
    byte[] all = text.getBytes(StandardCharsets.ISO_8859_1);
    for (int i = 0; i < all.length; i += 255) {
      parts.add(java.util.Arrays.copyOfRange(all, i, Math.min(all.length, i + 255)));
    }
    return new DnsRecord.Txt(parts);
  }

  private static byte[] dkimMessage(String message) {
    String m = message.replace("\n", "\r\n");
    int body = m.indexOf("\r\n\r\n");
    byte[] b = m.substring(body < 0 ? m.length() : body + 4).getBytes(StandardCharsets.ISO_8859_1);
    BodyHasher h = new BodyHasher(true, "SHA-256", -1);
    h.update(b, 0, b.length);
    return m.replace("@BH@", Base64.getEncoder().encodeToString(h.finish()))
        .getBytes(StandardCharsets.ISO_8859_1);
  }
}
