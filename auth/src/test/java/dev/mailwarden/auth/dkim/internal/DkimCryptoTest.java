package dev.mailwarden.auth.dkim.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailwarden.auth.dkim.DkimKeyPair;
import dev.mailwarden.auth.dkim.DkimKeys;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * Ed25519 through BouncyCastle against the JDK's Ed25519 on the same keys: key formats and
 * signatures are unchanged by the switch (Ed25519 is deterministic, so the bytes must match).
 */
class DkimCryptoTest {
  private static final DkimKeyPair ED = DkimKeys.ed25519();
  private static final byte[] DATA =
      "from:Alice <alice@example.com>\r\ndkim-signature:v=1; a=ed25519-sha256; b="
          .getBytes(StandardCharsets.US_ASCII);

  private static KeyRecord record(DkimKeyPair k) throws DkimSyntaxException {
    return KeyRecord.parse(k.txtRecord());
  }

  private static byte[] jdkSign(PrivateKey key, byte[] data) throws Exception {
    Signature s = Signature.getInstance("Ed25519");
    s.initSign(key);
    s.update(DkimCrypto.sha256(data));
    return s.sign();
  }

  @Test
  void jdkEd25519Signature_verifiesThroughBouncyCastle() throws Exception {
    byte[] sig = jdkSign(ED.privateKey(), DATA);
    KeyRecord key = record(ED);
    assertThat(key.ed25519Key()).isNotNull();
    assertThat(key.bits()).isEqualTo(256);
    assertThat(DkimCrypto.verify(key, DATA, sig)).isTrue();
    assertThat(DkimCrypto.verifyHash(key, DkimCrypto.sha256(DATA), sig)).isTrue();
  }

  @Test
  void ed25519Signature_isByteIdenticalToTheJdks() throws Exception {
    assertThat(DkimCrypto.sign(ED.privateKey(), DATA)).isEqualTo(jdkSign(ED.privateKey(), DATA));
  }

  @Test
  void pemRoundTrippedKey_signsWhatTheJdkVerifies() throws Exception {
    PrivateKey fromPem = DkimKeys.readPrivateKey(ED.privateKeyPem());
    DkimCrypto.SigningKey key = DkimCrypto.signingKey(fromPem);
    assertThat(key.algorithm()).isEqualTo("ed25519-sha256");
    byte[] sig = key.sign(DATA);
    Signature s = Signature.getInstance("Ed25519");
    s.initVerify(ED.publicKey());
    s.update(DkimCrypto.sha256(DATA));
    assertThat(s.verify(sig)).isTrue();
  }

  @Test
  void changedDataOrSignature_doesNotVerify() throws Exception {
    byte[] sig = DkimCrypto.sign(ED.privateKey(), DATA);
    KeyRecord key = record(ED);
    byte[] other = DATA.clone();
    other[0] = 'F';
    assertThat(DkimCrypto.verify(key, other, sig)).isFalse();
    byte[] flipped = sig.clone();
    flipped[10] ^= 1;
    assertThat(DkimCrypto.verify(key, DATA, flipped)).isFalse();
    assertThat(DkimCrypto.verify(key, DATA, java.util.Arrays.copyOf(sig, 63))).isFalse();
    assertThat(DkimCrypto.verify(key, DATA, new byte[0])).isFalse();
  }

  @Test
  void otherKeysSignature_doesNotVerify() throws Exception {
    byte[] sig = DkimCrypto.sign(DkimKeys.ed25519().privateKey(), DATA);
    assertThat(DkimCrypto.verify(record(ED), DATA, sig)).isFalse();
  }

  @Test
  void smallOrderKey_parsesButTheForgeryItAllowsFails() throws Exception {
    // p= the identity point (y = 1): under a cofactorless check R = [S]B - [k]A holds for
    // R = identity, S = 0 and any message; the key must sign nothing
    byte[] identity = new byte[32];
    identity[0] = 1;
    KeyRecord key =
        KeyRecord.parse("v=DKIM1; k=ed25519; p=" + Base64.getEncoder().encodeToString(identity));
    assertThat(key.ed25519Key()).isNull();
    byte[] forged = new byte[64];
    forged[0] = 1;
    assertThat(DkimCrypto.verify(key, DATA, forged)).isFalse();
    assertThat(DkimCrypto.verifyHash(key, DkimCrypto.sha256(DATA), forged)).isFalse();
  }

  @Test
  void offCurveKey_parsesAndFailsEverySignature() throws Exception {
    byte[] offCurve = new byte[32];
    offCurve[0] = 2; // y = 2 has no x on the curve
    KeyRecord key =
        KeyRecord.parse("v=DKIM1; k=ed25519; p=" + Base64.getEncoder().encodeToString(offCurve));
    assertThat(key.keyType()).isEqualTo("ed25519");
    assertThat(DkimCrypto.verify(key, DATA, DkimCrypto.sign(ED.privateKey(), DATA))).isFalse();
  }

  @Test
  void wrongLengthKey_isASyntaxError() {
    assertThatThrownBy(
            () ->
                KeyRecord.parse(
                    "v=DKIM1; k=ed25519; p=" + Base64.getEncoder().encodeToString(new byte[31])))
        .isInstanceOf(DkimSyntaxException.class)
        .hasMessageContaining("32 bytes");
  }

  @Test
  void rsaStillSignsAndVerifies() throws Exception {
    DkimKeyPair rsa = DkimKeys.rsa(2048);
    DkimCrypto.SigningKey key = DkimCrypto.signingKey(rsa.privateKey());
    assertThat(key.algorithm()).isEqualTo("rsa-sha256");
    byte[] sig = key.sign(DATA);
    KeyRecord rec = KeyRecord.parse(rsa.txtRecord());
    assertThat(DkimCrypto.verify(rec, DATA, sig)).isTrue();
    assertThat(DkimCrypto.verifyHash(rec, DkimCrypto.sha256(DATA), sig)).isTrue();
  }

  @Test
  void otherKeyType_isRefused() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(256);
    PrivateKey ec = g.generateKeyPair().getPrivate();
    assertThatThrownBy(() -> DkimCrypto.signingKey(ec))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("RSA or Ed25519");
  }
}
