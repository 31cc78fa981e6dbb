package dev.mailwarden.auth.helo;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.common.net.InetAddresses;
import dev.mailwarden.CheckContext;
import dev.mailwarden.MailSession;
import dev.mailwarden.auth.helo.internal.HeloParser;
import dev.mailwarden.auth.helo.internal.ParsedHelo;
import dev.mailwarden.dns.DnsStatus;
import dev.mailwarden.dns.ZoneResolver;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Fuzzes the HELO parser and the whole HELO check. In the normal build it runs as a regression test
 * over the committed seeds in {@code HeloParserFuzzTestInputs/parse_neverThrows}; with {@code
 * JAZZER_FUZZ=1} it fuzzes. Nothing may throw, and what the parser accepts must keep the RFC 5321
 * limits.
 */
class HeloParserFuzzTest {
  private static final ZoneResolver DNS =
      ZoneResolver.builder()
          .address("mail.example.com", "198.51.100.1")
          .fail("servfail.example.com", DnsStatus.SERVFAIL)
          .build();
  private static final Helo HELO = Helo.builder().policy(HeloPolicy.STRICT).build();

  @FuzzTest(maxDuration = "30s")
  void parse_neverThrows(byte[] input) throws Exception {
    for (String helo :
        new String[] {
          new String(input, StandardCharsets.UTF_8), new String(input, StandardCharsets.ISO_8859_1)
        }) {
      ParsedHelo parsed = HeloParser.parse(helo);
      assertThat(parsed).isNotNull();
      if (parsed instanceof ParsedHelo.Hostname h) {
        assertThat(h.ascii().length()).isBetween(1, HeloParser.MAX_DOMAIN_OCTETS);
        assertThat(h.ascii()).matches("[a-z0-9-]+(\\.[a-z0-9-]+)*");
        assertThat(h.labels()).isPositive();
      } else if (parsed instanceof ParsedHelo.Invalid inv) {
        assertThat(inv.problem()).isNotBlank();
      }
      MailSession session =
          MailSession.builder()
              .clientIp(InetAddresses.forString("198.51.100.1"))
              .helo(helo)
              .build();
      HeloResult r = HELO.check(CheckContext.forTesting(session, DNS)).get(5, TimeUnit.SECONDS);
      assertThat(r.outcome()).isNotNull();
      assertThat(HeloWeights.perFinding().score(r)).isFinite();
      r.smtpReply().ifPresent(reply -> assertThat(reply.toString()).doesNotContain("\r", "\n"));
      assertThat(r.details()).isNotEmpty();
    }
  }
}
