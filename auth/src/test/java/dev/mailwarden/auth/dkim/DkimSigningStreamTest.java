package dev.mailwarden.auth.dkim;

import static dev.mailwarden.auth.dkim.DkimTestKeys.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DkimSigningStreamTest {

  @Test
  void streamInSmallChunks_givesTheSameFieldAsSign_forRsaAndEd25519() {
    for (DkimSigner signer :
        new DkimSigner[] {DkimTestKeys.rsaSigner().build(), DkimTestKeys.edSigner().build()}) {
      byte[] raw = message();
      DkimSigningStream s = signer.stream();
      for (int i = 0; i < raw.length; i += 7) {
        s.write(raw, i, Math.min(7, raw.length - i));
      }
      s.close();
      // Ed25519 signatures are deterministic and t= comes from a fixed clock, so the fields match
      // exactly
      assertThat(s.signatureField()).isEqualTo(signer.sign(raw));
    }
  }

  @Test
  void streamAndSign_agree_onBareLineFeeds_folding_andAMessageWithoutBody() {
    DkimSigner signer = DkimTestKeys.edSigner().build();
    String[] messages = {
      "From: a@example.com\nSubject: bare\n line feeds\n\nbody  line \t\n\n\n",
      "From: a@example.com\r\nSubject: mixed\n\r\nbody\r\n",
      "From: a@example.com\r\nSubject: no body, no empty line\r\n",
      "From: a@example.com\r\nSubject: folded\r\n\tover\r\n  lines\r\n\r\nx"
    };
    for (String m : messages) {
      byte[] raw = m.getBytes(StandardCharsets.ISO_8859_1);
      DkimSigningStream s = signer.stream();
      for (int i = 0; i < raw.length; i += 3) {
        s.write(raw, i, Math.min(3, raw.length - i));
      }
      s.close();
      assertThat(s.signatureField()).as(m).isEqualTo(signer.sign(raw));
    }
  }

  @Test
  void streamedSignature_verifies_andATamperedBodyDoesNot() {
    DkimSigner signer = DkimTestKeys.rsaSigner().build();
    byte[] raw = message();
    DkimSigningStream s = signer.stream();
    s.write(raw, 0, raw.length);
    s.close();
    byte[] signed =
        (s.signatureField() + new String(raw, StandardCharsets.ISO_8859_1))
            .getBytes(StandardCharsets.ISO_8859_1);
    assertThat(
            Dkim.builder()
                .build()
                .verify(signed, DkimTestKeys.zone(), DkimTestKeys.CLOCK, Runnable::run)
                .join()
                .outcome())
        .isEqualTo(dev.mailwarden.Outcome.PASS);
    byte[] tampered = DkimTestKeys.withBody(signed, "Hello Bob", "Hello Eve");
    assertThat(
            Dkim.builder()
                .build()
                .verify(tampered, DkimTestKeys.zone(), DkimTestKeys.CLOCK, Runnable::run)
                .join()
                .outcome())
        .isEqualTo(dev.mailwarden.Outcome.FAIL);
  }

  @Test
  void signatureField_beforeClose_orWithoutFrom_fails() {
    DkimSigningStream s = DkimTestKeys.rsaSigner().build().stream();
    assertThatThrownBy(s::signatureField).isInstanceOf(IllegalStateException.class);
    byte[] noFrom = "Subject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
    s.write(noFrom, 0, noFrom.length);
    s.close();
    assertThatThrownBy(s::signatureField)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("From");
    assertThatThrownBy(() -> s.write(noFrom, 0, 1)).isInstanceOf(IllegalStateException.class);
  }
}
