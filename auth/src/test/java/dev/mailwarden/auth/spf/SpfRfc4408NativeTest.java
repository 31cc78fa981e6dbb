package dev.mailwarden.auth.spf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The RFC 4408 suite (191 tests) against the native engine: every test must pass. */
class SpfRfc4408NativeTest {

  @Test
  void rfc4408Suite_nativeEngine_passesEveryTest() {
    List<SpfSuite.Outcome> outcomes =
        SpfSuite.runAll("rfc4408", "native", SpfSuite.checker(SpfEngine.nativeEngine()));
    assertThat(outcomes).hasSize(191);
    assertThat(SpfSuite.failedNames(outcomes)).isEmpty();
  }
}
