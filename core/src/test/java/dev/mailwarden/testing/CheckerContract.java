package dev.mailwarden.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailwarden.CheckResult;
import dev.mailwarden.Checker;
import dev.mailwarden.MailSession;
import dev.mailwarden.MailWarden;
import dev.mailwarden.Outcome;
import dev.mailwarden.Evaluation;
import dev.mailwarden.CheckReport;
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
 * factory methods; the inherited tests prove that DNS trouble never fails the future, that the
 * deadline holds against a resolver that never answers, that nulls are rejected and that {@code
 * toString()} is readable. Users can run it against their own checkers too.
 */
public abstract class CheckerContract {

  /** The checker under test, in its most common configuration. */
  protected abstract Checker<?> checker();

  /** A session holding every input the checker needs (so {@code appliesTo} is true). */
  protected abstract MailSession session();

  /** Outcomes the checker may give when every DNS query answers {@code status}. */
  protected Set<Outcome> acceptableOutcomesOnDnsError(DnsStatus status) {
    return EnumSet.of(Outcome.TEMPERROR, Outcome.NONE, Outcome.NEUTRAL, Outcome.PERMERROR);
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
  @EnumSource(value = DnsStatus.class, names = {"NXDOMAIN", "NODATA", "SERVFAIL", "TIMEOUT", "REFUSED"})
  void dnsTrouble_neverFailsTheFuture(DnsStatus status) throws Exception {
    CompletableFuture<? extends CheckResult> f =
        checker().check(dev.mailwarden.CheckContext.forTesting(session(), answering(status)));
    CheckResult r = f.get(10, TimeUnit.SECONDS);
    assertThat(r).isNotNull();
    assertThat(r.outcome()).isNotNull();
    assertThat(r.reason()).isNotNull();
    if (status.isError()) {
      assertThat(acceptableOutcomesOnDnsError(status)).contains(r.outcome());
    }
  }

  @Test
  void resolverFailingExceptionally_givesAResult() throws Exception {
    DnsResolver broken = (name, type) -> CompletableFuture.failedFuture(new IllegalStateException("boom"));
    MailWarden w =
        MailWarden.builder().resolver(broken).check(checker(), Weights.none()).deadline(Duration.ofSeconds(5)).build();
    Evaluation ev = w.evaluate(session()).get(10, TimeUnit.SECONDS);
    assertThat(ev.checks()).hasSize(1);
  }

  @Test
  void deadline_isHonouredWhenDnsNeverAnswers() throws Exception {
    DnsResolver silent = (name, type) -> new CompletableFuture<>();
    MailWarden w =
        MailWarden.builder()
            .resolver(silent)
            .check(checker(), Weights.none())
            .deadline(Duration.ofMillis(300))
            .build();
    long t0 = System.nanoTime();
    Evaluation ev = w.evaluate(session()).get(10, TimeUnit.SECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    CheckReport report = ev.checks().get(0);
    if (report.status() == CheckReport.Status.TIMED_OUT) {
      assertThat(report.outcome()).isEqualTo(Outcome.TEMPERROR);
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
