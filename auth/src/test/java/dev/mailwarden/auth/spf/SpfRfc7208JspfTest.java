package dev.mailwarden.auth.spf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The RFC 7208 suite against the jSPF engine. Its remaining deviations sit inside jSPF's evaluator
 * and are asserted exactly, so the test fails if one is fixed or a new one appears.
 */
class SpfRfc7208JspfTest {
  /**
   * Where jSPF still deviates. Closed around it, in our DNS service and engine: type SPF (99)
   * queries (never sent), void-lookup and MX-name limits (counted, over the limit is permerror),
   * DNS errors in {@code exists:}/{@code a}/{@code mx} (temperror), errors on the PTR path (no
   * match), case of {@code ptr} names (records and PTR answers lower-cased outside macros), the
   * IPv6 form of {@code %{c}} in explanations (RFC 5952), raw TXT bytes (no dnsjava escapes).
   */
  static final List<String> DEVIATIONS =
      List.of(
          // jSPF URL-escapes '~' in upper-case macros; RFC 3986 (RFC 7208 section 7.3) leaves it
          // unreserved. The escaping happens inside jSPF's macro expander, also for DNS names.
          "upper-macro");

  @Test
  void rfc7208Suite_jspfEngine_deviatesOnlyWhereDocumented() {
    List<SpfSuite.Outcome> outcomes =
        SpfSuite.runAll("rfc7208", "jspf", SpfSuite.checker(SpfEngine.jspf()));
    assertThat(outcomes).hasSize(203);
    assertThat(SpfSuite.failedNames(outcomes)).containsExactlyInAnyOrderElementsOf(DEVIATIONS);
  }

  @Test
  void jspfEngine_sharedAcrossThreads_givesTheSameResultsAsOneThread() throws Exception {
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      dev.mailwarden.Checker<SpfResult> checker =
          Spf.builder().engine(SpfEngine.jspf(pool)).defaultExplanation("DEFAULT").build();
      List<SpfSuite.Case> cases = SpfSuite.load("rfc7208");
      List<java.util.concurrent.CompletableFuture<SpfResult>> parallel =
          new java.util.ArrayList<>();
      for (int round = 0; round < 3; round++) {
        for (SpfSuite.Case c : cases) {
          parallel.add(
              checker.check(dev.mailwarden.CheckContext.forTesting(c.session(), c.zone())));
        }
      }
      for (int i = 0; i < parallel.size(); i++) {
        SpfSuite.Case c = cases.get(i % cases.size());
        SpfResult sequential = SpfSuite.run(checker, c);
        SpfResult concurrent = parallel.get(i).get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(concurrent.outcome()).as(c.name()).isEqualTo(sequential.outcome());
        assertThat(concurrent.explanation()).as(c.name()).isEqualTo(sequential.explanation());
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
