package dev.mailwarden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsResolver;
import dev.mailwarden.dns.RecordType;
import dev.mailwarden.dns.ZoneResolver;
import dev.mailwarden.testing.TestRuntime;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class MailWardenTest {
  private static final ZoneResolver DNS =
      ZoneResolver.builder()
          .txt("listed.example", "yes")
          .fail("broken.example", dev.mailwarden.dns.DnsStatus.SERVFAIL)
          .hang("silent.example")
          .build();

  private static MailSession session() throws Exception {
    return MailSession.builder()
        .clientIp(InetAddress.getByName("192.0.2.1"))
        .helo("mail.example.com")
        .mailFrom("alice@example.com")
        .recipient("bob@example.org")
        .build();
  }

  /** A checker whose result is computed by a function of its context. */
  private record FnChecker(
      CheckKey<CheckResult> key,
      Predicate<MailSession> applies,
      Function<CheckContext, CompletableFuture<CheckResult>> body)
      implements Checker<CheckResult> {
    static FnChecker of(String name, Function<CheckContext, CompletableFuture<CheckResult>> body) {
      return new FnChecker(CheckKey.of(name, CheckResult.class), s -> true, body);
    }

    static FnChecker fixed(String name, CheckResult r) {
      return of(name, ctx -> CompletableFuture.completedFuture(r));
    }

    @Override
    public boolean appliesTo(MailSession session) {
      return applies.test(session);
    }

    @Override
    public CompletableFuture<CheckResult> check(CheckContext context) {
      return body.apply(context);
    }

    @Override
    public CheckResult temperror(String reason) {
      return CheckResult.of(Outcome.TEMPERROR, reason);
    }
  }

  /** A result with its own reply. */
  private record ReplyResult(Outcome outcome, String reason, SmtpReply reply)
      implements CheckResult {
    @Override
    public Optional<SmtpReply> smtpReply() {
      return Optional.of(reply);
    }

    @Override
    public List<AuthResult> authResults() {
      return List.of(AuthResult.of("x-test", outcome));
    }
  }

  private static MailWarden.Builder builder() {
    return MailWarden.builder(TestRuntime.of(DNS)).deadline(Duration.ofSeconds(5));
  }

  @Test
  void noChecks_accepts() throws Exception {
    Evaluation ev = builder().build().evaluate(session()).get(5, TimeUnit.SECONDS);
    assertThat(ev.verdict()).isEqualTo(Verdict.ACCEPT);
    assertThat(ev.score()).isZero();
    assertThat(ev.smtpReply().code()).isEqualTo(250);
    assertThat(ev.authenticationResults("mx.example.org"))
        .isEqualTo("Authentication-Results: mx.example.org; none");
  }

  @Test
  void scores_addUpAcrossChecks_andThresholdsDecide() throws Exception {
    MailWarden w =
        builder()
            .shortCircuit(false)
            .check(
                FnChecker.fixed("a", CheckResult.of(Outcome.FAIL, "a failed")),
                Weights.of(Outcome.FAIL, 2.0))
            .check(
                FnChecker.fixed("b", CheckResult.of(Outcome.FAIL, "b failed")),
                Weights.of(Outcome.FAIL, 1.5))
            .check(
                FnChecker.fixed("c", CheckResult.of(Outcome.PASS, "c passed")),
                Weights.of(Outcome.FAIL, 9.0))
            .quarantineAt(3.0)
            .rejectAt(5.0)
            .build();
    Evaluation ev = w.evaluateAndWait(session());
    assertThat(ev.score()).isEqualTo(3.5);
    assertThat(ev.verdict()).isEqualTo(Verdict.QUARANTINE);
    assertThat(ev.checks()).extracting(CheckReport::name).containsExactly("a", "b", "c");
    assertThat(ev.checks()).extracting(CheckReport::score).containsExactly(2.0, 1.5, 0.0);
  }

  @Test
  void reject_usesTheLargestContributorsReply() throws Exception {
    SmtpReply own = SmtpReply.of(554, "5.7.1", "listed at bl.example");
    MailWarden w =
        builder()
            .shortCircuit(false)
            .check(
                FnChecker.fixed("small", CheckResult.of(Outcome.FAIL, "x")),
                Weights.of(Outcome.FAIL, 1.0))
            .check(
                FnChecker.fixed("big", new ReplyResult(Outcome.FAIL, "listed", own)),
                Weights.of(Outcome.FAIL, 4.0))
            .build();
    Evaluation ev = w.evaluateAndWait(session());
    assertThat(ev.verdict()).isEqualTo(Verdict.REJECT);
    assertThat(ev.smtpReply()).isEqualTo(own);
    assertThat(ev.decisiveCheck()).contains("big");
  }

  @Test
  void reject_withoutOwnReply_usesPolicyDefault() throws Exception {
    MailWarden w =
        builder()
            .check(
                FnChecker.fixed("a", CheckResult.of(Outcome.FAIL, "x")),
                Weights.of(Outcome.FAIL, 5.0))
            .build();
    Evaluation ev = w.evaluateAndWait(session());
    assertThat(ev.verdict()).isEqualTo(Verdict.REJECT);
    assertThat(ev.smtpReply()).isEqualTo(SmtpReply.REJECTED);
  }

  @Test
  void decisiveTransientReply_makesTempfail() throws Exception {
    SmtpReply slowDown = SmtpReply.of(450, "4.7.1", "rate limit exceeded, retry in 60 s");
    MailWarden w =
        builder()
            .check(
                FnChecker.fixed("limit", new ReplyResult(Outcome.FAIL, "over", slowDown)),
                Weights.of(Outcome.FAIL, 10))
            .build();
    Evaluation ev = w.evaluateAndWait(session());
    assertThat(ev.verdict()).isEqualTo(Verdict.TEMPFAIL);
    assertThat(ev.smtpReply()).isEqualTo(slowDown);
  }

  @Test
  void requiredTemperror_tempfails_optionalDoesNot() throws Exception {
    FnChecker temp = FnChecker.fixed("spf", CheckResult.of(Outcome.TEMPERROR, "dns down"));
    assertThat(builder().check(temp, Weights.none()).build().evaluateAndWait(session()).verdict())
        .isEqualTo(Verdict.ACCEPT);
    Evaluation ev = builder().require(temp, Weights.none()).build().evaluateAndWait(session());
    assertThat(ev.verdict()).isEqualTo(Verdict.TEMPFAIL);
    assertThat(ev.smtpReply().code()).isEqualTo(451);
    assertThat(ev.decisiveCheck()).contains("spf");
  }

  @Test
  void rejectWinsOverRequiredTemperror() throws Exception {
    MailWarden w =
        builder()
            .shortCircuit(false)
            .require(
                FnChecker.fixed("spf", CheckResult.of(Outcome.TEMPERROR, "dns down")),
                Weights.none())
            .check(
                FnChecker.fixed("bl", CheckResult.of(Outcome.FAIL, "listed")),
                Weights.of(Outcome.FAIL, 9))
            .build();
    assertThat(w.evaluateAndWait(session()).verdict()).isEqualTo(Verdict.REJECT);
  }

  @Test
  void checkerThatThrows_becomesTemperror_withCause() throws Exception {
    FnChecker bad =
        FnChecker.of(
            "bad",
            ctx -> {
              throw new IllegalStateException("bug in checker");
            });
    Evaluation ev = builder().check(bad, Weights.none()).build().evaluateAndWait(session());
    CheckReport r = ev.checks().get(0);
    assertThat(r.status()).isEqualTo(CheckReport.Status.FAILED);
    assertThat(r.outcome()).isEqualTo(Outcome.TEMPERROR);
    assertThat(r.result().reason()).contains("IllegalStateException").contains("bug in checker");
  }

  @Test
  void checkerWhoseFutureFails_becomesTemperror() throws Exception {
    FnChecker bad =
        FnChecker.of("bad", ctx -> CompletableFuture.failedFuture(new ArithmeticException("oops")));
    Evaluation ev = builder().require(bad, Weights.none()).build().evaluateAndWait(session());
    assertThat(ev.checks().get(0).result().reason()).contains("ArithmeticException: oops");
    assertThat(ev.verdict()).isEqualTo(Verdict.TEMPFAIL);
  }

  @Test
  void deadline_turnsSilentChecksIntoTemperror() throws Exception {
    FnChecker silent =
        FnChecker.of(
            "silent",
            ctx ->
                ctx.dns()
                    .lookup("silent.example", RecordType.A)
                    .thenApply(a -> CheckResult.of(Outcome.PASS, "late")));
    FnChecker quick = FnChecker.fixed("quick", CheckResult.of(Outcome.PASS, "ok"));
    MailWarden w =
        MailWarden.builder(TestRuntime.of(DNS))
            .deadline(Duration.ofMillis(200))
            .require(silent, Weights.none())
            .check(quick, Weights.none())
            .build();
    long t0 = System.nanoTime();
    Evaluation ev = w.evaluate(session()).get(5, TimeUnit.SECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
    assertThat(ev.checks().get(0).status()).isEqualTo(CheckReport.Status.TIMED_OUT);
    assertThat(ev.checks().get(0).outcome()).isEqualTo(Outcome.TEMPERROR);
    assertThat(ev.checks().get(1).status()).isEqualTo(CheckReport.Status.COMPLETED);
    assertThat(ev.verdict()).isEqualTo(Verdict.TEMPFAIL);
  }

  @Test
  void shortCircuit_endsAtFirstDecisiveHit_andSkipsTheRest() throws Exception {
    CompletableFuture<CheckResult> never = new CompletableFuture<>();
    MailWarden w =
        builder()
            .check(FnChecker.of("slow", ctx -> never), Weights.none())
            .check(
                FnChecker.fixed("zen", CheckResult.of(Outcome.FAIL, "SBL")),
                Weights.of(Outcome.FAIL, 10))
            .build();
    Evaluation ev = w.evaluate(session()).get(2, TimeUnit.SECONDS);
    assertThat(ev.verdict()).isEqualTo(Verdict.REJECT);
    assertThat(ev.checks().get(0).status()).isEqualTo(CheckReport.Status.SKIPPED);
    assertThat(ev.checks().get(0).score()).isZero();
  }

  @Test
  void observeOnly_neverRejects_butKeepsThePolicyVerdict() throws Exception {
    MailWarden w =
        builder()
            .observeOnly()
            .check(
                FnChecker.fixed("zen", CheckResult.of(Outcome.FAIL, "SBL")),
                Weights.of(Outcome.FAIL, 10))
            .build();
    Evaluation ev = w.evaluateAndWait(session());
    assertThat(ev.verdict()).isEqualTo(Verdict.ACCEPT);
    assertThat(ev.policyVerdict()).isEqualTo(Verdict.REJECT);
    assertThat(ev.smtpReply().code()).isEqualTo(250);
    assertThat(ev.summary()).contains("observe-only");
  }

  @Test
  void onlyApplicableChecksRun() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    FnChecker needsMessage =
        new FnChecker(
            CheckKey.of("dkim", CheckResult.class),
            MailSession::hasMessage,
            ctx -> {
              runs.incrementAndGet();
              return CompletableFuture.completedFuture(CheckResult.of(Outcome.PASS, "ok"));
            });
    MailWarden w = builder().check(needsMessage, Weights.none()).build();
    assertThat(w.evaluateAndWait(session()).checks()).isEmpty();
    assertThat(runs).hasValue(0);
    MailSession withMessage =
        session().toBuilder()
            .message("Subject: x\r\n\r\nhi\r\n".getBytes(StandardCharsets.US_ASCII))
            .build();
    assertThat(w.evaluateAndWait(withMessage).checks()).hasSize(1);
    assertThat(runs).hasValue(1);
  }

  @Test
  void aCheckCanAwaitAnother_withItsType() throws Exception {
    CheckKey<CheckResult> spfKey = CheckKey.of("spf", CheckResult.class);
    CompletableFuture<CheckResult> spfLater = new CompletableFuture<>();
    FnChecker spf = new FnChecker(spfKey, s -> true, ctx -> spfLater);
    FnChecker dmarc =
        FnChecker.of(
            "dmarc",
            ctx ->
                ctx.await(spfKey)
                    .thenApply(
                        r ->
                            CheckResult.of(
                                r.map(CheckResult::outcome).orElse(Outcome.NONE),
                                "saw spf " + r.map(x -> x.outcome().token()).orElse("-"))));
    MailWarden w = builder().check(dmarc, Weights.none()).check(spf, Weights.none()).build();
    CompletableFuture<Evaluation> f = w.evaluate(session());
    assertThat(f).isNotDone();
    spfLater.complete(CheckResult.of(Outcome.PASS, "ok"));
    Evaluation ev = f.get(2, TimeUnit.SECONDS);
    assertThat(ev.checks().get(0).result().reason()).isEqualTo("saw spf pass");
  }

  @Test
  void awaitingAnUnregisteredCheck_givesEmpty() throws Exception {
    CheckKey<CheckResult> missing = CheckKey.of("spf", CheckResult.class);
    FnChecker dmarc =
        FnChecker.of(
            "dmarc",
            ctx ->
                ctx.await(missing)
                    .thenApply(r -> CheckResult.of(Outcome.NONE, "present=" + r.isPresent())));
    assertThat(
            builder()
                .check(dmarc, Weights.none())
                .build()
                .evaluateAndWait(session())
                .checks()
                .get(0)
                .result()
                .reason())
        .isEqualTo("present=false");
  }

  @Test
  void failingListener_neverBreaksTheEvaluation() throws Exception {
    EvaluationListener angry =
        new EvaluationListener() {
          @Override
          public void onEvaluationStart(MailSession session) {
            throw new IllegalStateException("listener bug");
          }

          @Override
          public void onCheckComplete(MailSession session, CheckReport report) {
            throw new IllegalStateException("listener bug");
          }

          @Override
          public void onEvaluationComplete(Evaluation evaluation) {
            throw new IllegalStateException("listener bug");
          }
        };
    MailWarden w =
        builder()
            .listener(angry)
            .check(FnChecker.fixed("a", CheckResult.of(Outcome.PASS, "ok")), Weights.none())
            .build();
    assertThat(w.evaluate(session()).get(2, TimeUnit.SECONDS).verdict()).isEqualTo(Verdict.ACCEPT);
  }

  @Test
  void listener_seesChecksDnsAndEvents() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    EvaluationListener l =
        new EvaluationListener() {
          @Override
          public void onCheckComplete(MailSession session, CheckReport report) {
            seen.add("check " + report.name());
          }

          @Override
          public void onDnsQuery(
              MailSession session, String checkName, DnsAnswer answer, Duration elapsed) {
            seen.add("dns " + checkName + " " + answer.name() + " " + answer.status());
          }

          @Override
          public void onCheckEvent(String checkName, CheckEvent event) {
            seen.add("event " + checkName + " " + event.description());
          }
        };
    FnChecker c =
        FnChecker.of(
            "bl",
            ctx -> {
              ctx.report(() -> "list unhealthy");
              return ctx.dns()
                  .lookup("listed.example", RecordType.TXT)
                  .thenApply(a -> CheckResult.of(Outcome.PASS, "ok"));
            });
    Evaluation ev =
        builder().listener(l).check(c, Weights.none()).build().evaluateAndWait(session());
    assertThat(seen)
        .containsExactly("event bl list unhealthy", "dns bl listed.example NOERROR", "check bl");
    assertThat(ev.dns().queries()).isEqualTo(1);
    assertThat(ev.checks().get(0).dnsQueries()).isEqualTo(1);
    assertThat(ev.dns().log()).hasSize(1);
  }

  @Test
  void dnsAccounting_countsVoidsAndErrors_andSurvivesBrokenResolvers() throws Exception {
    DnsResolver throwing =
        (name, type) -> {
          if (name.startsWith("boom")) {
            throw new IllegalStateException("resolver bug");
          }
          return DNS.lookup(name, type);
        };
    FnChecker c =
        FnChecker.of(
            "many",
            ctx ->
                ctx.dns()
                    .lookup("nope.example", RecordType.A)
                    .thenCompose(a -> ctx.dns().lookup("broken.example", RecordType.A))
                    .thenCompose(a -> ctx.dns().lookup("boom.example", RecordType.A))
                    .thenApply(a -> CheckResult.of(Outcome.NONE, a.status().toString())));
    Evaluation ev =
        MailWarden.builder(TestRuntime.of(throwing))
            .check(c, Weights.none())
            .build()
            .evaluateAndWait(session());
    assertThat(ev.checks().get(0).result().reason()).isEqualTo("SERVFAIL");
    assertThat(ev.dns().queries()).isEqualTo(3);
    assertThat(ev.dns().voidAnswers()).isEqualTo(1);
    assertThat(ev.dns().errors()).isEqualTo(2);
  }

  @Test
  void authenticationResults_renderedInRegistrationOrder() throws Exception {
    MailWarden w =
        builder()
            .check(
                FnChecker.fixed("one", new ReplyResult(Outcome.PASS, "r", SmtpReply.OK)),
                Weights.none())
            .check(
                FnChecker.fixed("two", new ReplyResult(Outcome.FAIL, "r", SmtpReply.OK)),
                Weights.none())
            .build();
    assertThat(w.evaluateAndWait(session()).authenticationResults("mx.example.org"))
        .isEqualTo("Authentication-Results: mx.example.org;\r\n\tx-test=pass;\r\n\tx-test=fail");
  }

  @Test
  void summary_isOneLine() throws Exception {
    MailSession s = session().toBuilder().id("Q1\r\nInjected: yes").build();
    Evaluation ev =
        builder()
            .check(
                FnChecker.fixed("a", CheckResult.of(Outcome.FAIL, "x")),
                Weights.of(Outcome.FAIL, 1))
            .build()
            .evaluateAndWait(s);
    assertThat(ev.summary())
        .doesNotContain("\r")
        .doesNotContain("\n")
        .startsWith("ACCEPT score=1.0")
        .contains("a=fail(+1.0)");
  }

  @Test
  void builder_failsFastWhenMisused() {
    assertThatThrownBy(() -> MailWarden.builder(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("runtime");
    FnChecker a = FnChecker.fixed("a", CheckResult.of(Outcome.PASS, "x"));
    assertThatThrownBy(() -> builder().check(a, Weights.none()).check(a, Weights.none()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already registered");
    assertThatThrownBy(() -> builder().quarantineAt(6).rejectAt(5).build())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> builder().deadline(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder().rejectReply(SmtpReply.TRY_AGAIN_LATER))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void weightsThatThrowOrReturnNaN_scoreZero() throws Exception {
    MailWarden w =
        builder()
            .check(
                FnChecker.fixed("a", CheckResult.of(Outcome.FAIL, "x")),
                r -> {
                  throw new IllegalStateException();
                })
            .check(FnChecker.fixed("b", CheckResult.of(Outcome.FAIL, "x")), r -> Double.NaN)
            .build();
    assertThat(w.evaluateAndWait(session()).score()).isZero();
  }

  @Test
  void newBuilder_derivesAVariant() throws Exception {
    MailWarden base =
        builder()
            .check(
                FnChecker.fixed("a", CheckResult.of(Outcome.FAIL, "x")),
                Weights.of(Outcome.FAIL, 3))
            .build();
    MailWarden strict = base.newBuilder().rejectAt(2).build();
    assertThat(base.evaluateAndWait(session()).verdict()).isEqualTo(Verdict.ACCEPT);
    assertThat(strict.evaluateAndWait(session()).verdict()).isEqualTo(Verdict.REJECT);
    assertThat(strict.toString()).contains("rejectAt=2.0").contains("a");
  }
}
