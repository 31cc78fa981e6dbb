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
}
