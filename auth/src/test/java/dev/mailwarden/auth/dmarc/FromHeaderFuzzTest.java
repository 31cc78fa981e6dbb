package dev.mailwarden.auth.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mailwarden.auth.dmarc.internal.FromHeader;
import java.nio.charset.StandardCharsets;

/**
 * The RFC5322.From extraction DMARC aligns against, on a hostile header block. In the normal build
 * it runs over the seeds in {@code FromHeaderFuzzTestInputs/}; with {@code JAZZER_FUZZ=1} it
 * fuzzes. It never throws; it gives either a reason or one normalized domain name: A-labels in
 * lower case, at least two labels of 1 to 63 characters, at most 253 characters, no trailing dot.
 */
class FromHeaderFuzzTest {
  private static final String DOMAIN = "[a-z0-9_-]{1,63}(\\.[a-z0-9_-]{1,63})+";

  @FuzzTest(maxDuration = "30s")
  void fromMessage_givesANormalizedDomainOrAReason(byte[] header) {
    FromHeader.Extracted e = FromHeader.fromMessage(header);
    check(e);
    check(FromHeader.fromHeaderValue(new String(header, StandardCharsets.UTF_8)));
  }

  private static void check(FromHeader.Extracted e) {
    if (e.ok()) {
      assertThat(e.domain()).matches(DOMAIN).hasSizeLessThanOrEqualTo(253);
      assertThat(FromHeader.toDomain(e.domain())).isEqualTo(e); // normalizing is idempotent
    } else {
      assertThat(e.problem()).isNotBlank();
    }
  }
}
