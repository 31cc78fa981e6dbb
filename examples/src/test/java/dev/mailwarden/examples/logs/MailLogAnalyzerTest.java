package dev.mailwarden.examples.logs;

import static dev.mailwarden.examples.logs.MailLogAnalyzerPflogsummTest.DEC_2026;
import static dev.mailwarden.examples.logs.MailLogAnalyzerPflogsummTest.analyze;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.LongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What the report adds to pflogsumm, on the fixture logs; and the caps, on hostile logs. */
class MailLogAnalyzerTest {

  private static LogReport.SaslUser user(LogReport r, String name) {
    return r.saslUsers().stream().filter(u -> u.user().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void compromisedAccount_isFlaggedWithTheLinesThatRaisedIt_andQuietUsersAreNot() {
    LogReport r = analyze("mail.log.1.gz", "mail.log");
    LogReport.SaslUser alice = user(r, "alice@example.org");
    assertThat(alice.messages()).isEqualTo(1 + 14 + 40);
    assertThat(alice.recipients()).isEqualTo(1 + 14 * 2 + 40 * 5);
    assertThat(alice.clientIpList())
        .containsExactlyInAnyOrder("192.0.2.150", "203.0.113.50", "198.51.100.200", "192.0.2.201");
    assertThat(alice.flags())
        .extracting(LogReport.Flag::kind)
        .containsExactly("volume_spike", "spam_replies");
    LogReport.Flag spike = alice.flags().get(0);
    assertThat(spike.reason()).contains("2026-12-05 14:00");
    assertThat(spike.lines())
        .isNotEmpty()
        .allSatisfy(
            l -> assertThat(l).startsWith("Dec  5 14:").contains("from=<alice@example.org>"));
    assertThat(alice.flags().get(1).lines())
        .allSatisfy(l -> assertThat(l).contains("status=bounced").contains("spam"));
    // 5 spam and 4 "listed" bounces among 229 delivery attempts
    assertThat(alice.remoteRejected()).isEqualTo(9);
    assertThat(alice.remoteRejectedShare()).isBetween(0.039, 0.040);
    assertThat(r.saslUsers().get(0).user())
        .as("flagged users first")
        .isEqualTo("alice@example.org");
    LogReport.SaslUser bob = user(r, "bob@example.org");
    assertThat(bob.flags()).isEmpty();
    assertThat(bob.messages()).isEqualTo(3);
    assertThat(bob.remoteRejected()).isEqualTo(1);
  }

  @Test
  void spikeWithoutHistory_isNotFlagged_butTheSameSpikeAfterAQuietDayIs() {
    String spike = burst(14, 60);
    assertThat(user(analyzeText(spike), "eve").flags()).isEmpty();
    String quiet =
        "Dec  5 02:00:00 mx postfix/submission/smtpd[1]: Q0: client=unknown[192.0.2.1], sasl_method=PLAIN, sasl_username=eve\n"
            + "Dec  5 02:00:00 mx postfix/qmgr[2]: Q0: from=<eve@example.org>, size=100, nrcpt=2 (queue active)\n";
    LogReport.SaslUser eve = user(analyzeText(quiet + spike), "eve");
    assertThat(eve.flags()).extracting(LogReport.Flag::kind).containsExactly("volume_spike");
    assertThat(eve.flags().get(0).lines()).hasSize(LogLimits.defaults().maxEvidence());
  }

  private static String burst(int hour, int messages) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < messages; i++) {
      b.append(
          String.format(
              "Dec  5 %02d:%02d:00 mx postfix/submission/smtpd[1]: B%d: client=unknown[203.0.113.9], sasl_method=PLAIN, sasl_username=eve%n",
              hour, i % 60, i));
      b.append(
          String.format(
              "Dec  5 %02d:%02d:00 mx postfix/qmgr[2]: B%d: from=<eve@example.org>, size=100, nrcpt=1 (queue active)%n",
              hour, i % 60, i));
    }
    return b.toString();
  }

  private static LogReport analyzeText(String text) {
    MailLogAnalyzer a = MailLogAnalyzer.withDefaults(DEC_2026);
    text.lines().forEach(a::accept);
    return a.report();
  }

  @Test
  void saslAuthenticationFailures_areCountedPerClientIp() {
    LogReport r = analyze("mail.log");
    assertThat(r.authFailures())
        .containsExactly(
            new LogReport.Count("203.0.113.200", 12), new LogReport.Count("198.51.100.201", 3));
  }

  @Test
  void remoteReplySayingOurIpIsListed_isReportedWithTheReply() {
    LogReport r = analyze("mail.log");
    assertThat(r.listed()).hasSize(1);
    LogReport.Listed l = r.listed().get(0);
    assertThat(l.listed()).isEqualTo("192.0.2.25");
    assertThat(l.relay()).startsWith("mx.corp.example[");
    assertThat(l.reply()).contains("blocked using zen.spamhaus.org");
    assertThat(l.count()).isEqualTo(4);
  }

  @Test
  void decisionLines_giveVerdictsCheckRatesAndListsInError_andAQuotedHeloForgesNothing() {
    LogReport.Decisions d = analyze("mail.log").decisions();
    assertThat(d.lines()).isEqualTo(4);
    assertThat(d.verdicts())
        .containsEntry("REJECT", 1L)
        .containsEntry("ACCEPT", 1L)
        .containsEntry("TEMPFAIL", 1L)
        .containsEntry("QUARANTINE", 1L)
        .hasSize(4);
    // ev-3's HELO holds "check.spf=pass" and "verdict=ACCEPT" inside quotes: its spf is fail
    assertThat(d.checks().get("spf"))
        .containsEntry("pass", 1L)
        .containsEntry("fail", 1L)
        .containsEntry("none", 1L)
        .containsEntry("softfail", 1L);
    assertThat(d.checks().get("dnsbl")).containsEntry("temperror", 1L);
    assertThat(d.dnsblErrors())
        .containsEntry("bl.broken.example", 2L)
        .containsEntry("zen.spamhaus.org", 1L);
    assertThat(d.averageElapsedMs()).isEqualTo((12 + 30 + 8000 + 20) / 4.0);
  }

  @Test
  void decisionLine_parsesEscapesAndKeepsTheFirstKey() {
    DecisionLine d =
        DecisionLine.parse(
            "x: evaluation=e1 helo=\"a \\\"b\\\" verdict=ACCEPT \\\\\" verdict=REJECT verdict=ACCEPT check.spf=fail");
    assertThat(d).isNotNull();
    assertThat(d.get("helo")).isEqualTo("a \"b\" verdict=ACCEPT \\");
    assertThat(d.verdict()).isEqualTo("REJECT");
    assertThat(d.checks()).containsExactly(java.util.Map.entry("spf", "fail"));
    assertThat(DecisionLine.parse("evaluation=e1 helo=\"unterminated verdict=REJECT")).isNull();
  }

  @Test
  void since_skipsEarlierLines() {
    MailLogAnalyzer a =
        new MailLogAnalyzer(
            LogLimits.defaults(),
            MailLogAnalyzer.Alarms.defaults(),
            LocalDateTime.of(2026, 12, 5, 12, 0),
            DEC_2026,
            "postfix");
    MailLogAnalyzerPflogsummTest.text("mail.log").lines().forEach(a::accept);
    MailLogAnalyzerPflogsummTest.text("mail.log.1.gz").lines().forEach(a::accept);
    LogReport r = a.report();
    assertThat(r.hourly().subList(0, 12))
        .allSatisfy(h -> assertThat(h.received() + h.delivered() + h.rejected()).isZero());
    assertThat(r.hourly().get(14).received()).isEqualTo(51);
    assertThat(r.days()).isEqualTo(1);
  }

  // ------------------------------------------------------------------ hostile twins

  /** A stream of generated lines, never held in memory as a whole. */
  private static InputStream generated(long count, LongFunction<String> line) {
    return new InputStream() {
      long next;
      byte[] current = new byte[0];
      int pos;

      @Override
      public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (pos == current.length) {
          if (next == count) {
            return -1;
          }
          current = line.apply(next++).getBytes(StandardCharsets.ISO_8859_1);
          pos = 0;
        }
        int n = Math.min(len, current.length - pos);
        System.arraycopy(current, pos, b, off, n);
        pos += n;
        return n;
      }
    };
  }

  @Test
  void millionsOfQueueIdsNeverRemoved_stayWithinTheQueueIdCap() throws IOException {
    LogLimits limits = LogLimits.defaults().withMaxQueueIds(1000).withMaxDistinct(5000);
    MailLogAnalyzer a =
        new MailLogAnalyzer(limits, MailLogAnalyzer.Alarms.defaults(), null, DEC_2026, "postfix");
    long n = 2_000_000;
    a.read(
        "hostile",
        generated(
            n,
            i ->
                "Dec  5 10:00:00 mx postfix/smtpd[1]: Q"
                    + i
                    + ": client=h"
                    + i
                    + ".example[192.0.2.1]\n"
                    + "Dec  5 10:00:00 mx postfix/qmgr[2]: R"
                    + i
                    + ": from=<s"
                    + i
                    + "@d"
                    + i
                    + ".example>, size=10, nrcpt=1 (queue active)\n"));
    LogReport r = a.report();
    assertThat(a.queueIdsHeld()).isLessThanOrEqualTo(1000);
    assertThat(r.caps().queueIdsForgotten()).isEqualTo(2 * n - 1000);
    assertThat(r.totals().received()).isEqualTo(n);
  }

  @Test
  void millionsOfDistinctSendersAndGuessers_stayWithinTheirCaps_andSayTheNumbersAreBounds()
      throws IOException {
    LogLimits limits =
        LogLimits.defaults().withMaxDistinct(10_000).withMaxCounterKeys(100).withMaxUsers(50);
    MailLogAnalyzer a =
        new MailLogAnalyzer(limits, MailLogAnalyzer.Alarms.defaults(), null, DEC_2026, "postfix");
    long n = 1_000_000;
    a.read(
        "hostile",
        generated(
            n,
            i ->
                "Dec  5 10:00:00 mx postfix/smtpd[1]: Q"
                    + i
                    + ": client=unknown[192.0.2.1], sasl_method=PLAIN, sasl_username=u"
                    + i
                    + "\n"
                    + "Dec  5 10:00:00 mx postfix/qmgr[2]: Q"
                    + i
                    + ": from=<s"
                    + i
                    + "@x.example>, size=10, nrcpt=1 (queue active)\n"
                    + "Dec  5 10:00:00 mx postfix/qmgr[2]: Q"
                    + i
                    + ": removed\n"
                    + "Dec  5 10:00:00 mx postfix/smtpd[3]: warning: unknown[10."
                    + (i >> 16 & 255)
                    + "."
                    + (i >> 8 & 255)
                    + "."
                    + (i & 255)
                    + "]: SASL LOGIN authentication failed: x\n"
                    + (i % 10 == 0
                        ? "Dec  5 10:00:00 mx postfix/smtpd[3]: warning: unknown[203.0.113.66]: SASL LOGIN authentication failed: x\n"
                        : "")));
    LogReport r = a.report();
    assertThat(r.totals().senders()).isEqualTo(10_000);
    assertThat(r.caps().distinctTablesCapped()).contains("senders");
    assertThat(r.saslUsers()).hasSize(50);
    assertThat(r.caps().usersNotTracked()).isEqualTo(n - 50);
    assertThat(r.authFailures().size()).isLessThanOrEqualTo(100);
    // the one real guesser (every tenth line) survives the pruning and leads the table
    assertThat(r.authFailures().get(0).key()).isEqualTo("203.0.113.66");
    assertThat(r.caps().approximateTables()).contains("auth_failures", "top_senders");
  }

  @Test
  void aHugeLineWithoutNewline_isCutAtTheCap_andTheNextLinesStillCount() throws IOException {
    MailLogAnalyzer a = MailLogAnalyzer.withDefaults(DEC_2026);
    long filler = 64L << 20; // 64 MiB of one line
    InputStream in =
        new java.io.SequenceInputStream(
            generated(1, i -> "Dec  5 10:00:00 mx postfix/smtpd[1]: Q1: client="),
            new java.io.SequenceInputStream(
                generated(filler / 4096, i -> "x".repeat(4096)),
                generated(
                    1,
                    i ->
                        "\nDec  5 10:00:01 mx postfix/smtpd[1]: Q2: client=a.example[192.0.2.2]\nDec  5 10:00:02 mx postfix/smtpd[1]: Q3: client=b.example[192.0.2.3]")));
    a.read("hostile", in);
    LogReport r = a.report();
    assertThat(r.caps().truncatedLines()).isEqualTo(1);
    assertThat(r.input().lines()).isEqualTo(3);
    assertThat(r.totals().received()).isEqualTo(3);
    assertThat(r.input().bytes()).isGreaterThan(filler);
  }

  static final List<String> GARBAGE =
      List.of(
          "",
          "Dec",
          "Dec  5",
          "Dec  5 10:00:00",
          "Dec  5 10:00:00 mx",
          "Dec  5 10:00:00 mx ",
          "2026-12-05T10:00:00 mx postfix/smtpd[1]: Q: client=x",
          "Dec  5 10:00:00 mx postfix/smtpd[1]:",
          "Dec  5 10:00:00 mx postfix/smtpd[1]: Q: to=<",
          "Dec  5 10:00:00 mx postfix/smtp[1]: Q: to=<a@b>, relay=",
          "Dec  5 10:00:00 mx postfix/qmgr[1]: Q: from=<a@b>, size=99999999999999999999999999, nrcpt=9999999999999999999999",
          "Dec 45 99:99:99 mx postfix/smtpd[1]: NOQUEUE: reject: RCPT from",
          "\u0000\u00ff\u00fe",
          "Dec  5 10:00:00 mx postfix/smtpd[1]: Q: client=",
          "Dec  5 10:00:00 mx postfix/cleanup[1]: Q: reject: header ",
          "Dec  5 10:00:00 mx postfix/smtpd[1]: Q: client=[",
          "Dec  5 10:00:00 mx postfix/smtpd[1]: Q: client=x[1.2.3.4");

  @Test
  void garbageAndHalfLines_areReadWithoutError() {
    MailLogAnalyzer a = MailLogAnalyzer.withDefaults(DEC_2026);
    GARBAGE.forEach(a::accept);
    LogReport r = a.report();
    assertThat(r.input().lines()).isEqualTo(GARBAGE.size());
    // "Dec 45 99:99:99 ... reject" counts in the totals as in pflogsumm
    // (MailLogAnalyzerPflogsummTest
    // compares them), but not in the hour table
    assertThat(r.hourly().stream().mapToLong(LogReport.Hour::rejected).sum())
        .isEqualTo(r.totals().rejected() - 1);
  }

  /** pflogsumm's own patterns, which the analyzer's hand-written scans must agree with. */
  private static final Pattern PFLOGSUMM_CLIENT_IPV4 =
      Pattern.compile("^([^\\[]*)\\[((?:\\d{1,3}\\.){3}\\d{1,3})\\]", Pattern.UNIX_LINES);

  private static final Pattern PFLOGSUMM_PARENT_DOMAIN =
      Pattern.compile("^(.*)\\.([^.]+)\\.([^.]{3}|[^.]{2,3}\\.[^.]{2})$", Pattern.UNIX_LINES);

  private static String regexParentDomain(String domain) {
    Matcher m = PFLOGSUMM_PARENT_DOMAIN.matcher(domain);
    return m.matches() ? (m.group(2) + "." + m.group(3)).toLowerCase(Locale.ROOT) : domain;
  }

  private static String regexClientDomainIpv4(String client) {
    Matcher m = PFLOGSUMM_CLIENT_IPV4.matcher(client);
    if (!m.find()) {
      return null;
    }
    String domain = m.group(1);
    return domain.isEmpty() || domain.equals("unknown") ? m.group(2) : regexParentDomain(domain);
  }

  @Test
  void clientDomainScan_agreesWithPflogsummsRegexes_onNamedAndRandomClients() {
    List<String> named =
        List.of(
            "mail.Example.COM[192.0.2.1]",
            "unknown[198.51.100.7]",
            "[203.0.113.9]",
            "a.b.co.uk[1.2.3.4]",
            "x.y.com.au[1.2.3.4]:25",
            "host[1.2.3.4",
            "host[1.2.3]",
            "host[1234.2.3.4]",
            "host[::1]",
            "host/1.2.3.4",
            "a.bc[1.2.3.4]",
            ".com[1.2.3.4]",
            "a..com[1.2.3.4]",
            "a.b.cd.ef.gh[1.2.3.4]",
            "mail8706.sender730.example[198.18.34.2]",
            "x.abcd.ab[1.1.1.1]",
            "q[w.e.r[1.2.3.4]",
            "a.b.c.d[1.2.3.4]");
    for (String c : named) {
      assertThat(MailLogAnalyzer.clientDomainIpv4(c)).as(c).isEqualTo(regexClientDomainIpv4(c));
    }
    String[] pieces = {
      "a", "B", "xy", "abc", ".", ".", "[", "]", "1", "23", "456", "7890", "unknown", "/", ":"
    };
    Random random = new Random(21);
    for (int i = 0; i < 200_000; i++) {
      StringBuilder b = new StringBuilder();
      for (int k = random.nextInt(12); k >= 0; k--) {
        b.append(pieces[random.nextInt(pieces.length)]);
      }
      String s = b.toString();
      assertThat(MailLogAnalyzer.parentDomain(s)).as(s).isEqualTo(regexParentDomain(s));
      assertThat(MailLogAnalyzer.clientDomainIpv4(s)).as(s).isEqualTo(regexClientDomainIpv4(s));
    }
  }
}
