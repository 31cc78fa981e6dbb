package dev.mailwarden.dnsbl;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * The postscreen spec parser on arbitrary input: it either throws {@link IllegalArgumentException}
 * with a position, or returns a list whose {@code toSpec()} parses back to an equal list. Runs the
 * seeds in {@code src/test/resources/.../ListSpecFuzzTestInputs} as a regression test; with {@code
 * JAZZER_FUZZ=1} it fuzzes.
 */
class ListSpecFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void parse_neverThrowsUnexpectedly_andRoundTrips(byte[] input) {
    String spec = new String(input, StandardCharsets.UTF_8);
    DnsList list;
    try {
      list = Dnsbl.parse(spec);
    } catch (IllegalArgumentException expected) {
      assertThat(expected.getMessage()).contains("position");
      return;
    }
    assertThat(Dnsbl.parse(list.toSpec())).isEqualTo(list);
  }
}
