package dev.mailwarden.ratelimit.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.DecisionLog;
import dev.mailwarden.Evaluation;
import dev.mailwarden.MailSession;
import dev.mailwarden.MailWarden;
import dev.mailwarden.Verdict;
import dev.mailwarden.dns.ZoneResolver;
import dev.mailwarden.ratelimit.Limit;
import dev.mailwarden.ratelimit.OutboundLimit;
import dev.mailwarden.ratelimit.RateKey;
import dev.mailwarden.ratelimit.RateLimiter;
import dev.mailwarden.testing.TestRuntime;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class RateLimitMetricsTest {
  private static MailSession session(String user) throws Exception {
    return MailSession.builder()
        .clientIp(InetAddress.getByName("192.0.2.7"))
        .mailFrom(user + "@example.com")
        .authenticatedUser(user)
        .recipient("bob@example.org")
        .build();
  }

  private static double decisions(SimpleMeterRegistry r, String limit, String result) {
    var c =
        r.find("mailwarden.ratelimit.decisions").tags("limit", limit, "result", result).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void grantsAndDenials_areCountedByLimit_andTheLineNamesTheLimit() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RateLimiter limiter =
        RateLimiter.builder().limit(Limit.parse("2/1h")).limit(Limit.parse("10/1d")).build();
    RateLimitMetrics metrics = RateLimitMetrics.bind(registry).bindKeys(limiter);
    MailWarden outbound =
        MailWarden.builder(TestRuntime.of(ZoneResolver.builder().build()))
            .decisionLog(DecisionLog.off())
            .listener(metrics)
            .check(OutboundLimit.check(limiter, RateKey.authenticatedUser()))
            .build();

    outbound.evaluateAndWait(session("alice"));
    outbound.evaluateAndWait(session("alice"));
    Evaluation third = outbound.evaluateAndWait(session("alice"));

    assertThat(third.verdict()).isEqualTo(Verdict.TEMPFAIL);
    assertThat(decisions(registry, "2/1h", "granted")).isEqualTo(2);
    assertThat(decisions(registry, "10/1d", "granted")).isEqualTo(2);
    assertThat(decisions(registry, "2/1h", "denied")).isEqualTo(1);
    assertThat(decisions(registry, "10/1d", "denied")).isZero();
    assertThat(
            registry.get("mailwarden.ratelimit.keys").tags("limits", "2/1h,10/1d").gauge().value())
        .isEqualTo(1);
    String line = DecisionLog.standard().format(third, "r1");
    assertThat(line).contains(" limit=2/1h ").doesNotContain("alice");
    registry
        .getMeters()
        .forEach(
            m ->
                m.getId()
                    .getTags()
                    .forEach(
                        t ->
                            assertThat(t.getValue())
                                .as(m.getId().toString())
                                .doesNotContain("alice")));
  }

  @Test
  void record_countsDirectCallers_andExemptKeys() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RateLimiter limiter =
        RateLimiter.builder().limit(Limit.parse("1/1h")).exemptKeys("sasl:root").build();
    RateLimitMetrics metrics = RateLimitMetrics.bind(registry);

    metrics.record(limiter.tryAcquire("sasl:bob"));
    metrics.record(limiter.tryAcquire("sasl:bob"));
    metrics.record(limiter.tryAcquire("sasl:root"));

    assertThat(decisions(registry, "1/1h", "granted")).isEqualTo(1);
    assertThat(decisions(registry, "1/1h", "denied")).isEqualTo(1);
    assertThat(decisions(registry, "none", "exempt")).isEqualTo(1);
  }
}
