package dev.mailwarden.examples.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs pflogsumm 1.1.5 (Debian {@code pflogsumm}) and our analyzer on the same fixture logs and
 * compares every grand total, the per-hour table and the reject detail. Skipped with a message when
 * pflogsumm is missing, failed under {@code CI=true}.
 */
class MailLogAnalyzerPflogsummTest {
  static final Clock DEC_2026 = Clock.fixed(Instant.parse("2026-12-06T00:00:00Z"), ZoneOffset.UTC);

  static byte[] fixture(String name) {
    try (InputStream in = MailLogAnalyzerPflogsummTest.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new AssertionError("missing fixture " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The fixture as text, gunzipped when it is gzip. */
  static String text(String name) {
    try (InputStream in = LogLines.maybeGunzip(new ByteArrayInputStream(fixture(name)))) {
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static LogReport analyze(String... names) {
    MailLogAnalyzer a = MailLogAnalyzer.withDefaults(DEC_2026);
    for (String name : names) {
      try {
        a.read(name, new ByteArrayInputStream(fixture(name)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return a.report();
  }

  static Map<String, String> ours(LogReport.Totals t) {
    return Pflogsumm.printed(t);
  }

  @Test
  void grandTotals_agreeWithPflogsumm_onOneDay() {
    Pflogsumm theirs = Pflogsumm.run(text("mail.log"));
    LogReport r = analyze("mail.log");
    assertThat(ours(r.totals())).isEqualTo(theirs.totals);
    // the fixture exercises every total: none of them is zero
    assertThat(ours(r.totals())).doesNotContainValue("0");
  }

  @Test
  void grandTotals_agreeWithPflogsumm_onARotatedGzipWithRfc3339TimesPlusTheCurrentFile() {
    Pflogsumm theirs = Pflogsumm.run(text("mail.log.1.gz") + text("mail.log"));
    LogReport r = analyze("mail.log.1.gz", "mail.log");
    assertThat(ours(r.totals())).isEqualTo(theirs.totals);
    assertThat(r.days()).isEqualTo(2);
    assertThat(r.totals().received()).isGreaterThan(analyze("mail.log").totals().received());
  }

  /**
   * A log written by the real Postfix 3.7 of PostfixPolicydIT (maillog_file, "Dec 05" with a zero).
   */
  @Test
  void grandTotals_agreeWithPflogsumm_onTheLogOfTheRealPostfixOfPostfixPolicydIT() {
    Pflogsumm theirs = Pflogsumm.run(text("postfix-policyd-it.log"));
    LogReport r = analyze("postfix-policyd-it.log");
    assertThat(ours(r.totals())).isEqualTo(theirs.totals);
    assertThat(r.totals().received()).isPositive();
    assertThat(r.totals().rejected()).isPositive();
    assertThat(r.rejects()).containsKey("DNSBL bl.example");
  }

  @Test
  void grandTotals_agreeWithPflogsumm_onGarbageAndHalfLines() {
    String text = String.join("\n", MailLogAnalyzerTest.GARBAGE) + "\n";
    Pflogsumm theirs = Pflogsumm.run(text);
    MailLogAnalyzer a = MailLogAnalyzer.withDefaults(DEC_2026);
    MailLogAnalyzerTest.GARBAGE.forEach(a::accept);
    assertThat(ours(a.report().totals())).isEqualTo(theirs.totals);
  }

  @Test
  void perHourTraffic_agreesWithPflogsumm() {
    for (String[] files : new String[][] {{"mail.log"}, {"mail.log.1.gz", "mail.log"}}) {
      StringBuilder all = new StringBuilder();
      for (String f : files) {
        all.append(text(f));
      }
      Pflogsumm theirs = Pflogsumm.run(all.toString());
      LogReport r = analyze(files);
      assertThat(theirs.hourly).hasSize(24);
      for (LogReport.Hour h : r.hourly()) {
        long[] v = {h.received(), h.delivered(), h.deferred(), h.bounced(), h.rejected()};
        String[] printed = new String[5];
        for (int i = 0; i < 5; i++) {
          printed[i] = Pflogsumm.printedHour(v[i], r.days());
        }
        assertThat(printed)
            .as("hour %d of %s", h.hour(), String.join("+", files))
            .containsExactly(theirs.hourly.get(h.hour()));
      }
    }
  }

  @Test
  void rejectReasons_sumToRejected_andMatchPflogsummsRejectDetail() {
    Pflogsumm theirs = Pflogsumm.run(text("mail.log"));
    LogReport r = analyze("mail.log");
    assertThat(r.rejects().values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(r.totals().rejected());
    // our reason names against pflogsumm's (type / reason) subtotals
    Map<String, String> same = new LinkedHashMap<>();
    same.put("DNSBL zen.spamhaus.org", "RCPT / blocked using zen.spamhaus.org");
    same.put("DNSBL bl.spamcop.net", "RCPT / blocked using bl.spamcop.net");
    same.put(
        "HELO: need fully-qualified hostname",
        "RCPT / Helo command rejected: need fully-qualified hostname");
    same.put("SPF", "RCPT / Recipient address rejected: Message rejected due to");
    same.put(
        "unknown user", "RCPT / Recipient address rejected: User unknown in virtual mailbox table");
    same.put("relay access denied", "RCPT / Relay access denied");
    same.put("sender: Domain not found", "RCPT / Sender address rejected: Domain not found");
    same.put("client: cannot find your hostname", "RCPT / cannot find your hostname");
    same.put("client: Access denied", "CONNECT / Client host rejected: Access denied");
    same.put("message size", "MAIL / 5.3.4 Message size exceeds fixed limit");
    same.put("DMARC", "cleanup / END-OF-MESSAGE");
    same.put("header check", "cleanup / header");
    Map<String, Long> expected = new LinkedHashMap<>();
    same.forEach((ourName, theirName) -> expected.put(ourName, theirs.rejectDetail.get(theirName)));
    assertThat(theirs.rejectDetail.values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(r.totals().rejected());
    assertThat(r.rejects()).containsExactlyInAnyOrderEntriesOf(expected);
  }
}
