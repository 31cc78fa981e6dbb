package dev.mailwarden.auth.spf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The RFC 7208 suite (203 tests) against the native engine: every test must pass. */
class SpfRfc7208NativeTest {

  @Test
  void rfc7208Suite_nativeEngine_passesEveryTest() {
    List<SpfSuite.Outcome> outcomes =
        SpfSuite.runAll("rfc7208", "native", SpfSuite.checker(SpfEngine.nativeEngine()));
    assertThat(outcomes).hasSize(203);
    assertThat(SpfSuite.failedNames(outcomes)).isEmpty();
  }
}
