package dev.mailwarden.auth.arc;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mailwarden.auth.arc.internal.ArcHeaders;
import dev.mailwarden.dns.ZoneResolver;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzz targets for what ARC reads from strangers: the whole chain (ARC-Seal and
 * ARC-Message-Signature tag-lists, AAR instance prefixes, structure) and the Authentication-Results
 * splitter the sealer and the DMARC override use. In the normal build they run over the committed
 * seeds in {@code ArcFuzzTestInputs/<method>/}; with {@code JAZZER_FUZZ=1} they fuzz. Any input
 * gives a result (never an exception), within a second.
 */
class ArcFuzzTest {
  private static final ZoneResolver DNS = ArcTestChains.zone();

  /** Class loading, JCA start-up and key parsing are one-time costs, not the verifier's time. */
  @BeforeAll
  static void warmUp() throws Exception {
    Arc.check().verify(ArcTestChains.threeHops(), DNS).get(30, TimeUnit.SECONDS);
  }

  @FuzzTest(maxDuration = "30s")
  void chain_alwaysAResultWithinBudget(byte[] input) throws Exception {
    long t0 = System.nanoTime();
    ArcResult r = Arc.check().verify(input, DNS).get(10, TimeUnit.SECONDS);
    assertThat(r.status()).isNotNull();
    assertThat(r.reason()).isNotBlank();
    r.authResults().forEach(a -> assertThat(a.render()).startsWith("arc="));
    assertThat(System.nanoTime() - t0).as("ns").isLessThan(1_000_000_000L);
  }

  @FuzzTest(maxDuration = "30s")
  void authResults_parsesLinearly(byte[] input) {
    String s = new String(input, StandardCharsets.ISO_8859_1);
    ArcHeaders.Parsed p = ArcHeaders.parse(s);
    assertThat(p.authservId()).isNotNull();
    int total = 0;
    for (String r : p.results()) {
      total += r.length();
      assertThat(r).doesNotContain("\r").doesNotContain("\n");
    }
    assertThat(total).isLessThanOrEqualTo(s.length());
    ArcHeaders.aarInstance(s);
    p.resultOf("arc");
  }
}
