package dev.mailwarden.auth.spf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The RFC 4408 suite against the jSPF engine. Its remaining deviations sit inside jSPF's
 * evaluator and are asserted exactly, so the test fails if one is fixed or a new one appears.
 */
class SpfRfc4408JspfTest {
  static final List<String> DEVIATIONS = List.of(
      // jSPF expands %{c} of an IPv6 client as the uncompressed form (cafe:babe:0:0:0:0:0:1)
      "v-macro-ip6");

  @Test
  void rfc4408Suite_jspfEngine_deviatesOnlyWhereDocumented() {
    List<SpfSuite.Outcome> outcomes = SpfSuite.runAll("rfc4408", "jspf", SpfSuite.checker(SpfEngine.jspf()));
    assertThat(outcomes).hasSize(191);
    assertThat(SpfSuite.failedNames(outcomes)).containsExactlyInAnyOrderElementsOf(DEVIATIONS);
  }
}
