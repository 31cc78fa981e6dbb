package dev.mailwarden.auth.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mailwarden.AuthResult;
import dev.mailwarden.Outcome;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Fuzzes the DKIM-Signature tag reader and the verifier behind it: a hostile DKIM-Signature value
 * on an otherwise normal message, and a hostile whole message. In the normal build they run as
 * regression tests over the seeds in {@code DkimSignatureFuzzTestInputs/<method>/}; with {@code
 * JAZZER_FUZZ=1} the method named by {@code -Dtest=DkimSignatureFuzzTest#method} fuzzes.
 * Verification is a value: it completes, with a DKIM outcome, a reason for every signature, and
 * nothing from the message reaches Authentication-Results as a line break.
 */
class DkimSignatureFuzzTest {
  private static final Set<Outcome> DKIM_OUTCOMES =
      EnumSet.of(
          Outcome.PASS,
          Outcome.FAIL,
          Outcome.NEUTRAL,
          Outcome.NONE,
          Outcome.POLICY,
          Outcome.TEMPERROR,
          Outcome.PERMERROR);
  private static final String REST = DkimTestKeys.MESSAGE;

  @FuzzTest(maxDuration = "30s")
  void signatureValue_verifiesToAValue(byte[] value) throws Exception {
    String field = "DKIM-Signature: " + new String(value, StandardCharsets.ISO_8859_1) + "\r\n";
    verifyAndCheck((field + REST).getBytes(StandardCharsets.ISO_8859_1));
  }

  @FuzzTest(maxDuration = "30s")
  void wholeMessage_verifiesToAValue(byte[] message) throws Exception {
    verifyAndCheck(message);
  }

  private static void verifyAndCheck(byte[] message) throws Exception {
    DkimResult r =
        Dkim.check()
            .verify(message, DkimTestKeys.zone(), DkimTestKeys.CLOCK, Runnable::run)
            .get(5, TimeUnit.SECONDS);
    assertThat(r.outcome()).isIn(DKIM_OUTCOMES);
    assertThat(r.reason()).isNotBlank();
    assertThat(r.signatures().size() + r.signaturesSkipped())
        .isLessThanOrEqualTo(countSignatureFields(message));
    for (DkimSignatureResult s : r.signatures()) {
      assertThat(s.outcome()).isIn(DKIM_OUTCOMES);
      assertThat(s.keyBits()).isNotNegative();
      assertThat(s.unsignedBodyBytes()).isNotNegative();
      assertThat(s.signaturePrefix().length()).isLessThanOrEqualTo(8);
      s.bodyLengthLimit().ifPresent(l -> assertThat(l).isNotNegative());
      if (s.outcome() != Outcome.PASS) {
        assertThat(s.reason()).isNotBlank();
      }
    }
    for (AuthResult a : r.authResults()) {
      assertThat(a.render()).doesNotContain("\r", "\n");
    }
    r.details().forEach((k, v) -> assertThat(v).isNotNull());
  }

  /** Upper bound of DKIM-Signature fields: occurrences of the name anywhere. */
  private static int countSignatureFields(byte[] message) {
    String s = new String(message, StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
    int n = 0;
    for (int i = s.indexOf("dkim-signature"); i >= 0; i = s.indexOf("dkim-signature", i + 1)) {
      n++;
    }
    return n;
  }
}
