package dev.mailwarden.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.CheckContext;
import dev.mailwarden.MailSession;
import dev.mailwarden.auth.dkim.Dkim;
import dev.mailwarden.auth.dkim.DkimKeyPair;
import dev.mailwarden.auth.dkim.DkimKeys;
import dev.mailwarden.auth.dkim.DkimResult;
import dev.mailwarden.auth.dkim.internal.BodyHasher;
import dev.mailwarden.auth.dmarc.AggregateReports;
import dev.mailwarden.auth.dmarc.DmarcRecord;
import dev.mailwarden.auth.dmarc.internal.FromHeader;
import dev.mailwarden.auth.helo.internal.HeloParser;
import dev.mailwarden.auth.helo.internal.ParsedHelo;
import dev.mailwarden.auth.spf.Spf;
import dev.mailwarden.auth.spf.SpfResult;
import dev.mailwarden.dns.DnsRecord;
import dev.mailwarden.dns.ZoneResolver;
import dev.mailwarden.testing.HostileCorpus;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every file of {@code src/test/resources/dev/mailwarden/auth/hostile/} through the parser or
 * check it attacks and asserts the defined result of its {@code # expect:} line: an outcome (never
 * an exception, never a silent pass) and the phrase its reason must contain, well inside a time
 * bound (the µs figures are HostileInputBenchmark's).
 */
class HostileCorpusTest {
  private static final java.lang.management.ThreadMXBean CPU =
      java.lang.management.ManagementFactory.getThreadMXBean();
  static final String DIR = "/dev/mailwarden/auth/hostile";

  /**
   * CPU time of the test thread, far above the benchmark's figures (the machine may be loaded):
   * only a hang or the return of a quadratic cost (seconds to minutes on these inputs) fails it.
   */
  private static final Duration BOUND = Duration.ofSeconds(10);

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-28T01:00:00Z"), ZoneOffset.UTC);
  private static final DkimKeyPair KEY = DkimKeys.rsa(1024);

  @TestFactory
  Stream<DynamicTest> everyAttack_givesItsDefinedResult() {
    List<HostileCorpus.Attack> attacks =
        HostileCorpus.load(HostileCorpusTest.class.getResource(DIR));
    assertThat(attacks).hasSizeGreaterThanOrEqualTo(10);
    return attacks.stream()
        .map(
            a ->
                DynamicTest.dynamicTest(
                    a.name(),
                    () -> {
                      long start = CPU.getCurrentThreadCpuTime();
                      String[] got = run(a, a.payload());
                      Duration took = Duration.ofNanos(CPU.getCurrentThreadCpuTime() - start);
                      System.out.printf(
                          "hostile %-40s %s in %d ms: %s%n",
                          a.name(),
                          got[0],
                          took.toMillis(),
                          got[1].length() > 120 ? got[1].substring(0, 120) + "..." : got[1]);
                      assertThat(got[0])
                          .as("outcome of %s: %s", a, got[1])
                          .isEqualToIgnoringCase(a.expectedOutcome());
                      assertThat(got[1]).as("reason of %s", a).contains(a.expectedPhrase());
                      assertThat(took).as("time of %s", a).isLessThan(BOUND);
                      a.twin()
                          .ifPresent(
                              twin -> {
                                String[] benign = run(a, twin);
                                assertThat(benign[0]).as("the benign twin runs").isNotBlank();
                                // '# twin-expect:' (optional): the twin's result, proving it is
                                // benign and under every cap
                                a.key("twin-expect")
                                    .ifPresent(
                                        expect -> {
                                          int sp = expect.indexOf(' ');
                                          assertThat(benign[0])
                                              .as("outcome of the twin of %s: %s", a, benign[1])
                                              .isEqualToIgnoringCase(
                                                  sp < 0 ? expect : expect.substring(0, sp));
                                          assertThat(benign[1])
                                              .as("reason of the twin of %s", a)
                                              .contains(
                                                  sp < 0 ? "" : expect.substring(sp + 1).strip());
                                        });
                              });
                    }));
  }

  /** The outcome token and the reason of one input for the attack's target. */
  static String[] run(HostileCorpus.Attack a, String payload) {
    try {
      return switch (a.target()) {
        case "spf-check" -> spf(payload, a.key("sender").orElse("user@example.com"));
        case "dkim-message" -> dkim(payload);
        case "dmarc-report" -> {
          AggregateReports.ParsedReport p =
              AggregateReports.parse(payload.getBytes(StandardCharsets.UTF_8));
          yield new String[] {p.isValid() ? "valid" : "invalid", p.problem()};
        }
        case "dmarc-record" -> {
          DmarcRecord.Parsed p = DmarcRecord.parse(payload);
          yield new String[] {p.status().name(), p.problem()};
        }
        case "from-header" -> {
          FromHeader.Extracted e = FromHeader.fromMessage(new ByteArrayInputStream(crlf(payload)));
          yield new String[] {e.ok() ? "pass" : "permerror", e.problem()};
        }
        case "helo" -> {
          ParsedHelo h = HeloParser.parse(payload);
          yield new String[] {
            h instanceof ParsedHelo.Invalid ? "invalid" : "valid",
            h instanceof ParsedHelo.Invalid i ? i.problem() : h.toString()
          };
        }
        default ->
            throw new IllegalArgumentException("unknown target " + a.target() + " in " + a.name());
      };
    } catch (Exception e) {
      throw new AssertionError(a + " threw " + e, e);
    }
  }

  static String[] spf(String record, String sender) throws Exception {
    ZoneResolver dns =
        ZoneResolver.builder()
            .record("example.com", txt(record))
            .txt("inc.example.com", "v=spf1 -all")
            .build();
    MailSession session =
        MailSession.builder()
            .clientIp(InetAddress.getByName("192.0.2.1"))
            .helo("mx.example.com")
            .mailFrom(sender)
            .build();
    SpfResult r =
        Spf.check().check(CheckContext.forTesting(session, dns)).get(30, TimeUnit.SECONDS);
    return new String[] {r.outcome().token(), r.reason()};
  }

  /** A TXT record of any length, in character-strings of at most 255 octets. */
  static DnsRecord.Txt txt(String text) {
    List<byte[]> parts = new ArrayList<>();
    byte[] all = text.getBytes(StandardCharsets.ISO_8859_1);
    for (int i = 0; i < all.length; i += 255) {
      parts.add(java.util.Arrays.copyOfRange(all, i, Math.min(all.length, i + 255)));
    }
    return new DnsRecord.Txt(parts);
  }

  static String[] dkim(String message) throws Exception {
    byte[] bytes = dkimMessage(message);
    ZoneResolver dns =
        ZoneResolver.builder().txt("rsa._domainkey.example.com", KEY.txtRecord()).build();
    DkimResult r = Dkim.check().verify(bytes, dns, CLOCK, Runnable::run).get(30, TimeUnit.SECONDS);
    String skipped = r.signaturesSkipped() > 0 ? " skipped=" + r.signaturesSkipped() : "";
    return new String[] {r.outcome().token(), r.reason() + skipped};
  }

  /** The message with CRLF line ends and {@code @BH@} replaced by the relaxed body hash. */
  static byte[] dkimMessage(String message) {
    String m = message.replace("\n", "\r\n");
    int body = m.indexOf("\r\n\r\n");
    byte[] b = m.substring(body < 0 ? m.length() : body + 4).getBytes(StandardCharsets.ISO_8859_1);
    BodyHasher h = new BodyHasher(true, "SHA-256", -1);
    h.update(b, 0, b.length);
    String bh = Base64.getEncoder().encodeToString(h.finish());
    return m.replace("@BH@", bh).getBytes(StandardCharsets.ISO_8859_1);
  }

  static byte[] crlf(String s) {
    return s.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
  }
}
