package dev.mailwarden.auth.spf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The RFC 7208 suite against the jSPF engine. Its remaining deviations sit inside jSPF's
 * evaluator and are asserted exactly, so the test fails if one is fixed or a new one appears.
 */
class SpfRfc7208JspfTest {
  static final List<String> DEVIATIONS = List.of(
      // jSPF compares the PTR name with the ptr: target case-sensitively (RFC 4343 says not to)
      "ptr-case-change",
      // jSPF expands %{c} of an IPv6 client as the uncompressed form (cafe:babe:0:0:0:0:0:1)
      "v-macro-ip6",
      // jSPF URL-escapes '~', which RFC 3986 (and RFC 7208 section 7.3) leave unreserved
      "upper-macro");

  @Test
  void rfc7208Suite_jspfEngine_deviatesOnlyWhereDocumented() {
    List<SpfSuite.Outcome> outcomes = SpfSuite.runAll("rfc7208", "jspf", SpfSuite.checker(SpfEngine.jspf()));
    assertThat(outcomes).hasSize(203);
    assertThat(SpfSuite.failedNames(outcomes)).containsExactlyInAnyOrderElementsOf(DEVIATIONS);
  }

  @Test
  void jspfEngine_sharedAcrossThreads_givesTheSameResultsAsOneThread() throws Exception {
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      dev.mailwarden.Checker<SpfResult> checker =
          Spf.builder().engine(SpfEngine.jspf(pool)).defaultExplanation("DEFAULT").build();
      List<SpfSuite.Case> cases = SpfSuite.load("rfc7208");
      List<java.util.concurrent.CompletableFuture<SpfResult>> parallel = new java.util.ArrayList<>();
      for (int round = 0; round < 3; round++) {
        for (SpfSuite.Case c : cases) {
          parallel.add(checker.check(dev.mailwarden.CheckContext.forTesting(c.session(), c.zone())));
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
