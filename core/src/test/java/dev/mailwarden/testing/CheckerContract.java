package dev.mailwarden.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailwarden.CheckReport;
import dev.mailwarden.CheckResult;
import dev.mailwarden.Checker;
import dev.mailwarden.Evaluation;
import dev.mailwarden.MailSession;
import dev.mailwarden.MailWarden;
import dev.mailwarden.Outcome;
import dev.mailwarden.Weights;
import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsResolver;
import dev.mailwarden.dns.DnsStatus;
import dev.mailwarden.dns.RecordType;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The contract every {@link Checker} keeps. Extend it in a checker's test and implement the two
 * factory methods; the inherited tests prove that DNS trouble never fails the future and that a
 * SERVFAIL or TIMEOUT gives {@code temperror} (unless the subclass says otherwise, with a reason),
 * that the deadline holds against a resolver that never answers, that nulls are rejected and that
 * {@code toString()} is readable. Every test runs on a {@link FakeTicker}: a checker that reads the
 * real clock instead of its context's shows up as a missed deadline. Users can run it against their
 * own checkers too.
 */
public abstract class CheckerContract {

  /** The checker under test, in its most common configuration. */
  protected abstract Checker<?> checker();

  /** A session holding every input the checker needs (so {@code appliesTo} is true). */
  protected abstract MailSession session();

  /**
   * Outcomes the checker may give when every DNS query answers {@code status} (SERVFAIL, TIMEOUT or
   * REFUSED): {@code temperror} only, by default. Override only where an RFC says otherwise, and
   * say which in the override.
   */
  protected Set<Outcome> acceptableOutcomesOnDnsError(DnsStatus status) {
    return EnumSet.of(Outcome.TEMPERROR);
  }

  /** The time every context and runtime of the contract reads. */
  protected final FakeTicker ticker = new FakeTicker();

  private dev.mailwarden.CheckContext context(DnsResolver dns) {
    return dev.mailwarden.CheckContext.builder(session(), dns).ticker(ticker).build();
  }

  /** A resolver answering every query with the same status. */
  protected static DnsResolver answering(DnsStatus status) {
    return (name, type) -> {
      DnsAnswer a =
          switch (status) {
            case NXDOMAIN -> DnsAnswer.nxdomain(name, type, 300);
            case NODATA -> DnsAnswer.nodata(name, type, 300);
            case SERVFAIL, TIMEOUT, REFUSED -> DnsAnswer.error(name, type, status, "contract test");
            case NOERROR -> throw new IllegalArgumentException("NOERROR needs records");
          };
      return CompletableFuture.completedFuture(a);
    };
  }

  @Test
  void appliesToItsSession() {
    assertThat(checker().appliesTo(session())).isTrue();
  }

  @ParameterizedTest
  @EnumSource(
      value = DnsStatus.class,
      names = {"NXDOMAIN", "NODATA", "SERVFAIL", "TIMEOUT", "REFUSED"})
  void dnsTrouble_neverFailsTheFuture(DnsStatus status) throws Exception {
    CompletableFuture<? extends CheckResult> f = checker().check(context(answering(status)));
    CheckResult r = f.get(10, TimeUnit.SECONDS);
    assertThat(f.isCompletedExceptionally()).isFalse();
    assertThat(r).isNotNull();
    assertThat(r.outcome()).isNotNull();
    assertThat(r.reason()).isNotNull();
    if (status.isError()) {
      assertThat(acceptableOutcomesOnDnsError(status))
          .as("outcome on " + status + ": " + r)
          .contains(r.outcome());
    }
  }

  @Test
  void resolverFailingExceptionally_givesAResult() throws Exception {
    DnsResolver broken =
        (name, type) -> CompletableFuture.failedFuture(new IllegalStateException("boom"));
    MailWarden w =
        MailWarden.builder(TestRuntime.of(broken, ticker))
            .check(checker(), Weights.none())
            .deadline(Duration.ofSeconds(5))
            .build();
    Evaluation ev = w.evaluate(session()).get(10, TimeUnit.SECONDS);
    assertThat(ev.checks()).hasSize(1);
    // the engine turns a failed lookup into SERVFAIL
    assertThat(acceptableOutcomesOnDnsError(DnsStatus.SERVFAIL))
        .contains(ev.checks().get(0).outcome());
  }

  @Test
  void deadline_isHonouredWhenDnsNeverAnswers() throws Exception {
    DnsResolver silent = (name, type) -> new CompletableFuture<>();
    MailWarden w =
        MailWarden.builder(TestRuntime.of(silent, ticker))
            .check(checker(), Weights.none())
            .deadline(Duration.ofMillis(300))
            .build();
    long t0 = System.nanoTime();
    Evaluation ev = w.evaluate(session()).get(10, TimeUnit.SECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    CheckReport report = ev.checks().get(0);
    // a checker may answer without DNS (e.g. a syntax finding); if it waited, it timed out cleanly
    if (report.status() == CheckReport.Status.TIMED_OUT) {
      assertThat(report.outcome()).isEqualTo(Outcome.TEMPERROR);
    } else {
      assertThat(report.status()).isEqualTo(CheckReport.Status.COMPLETED);
    }
  }

  @Test
  void temperror_hasTemperrorOutcome() {
    CheckResult r = checker().temperror("contract test");
    assertThat(r.outcome()).isEqualTo(Outcome.TEMPERROR);
    assertThat(r.reason()).contains("contract test");
  }

  @Test
  void nullContext_isRejected() {
    assertThatThrownBy(() -> checker().check(null).get(5, TimeUnit.SECONDS))
        .isInstanceOfAny(NullPointerException.class, java.util.concurrent.ExecutionException.class);
  }

  @Test
  void toString_isReadable() {
    String s = checker().toString();
    assertThat(s).isNotBlank().doesNotContain("$$Lambda").doesNotMatch("(?s).*\\w@[0-9a-f]{4,}$");
  }

  @Test
  void name_isStableAndNonBlank() {
    assertThat(checker().name()).isNotBlank().isEqualTo(checker().name());
    assertThat(checker().key()).isSameAs(checker().key());
  }

  /** Helpers for subclasses: an answer with no records. */
  protected static DnsAnswer nodata(String name, RecordType type) {
    return DnsAnswer.nodata(name, type, 300);
  }
}
