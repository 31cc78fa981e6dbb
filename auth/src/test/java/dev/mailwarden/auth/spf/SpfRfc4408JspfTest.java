package dev.mailwarden.auth.spf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The RFC 4408 suite against the jSPF engine. Its remaining deviations sit inside jSPF's evaluator
 * and are asserted exactly, so the test fails if one is fixed or a new one appears.
 */
class SpfRfc4408JspfTest {
  /** None left: see {@link SpfRfc7208JspfTest#DEVIATIONS} for the gaps closed around jSPF. */
  static final List<String> DEVIATIONS = List.of();

  @Test
  void rfc4408Suite_jspfEngine_deviatesOnlyWhereDocumented() {
    List<SpfSuite.Outcome> outcomes =
        SpfSuite.runAll("rfc4408", "jspf", SpfSuite.checker(SpfEngine.jspf()));
    assertThat(outcomes).hasSize(191);
    assertThat(SpfSuite.failedNames(outcomes)).containsExactlyInAnyOrderElementsOf(DEVIATIONS);
  }
}
