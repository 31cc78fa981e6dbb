package dev.mailwarden;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.dns.ZoneResolver;
import dev.mailwarden.testing.TestRuntime;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class DecisionLogTest {
  private static final ZoneResolver DNS = ZoneResolver.builder().build();

  /** A fixed result, with facts for the decision line. */
  private record Fixed(Outcome outcome, String reason, List<Map.Entry<String, String>> logFields)
      implements CheckResult {}

  private record FixedChecker(CheckKey<CheckResult> key, CheckResult result, boolean answers)
      implements Checker<CheckResult> {
    static FixedChecker of(String name, CheckResult result) {
      return new FixedChecker(CheckKey.of(name, CheckResult.class), result, true);
    }

    @Override
    public boolean appliesTo(MailSession session) {
      return true;
    }

    @Override
    public CompletableFuture<CheckResult> check(CheckContext context) {
      return answers ? CompletableFuture.completedFuture(result) : new CompletableFuture<>();
    }

    @Override
    public CheckResult temperror(String reason) {
      return CheckResult.of(Outcome.TEMPERROR, reason);
    }
  }

  private static MailSession.Builder session() throws Exception {
    return MailSession.builder()
        .clientIp(InetAddress.getByName("192.0.2.1"))
        .helo("mail.example.com")
        .mailFrom("alice@Example.COM")
        .authenticatedUser("alice")
        .recipient("bob@example.org");
  }

  private static Evaluation evaluate(MailSession s, Checker<?>... checks) {
    MailWarden.Builder b =
        MailWarden.builder(TestRuntime.of(DNS)).shortCircuit(false).decisionLog(DecisionLog.off());
    for (Checker<?> c : checks) {
      b.check(c, Weights.of(Outcome.FAIL, 5.0, Outcome.PASS, -1.0));
    }
    return b.build().evaluateAndWait(s);
  }

  @Test
  void format_hasEveryKeyInOrder_withHitsErrorsAndLimit() throws Exception {
    Evaluation ev =
        evaluate(
            session().id("A1B2").build(),
            FixedChecker.of(
                "zen",
                new Fixed(
                    Outcome.FAIL,
                    "listed",
                    List.of(
                        Map.entry("dnsbl_hit", "zen.example:127.0.0.2,127.0.0.4"),
                        Map.entry("dnsbl_error", "bl.example")))),
            FixedChecker.of(
                "limit", new Fixed(Outcome.FAIL, "over", List.of(Map.entry("limit", "100/1h")))),
            FixedChecker.of("wl", new Fixed(Outcome.PASS, "allowlisted", List.of())));

    String line = DecisionLog.standard().format(ev, "e1");

    assertThat(Logfmt.keys(line))
        .containsExactly(
            "evaluation",
            "verdict",
            "score",
            "session",
            "client_ip",
            "helo",
            "mail_from_domain",
            "check.zen",
            "score.zen",
            "check.limit",
            "score.limit",
            "check.wl",
            "score.wl",
            "dnsbl_hit",
            "dnsbl_error",
            "limit",
            "decisive",
            "elapsed_ms",
            "dns_queries");
    assertThat(line)
        .startsWith(
            "evaluation=e1 verdict=reject score=9.0 session=A1B2 client_ip=192.0.2.1 "
                + "helo=mail.example.com mail_from_domain=example.com check.zen=fail score.zen=5.0 check.limit=fail "
                + "score.limit=5.0 check.wl=pass score.wl=-1.0 dnsbl_hit=zen.example:127.0.0.2,127.0.0.4 "
                + "dnsbl_error=bl.example limit=100/1h decisive=zen elapsed_ms=");
    assertThat(Logfmt.value(line, "dns_queries")).isEqualTo("0");
  }

  @Test
  void hostileHelo_staysOnOneLine_andForgesNoKey() throws Exception {
    String hostile =
        "x\" verdict=accept\nevaluation=forged score=0 \\\" a=b\r\t\u2028\u0000 check.zen=pass";
    Evaluation ev =
        evaluate(
            session().helo(hostile).mailFrom("\"evil\nkey=v\"@bad.example\u0085 z=1").build(),
            FixedChecker.of("zen", new Fixed(Outcome.FAIL, "listed", List.of())));

    String line = DecisionLog.standard().format(ev, "e2");

    assertThat(line)
        .doesNotContain("\n")
        .doesNotContain("\r")
        .doesNotContain("\u2028")
        .doesNotContain("\u0085");
    assertThat(line.chars().allMatch(c -> c >= 0x20 && c < 0x7f))
        .as("printable ASCII only: %s", line)
        .isTrue();
    assertThat(Logfmt.keys(line))
        .containsExactly(
            "evaluation",
            "verdict",
            "score",
            "client_ip",
            "helo",
            "mail_from_domain",
            "check.zen",
            "score.zen",
            "decisive",
            "elapsed_ms",
            "dns_queries");
    assertThat(Logfmt.value(line, "helo")).isEqualTo(hostile);
    assertThat(Logfmt.value(line, "verdict")).isEqualTo("reject");
    assertThat(Logfmt.value(line, "mail_from_domain")).isEqualTo("bad.example\u0085 z=1");
  }

  @Test
  void hostileCheckNamesAndFacts_cannotForgeKeys() throws Exception {
    Evaluation ev =
        evaluate(
            session().build(),
            FixedChecker.of(
                "bl.example=127.0.0.[2..11]*2 x",
                new Fixed(
                    Outcome.FAIL,
                    "listed",
                    List.of(Map.entry("verdict", "accept"), Map.entry("dnsbl hit", "a b=c\n")))));

    String line = DecisionLog.standard().format(ev, "e3");

    List<String> keys = Logfmt.keys(line);
    assertThat(keys).contains("check.bl.example_127.0.0.[2..11]*2_x", "dnsbl_hit");
    assertThat(keys.stream().filter("verdict"::equals)).hasSize(1);
    assertThat(Logfmt.value(line, "verdict")).isEqualTo("reject");
    assertThat(Logfmt.value(line, "dnsbl_hit")).isEqualTo("a b=c\n");
  }

  @Test
  void localParts_leftOutByDefault_writtenWhenTurnedOn() throws Exception {
    Evaluation ev = evaluate(session().build());

    String standard = DecisionLog.standard().format(ev, "e4");
    String withLocal = DecisionLog.builder().localParts(true).build().format(ev, "e4");

    assertThat(standard).doesNotContain("alice").contains("mail_from_domain=example.com");
    assertThat(Logfmt.keys(standard)).doesNotContain("mail_from", "user");
    assertThat(Logfmt.value(withLocal, "mail_from")).isEqualTo("alice@Example.COM");
    assertThat(Logfmt.value(withLocal, "user")).isEqualTo("alice");
  }

  @Test
  void nullSender_hasAnEmptyQuotedDomain_noMailFrom_hasNone() throws Exception {
    String nullSender =
        DecisionLog.standard().format(evaluate(session().nullSender().build()), "e5");
    String noMailFrom =
        DecisionLog.standard()
            .format(
                evaluate(
                    MailSession.builder().clientIp(InetAddress.getByName("2001:db8::1")).build()),
                "e6");

    assertThat(nullSender).contains(" mail_from_domain=\"\" ");
    assertThat(Logfmt.keys(noMailFrom)).doesNotContain("mail_from_domain", "helo");
    assertThat(Logfmt.value(noMailFrom, "client_ip")).isEqualTo("2001:db8:0:0:0:0:0:1");
  }

  @Test
  void longValues_areCut() throws Exception {
    String line =
        DecisionLog.standard().format(evaluate(session().helo("h".repeat(10_000)).build()), "e7");

    assertThat(Logfmt.value(line, "helo")).hasSize(DecisionLog.MAX_VALUE).endsWith("...");
  }

  @Test
  void timedOutAndSkippedChecks_sayHowTheyEnded() throws Exception {
    Checker<CheckResult> never =
        new FixedChecker(
            CheckKey.of("slow", CheckResult.class), CheckResult.of(Outcome.PASS, ""), false);
    Evaluation ev =
        MailWarden.builder(TestRuntime.of(DNS))
            .decisionLog(DecisionLog.off())
            .deadline(java.time.Duration.ofMillis(50))
            .check(never)
            .build()
            .evaluateAndWait(session().build());

    String line = DecisionLog.standard().format(ev, "e8");

    assertThat(Logfmt.value(line, "check.slow")).isEqualTo("temperror");
    assertThat(Logfmt.value(line, "status.slow")).isEqualTo("timed_out");
  }

  @Test
  void writesOneLinePerEvaluation_withDistinctIds() throws Exception {
    List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
    MailWarden warden =
        MailWarden.builder(TestRuntime.of(DNS)).decisionLog(DecisionLog.toSink(lines::add)).build();

    warden.evaluateAndWait(session().helo("a\nb").build());
    warden.evaluateAndWait(session().build());

    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).startsWith("evaluation=").contains(" helo=\"a\\nb\" ");
    assertThat(Logfmt.value(lines.get(0), "evaluation"))
        .isNotEqualTo(Logfmt.value(lines.get(1), "evaluation"));
  }

  @Test
  void onByDefault_offWithOneBuilderCall_keptByNewBuilder() {
    MailWarden standard = MailWarden.builder(TestRuntime.of(DNS)).build();
    MailWarden off = MailWarden.builder(TestRuntime.of(DNS)).decisionLog(DecisionLog.off()).build();

    assertThat(standard.listener.toString()).contains("DecisionLog[dev.mailwarden.decision]");
    assertThat(off.listener.toString()).doesNotContain("DecisionLog");
    assertThat(off.newBuilder().build().listener.toString()).doesNotContain("DecisionLog");
    assertThat(standard.newBuilder().build().listener.toString())
        .contains("DecisionLog[dev.mailwarden.decision]");
  }
}
