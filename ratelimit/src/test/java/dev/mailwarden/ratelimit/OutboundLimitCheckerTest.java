package dev.mailwarden.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.CheckContext;
import dev.mailwarden.CheckEvent;
import dev.mailwarden.Checker;
import dev.mailwarden.Evaluation;
import dev.mailwarden.EvaluationListener;
import dev.mailwarden.MailSession;
import dev.mailwarden.MailWarden;
import dev.mailwarden.Outcome;
import dev.mailwarden.Verdict;
import dev.mailwarden.dns.ZoneResolver;
import dev.mailwarden.testing.CheckerContract;
import dev.mailwarden.testing.TestRuntime;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class OutboundLimitCheckerTest extends CheckerContract {
  private final RateLimiter limiter =
      RateLimiter.builder()
          .limit(Limit.parse("5/1h"))
          .limit(Limit.parse("8/1d"))
          .ticker(ticker)
          .build();
  private final OutboundLimitChecker checker =
      OutboundLimit.check(limiter, RateKey.authenticatedUser());

  @Override
  protected Checker<?> checker() {
    return checker;
  }

  /** The limiter asks no DNS question: DNS trouble changes nothing. */
  @Override
  protected java.util.Set<Outcome> acceptableOutcomesOnDnsError(
      dev.mailwarden.dns.DnsStatus status) {
    return java.util.EnumSet.of(Outcome.PASS);
  }

  @Override
  protected MailSession session() {
    return session("alice", "bob@example.org");
  }

  private static MailSession session(String user, String... recipients) {
    MailSession.Builder b =
        MailSession.builder()
            .id("Q1")
            .mailFrom(user + "@example.com")
            .recipients(List.of(recipients));
    if (user != null) {
      b.authenticatedUser(user);
    }
    try {
      b.clientIp(InetAddress.getByName("192.0.2.7"));
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
    return b.build();
  }

  private OutboundLimitResult run(
      OutboundLimitChecker c, MailSession s, EvaluationListener listener) {
    CheckContext ctx =
        CheckContext.builder(s, ZoneResolver.builder().build()).listener(listener).build();
    return c.check(ctx).join();
  }

  private OutboundLimitResult run(MailSession s) {
    return run(checker, s, EvaluationListener.NONE);
  }

  @Test
  void withinLimits_passes_andCostsOnePerRecipient() {
    OutboundLimitResult r = run(session("alice", "a@x.org", "b@x.org", "c@y.org"));
    assertThat(r.outcome()).isEqualTo(Outcome.PASS);
    assertThat(r.smtpReply()).isEmpty();
    assertThat(checker.defaultWeights().score(r)).isZero();
    assertThat(r.decisions().get("user:alice").remaining()).containsExactly(2L, 5L);
  }

  @Test
  void overLimit_defers450_471_withRetryAfter_andReportsTheTrip() {
    List<CheckEvent> events = new CopyOnWriteArrayList<>();
    EvaluationListener listener =
        new EvaluationListener() {
          @Override
          public void onCheckEvent(String checkName, CheckEvent event) {
            events.add(event);
          }
        };
    run(checker, session("alice", "a@x.org", "b@x.org", "c@x.org", "d@x.org"), listener);
    OutboundLimitResult r = run(checker, session("alice", "e@x.org", "f@x.org"), listener);
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(r.limited()).isTrue();
    assertThat(r.smtpReply()).isPresent();
    assertThat(r.smtpReply().get().code()).isEqualTo(450);
    assertThat(r.smtpReply().get().enhancedStatus()).isEqualTo("4.7.1");
    // one more hourly token takes 12 minutes
    assertThat(r.smtpReply().get().text()).contains("5/1h").contains("12 minutes");
    assertThat(r.retryAfter()).isEqualTo(Duration.ofMinutes(12));
    assertThat(checker.defaultWeights().score(r)).isEqualTo(100.0);
    assertThat(events).hasSize(1);
    RateLimitTripped trip = (RateLimitTripped) events.get(0);
    assertThat(trip.key()).isEqualTo("user:alice");
    assertThat(trip.limit()).isEqualTo(Limit.parse("5/1h"));
    assertThat(trip.cost()).isEqualTo(2);
    assertThat(trip.sessionId()).contains("Q1");
    assertThat(trip.description()).contains("user:alice").contains("5/1h").contains("12 minutes");
  }

  @Test
  void inAMailWarden_anExceededLimitBecomesTempfailWithItsReply() {
    MailWarden warden =
        MailWarden.builder(TestRuntime.of(ZoneResolver.builder().build()))
            .check(checker)
            .rejectAt(5.0)
            .build();
    assertThat(warden.evaluateAndWait(session("bob", "1@x", "2@x", "3@x", "4@x", "5@x")).verdict())
        .isEqualTo(Verdict.ACCEPT);
    Evaluation ev = warden.evaluateAndWait(session("bob", "6@x"));
    assertThat(ev.verdict()).isEqualTo(Verdict.TEMPFAIL);
    assertThat(ev.smtpReply().toString()).startsWith("450 4.7.1 Sending rate limit 5/1h exceeded");
  }

  @Test
  void moreRecipientsThanTheLimitEverAllows_asksForFewerRecipients() {
    OutboundLimitResult r = run(session("carol", "1@x", "2@x", "3@x", "4@x", "5@x", "6@x"));
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(r.smtpReply().get().toString()).startsWith("452 4.5.3");
  }

  @Test
  void postmaster_isNotCounted_byDefault() {
    for (int i = 0; i < 20; i++) {
      assertThat(run(session("dave", "postmaster@example.net")).outcome()).isEqualTo(Outcome.NONE);
    }
    OutboundLimitResult r = run(session("dave", "Postmaster@example.net", "x@example.net"));
    assertThat(r.decisions().get("user:dave").remaining()).containsExactly(4L, 7L);
  }

  @Test
  void trustedUsers_andSessions_areExempt() {
    OutboundLimitChecker c =
        OutboundLimit.builder(limiter, RateKey.authenticatedUser())
            .exemptUsers("Newsletter")
            .exempt(s -> s.recipients().contains("ops@example.com"))
            .build();
    for (int i = 0; i < 10; i++) {
      assertThat(
              run(c, session("newsletter", "1@x", "2@x", "3@x"), EvaluationListener.NONE).outcome())
          .isEqualTo(Outcome.NONE);
      assertThat(run(c, session("eve", "ops@example.com"), EvaluationListener.NONE).outcome())
          .isEqualTo(Outcome.NONE);
    }
    assertThat(limiter.estimatedKeys()).isZero();
  }

  @Test
  void noKey_givesNone() {
    assertThat(run(session(null, "a@x")).outcome()).isEqualTo(Outcome.NONE);
  }

  @Test
  void costPerMessage_countsOnePerMessage() {
    OutboundLimitChecker c =
        OutboundLimit.builder(limiter, RateKey.clientIp()).costPerMessage().build();
    OutboundLimitResult r = run(c, session("x", "1@x", "2@x", "3@x"), EvaluationListener.NONE);
    assertThat(r.decisions().get("ip:192.0.2.7").remaining()).containsExactly(4L, 7L);
    assertThat(c.name()).isEqualTo("ratelimit-ip");
  }

  @Test
  void recipientDomains_areChargedSeparately() {
    OutboundLimitChecker c = OutboundLimit.check(limiter, RateKey.recipientDomain());
    OutboundLimitResult r =
        run(c, session("x", "1@a.example", "2@A.example", "3@b.example"), EvaluationListener.NONE);
    assertThat(r.decisions().keySet())
        .containsExactly("rcpt-domain:a.example", "rcpt-domain:b.example");
    assertThat(r.decisions().get("rcpt-domain:a.example").remaining()).containsExactly(3L, 6L);
  }

  @Test
  void aThrowingKeyFunction_givesTemperror_notAFailedFuture() {
    OutboundLimitChecker c =
        OutboundLimit.check(
            limiter,
            RateKey.of(
                "broken",
                s -> {
                  throw new IllegalStateException("boom");
                }));
    assertThat(run(c, session("x", "1@x"), EvaluationListener.NONE).outcome())
        .isEqualTo(Outcome.TEMPERROR);
  }
}
