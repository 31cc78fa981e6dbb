package dev.mailwarden.auth.spf;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.common.net.InetAddresses;
import dev.mailwarden.AuthResult;
import dev.mailwarden.CheckContext;
import dev.mailwarden.MailSession;
import dev.mailwarden.Outcome;
import dev.mailwarden.auth.spf.internal.MacroString;
import dev.mailwarden.auth.spf.internal.SpfRecord;
import dev.mailwarden.auth.spf.internal.SpfSyntaxException;
import dev.mailwarden.dns.ZoneResolver;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Fuzz targets for the SPF record parser, the macro expander and the whole check on a hostile
 * record. In the normal build they run as regression tests over the committed seeds in {@code
 * src/test/resources/dev/mailwarden/auth/spf/SpfFuzzTestInputs/<method>/}; with {@code
 * JAZZER_FUZZ=1} the one method named by {@code -Dtest=SpfFuzzTest#method} fuzzes.
 */
class SpfFuzzTest {
  private static final Set<Outcome> SPF_OUTCOMES =
      EnumSet.of(
          Outcome.PASS,
          Outcome.FAIL,
          Outcome.SOFTFAIL,
          Outcome.NEUTRAL,
          Outcome.NONE,
          Outcome.TEMPERROR,
          Outcome.PERMERROR);

  /**
   * A record either fails with a reason or parses to directives within the RFC 7208 limits, and
   * writing the directives back out parses to the same record.
   */
  @FuzzTest(maxDuration = "30s")
  void record_failsWithReasonOrReparsesToTheSame(byte[] txt) throws Exception {
    if (!SpfRecord.isSpfRecord(txt)) {
      return;
    }
    SpfRecord record;
    try {
      record = SpfRecord.parse(txt);
    } catch (SpfSyntaxException expected) {
      assertThat(expected.getMessage()).isNotBlank();
      return;
    }
    StringBuilder again = new StringBuilder("v=spf1");
    for (SpfRecord.Directive d : record.directives) {
      assertThat(d.text).isNotEmpty();
      assertThat(d.cidr4).isBetween(0, 32);
      assertThat(d.cidr6).isBetween(0, 128);
      switch (d.kind) {
        case IP4 -> assertThat(d.network).hasSize(4);
        case IP6 -> assertThat(d.network).hasSize(16);
        default -> assertThat(d.network).isNull();
      }
      if (d.kind == SpfRecord.Kind.INCLUDE || d.kind == SpfRecord.Kind.EXISTS) {
        assertThat(d.domainSpec).isNotNull();
      }
      again.append(' ').append(qualifier(d.qualifier)).append(d.text);
    }
    if (record.redirect != null) {
      again.append(" redirect=").append(record.redirect.text());
    }
    if (record.exp != null) {
      again.append(" exp=").append(record.exp.text());
    }
    SpfRecord back = SpfRecord.parse(again.toString().getBytes(StandardCharsets.US_ASCII));
    assertThat(back.directives).hasSameSizeAs(record.directives);
    for (int i = 0; i < back.directives.size(); i++) {
      SpfRecord.Directive a = record.directives.get(i);
      SpfRecord.Directive b = back.directives.get(i);
      assertThat(b.kind).isEqualTo(a.kind);
      assertThat(b.qualifier).isEqualTo(a.qualifier);
      assertThat(b.cidr4).isEqualTo(a.cidr4);
      assertThat(b.cidr6).isEqualTo(a.cidr6);
      assertThat(b.network).isEqualTo(a.network);
      assertThat(String.valueOf(b.domainSpec)).isEqualTo(String.valueOf(a.domainSpec));
    }
    assertThat(String.valueOf(back.redirect)).isEqualTo(String.valueOf(record.redirect));
    assertThat(String.valueOf(back.exp)).isEqualTo(String.valueOf(record.exp));
  }

  /**
   * A macro-string either fails with a reason or expands without throwing; expansion is a pure
   * function of the values; text without '%' expands to itself; URL-escaped macros (upper-case
   * letters) never emit characters outside the unreserved set and %XX.
   */
  @FuzzTest(maxDuration = "30s")
  void macro_expandsWithoutThrowing(byte[] input) {
    // the macro-string, then after the first LF the value every macro letter expands to
    String all = new String(input, StandardCharsets.ISO_8859_1);
    int lf = all.indexOf('\n');
    String text = lf < 0 ? all : all.substring(0, lf);
    String value = lf < 0 ? "sub.example.com" : all.substring(lf + 1);
    for (boolean explanation : new boolean[] {false, true}) {
      MacroString m;
      try {
        m = explanation ? MacroString.parse(text, true) : MacroString.parseDomainSpec(text);
      } catch (SpfSyntaxException expected) {
        assertThat(expected.getMessage()).isNotBlank();
        continue;
      }
      assertThat(m.text()).isEqualTo(text);
      MacroString.MacroValues values = letter -> letter + "." + value;
      String once = m.expand(values);
      assertThat(m.expand(values)).isEqualTo(once);
      if (text.indexOf('%') < 0) {
        assertThat(once).isEqualTo(text);
      }
      // each macro expands to at most its value, URL-escaped (9 chars per UTF-16 unit)
      long macros = text.chars().filter(c -> c == '%').count();
      assertThat((long) once.length())
          .isLessThanOrEqualTo(text.length() + macros * 9L * (value.length() + 2));
      if (value.indexOf('\r') < 0) {
        assertThat(once).doesNotContain("\r"); // nothing but a value can bring a control character
      }
    }
  }

  /**
   * The whole check on a hostile record and explanation: it completes, with an SPF outcome, and
   * nothing from DNS reaches the SMTP reply or Authentication-Results as a line break.
   */
  @FuzzTest(maxDuration = "30s")
  void check_completesWithAnSpfOutcome(byte[] input) throws Exception {
    // the record for example.com, then after the first LF the explanation exp= may point to
    int lf = indexOf(input, (byte) '\n');
    byte[] record = java.util.Arrays.copyOfRange(input, 0, lf < 0 ? input.length : lf);
    byte[] explanation =
        lf < 0 ? new byte[0] : java.util.Arrays.copyOfRange(input, lf + 1, input.length);
    String sender = "user@example.com";
    String helo = "mx.example.com";
    ZoneResolver dns =
        ZoneResolver.builder()
            .txtBytes("example.com", record)
            .txtBytes("exp.example.com", explanation)
            .txt("inc.example.com", "v=spf1 a:%{d} mx ptr -all")
            .address("example.com", "192.0.2.1")
            .mx("example.com", 10, "mx.example.com")
            .address("mx.example.com", "198.51.100.7")
            .ptr("7.100.51.198.in-addr.arpa", "mx.example.com")
            .build();
    MailSession session =
        MailSession.builder()
            .clientIp(InetAddresses.forString("198.51.100.7"))
            .helo(helo)
            .mailFrom(sender)
            .build();
    SpfResult r =
        Spf.check().check(CheckContext.forTesting(session, dns)).get(10, TimeUnit.SECONDS);
    assertThat(r.outcome()).isIn(SPF_OUTCOMES);
    assertThat(r.dnsQueries()).isBetween(0, 30);
    r.explanation()
        .ifPresent(
            e ->
                assertThat(e)
                    .doesNotContain("\r", "\n")
                    .hasSizeLessThanOrEqualTo(SpfResult.MAX_EXPLANATION_LENGTH));
    r.smtpReply().ifPresent(reply -> assertThat(reply.toString()).doesNotContain("\r", "\n"));
    for (AuthResult a : r.authResults()) {
      assertThat(a.render()).doesNotContain("\r", "\n");
    }
    // folded at 78 columns: every line break is CRLF followed by whitespace, nothing else
    assertThat(r.receivedSpf("mx.test").replace("\r\n ", " ").replace("\r\n\t", "\t"))
        .doesNotContain("\r", "\n");
  }

  private static int indexOf(byte[] b, byte x) {
    for (int i = 0; i < b.length; i++) {
      if (b[i] == x) {
        return i;
      }
    }
    return -1;
  }

  private static String qualifier(Outcome q) {
    return switch (q) {
      case FAIL -> "-";
      case SOFTFAIL -> "~";
      case NEUTRAL -> "?";
      default -> "+";
    };
  }
}
