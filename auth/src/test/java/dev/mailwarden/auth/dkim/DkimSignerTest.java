package dev.mailwarden.auth.dkim;

import static dev.mailwarden.auth.dkim.DkimTestKeys.CLOCK;
import static dev.mailwarden.auth.dkim.DkimTestKeys.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailwarden.Outcome;
import dev.mailwarden.dns.ZoneResolver;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateCrtKey;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DkimSignerTest {

  @Test
  void defaults_relaxedRelaxed_fromOversigned_onlyPresentHeaders() {
    String field = DkimTestKeys.rsaSigner().build().sign(message());
    assertThat(field)
        .startsWith("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=rsa;");
    assertThat(field).endsWith("\r\n");
    String h = field.replaceAll("[\\r\\n\\t ]", "").replaceAll(".*;h=([^;]*);.*", "$1");
    assertThat(h).isEqualTo("from:from:subject:date:message-id:to");
    assertThat(field).contains("t=" + DkimTestKeys.NOW.getEpochSecond()).doesNotContain("x=");
    for (String line : field.split("\r\n")) {
      assertThat(line.length()).isLessThanOrEqualTo(98);
    }
  }

  @Test
  void algorithm_mustFitTheKey_andRsaSha1IsRefused() {
    assertThat(DkimTestKeys.edSigner().algorithm("ed25519-sha256").build().algorithm())
        .isEqualTo("ed25519-sha256");
    assertThatThrownBy(() -> DkimTestKeys.edSigner().algorithm("rsa-sha256").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Ed25519");
    assertThatThrownBy(() -> DkimTestKeys.rsaSigner().algorithm("rsa-sha1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("RFC 8301");
  }

  @Test
  void expireAfter_writesX() {
    String field = DkimTestKeys.edSigner().expireAfter(Duration.ofDays(7)).build().sign(message());
    assertThat(field)
        .contains("a=ed25519-sha256")
        .contains("x=" + (DkimTestKeys.NOW.getEpochSecond() + 7 * 86400));
  }

  @Test
  void messageWithoutFrom_isRefused() {
    byte[] noFrom = "Subject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> DkimTestKeys.rsaSigner().build().sign(noFrom))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("From");
  }

  @Test
  void builder_failsFastWhenIncompleteOrWrong() {
    assertThatThrownBy(() -> DkimSigner.builder().domain("example.com").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("selector");
    assertThatThrownBy(() -> DkimSigner.builder().domain("exa mple.com"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DkimSigner.builder().headers(List.of("subject")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DkimSigner.builder().domain("a.com").domain("b.com"))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> DkimTestKeys.rsaSigner().identity("@other.org").build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void keygen_rsa_givesPemAndTxtRecord_thatSignAndVerify() throws Exception {
    DkimKeyPair k = DkimKeys.rsa(1024);
    assertThat(k.bits()).isEqualTo(1024);
    assertThat(k.privateKeyPem())
        .startsWith("-----BEGIN PRIVATE KEY-----\n")
        .endsWith("-----END PRIVATE KEY-----\n");
    assertThat(k.txtRecord())
        .startsWith("v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQ");
    assertRoundTrip(k);
  }

  @Test
  void keygen_ed25519_publishesTheRaw32ByteKey() throws Exception {
    DkimKeyPair k = DkimKeys.ed25519();
    String p = k.txtRecord().substring(k.txtRecord().indexOf("p=") + 2);
    assertThat(java.util.Base64.getDecoder().decode(p)).hasSize(32);
    assertThat(k.txtRecord()).startsWith("v=DKIM1; k=ed25519; p=");
    assertRoundTrip(k);
  }

  @Test
  void zoneFileLine_splitsLongRecordsInto255ByteStrings() {
    String line = DkimTestKeys.RSA.zoneFileLine("s1", "Example.com");
    assertThat(line).startsWith("s1._domainkey.example.com. 3600 IN TXT \"v=DKIM1; k=rsa; p=");
    assertThat(line.split("\" \"")).hasSize(2);
  }

  @Test
  void pkcs1RsaPem_isAccepted() throws Exception {
    RSAPrivateCrtKey k = (RSAPrivateCrtKey) DkimTestKeys.RSA.privateKey();
    // the PKCS#1 body is the OCTET STRING inside PKCS#8: take it from the encoding's tail
    byte[] pkcs8 = k.getEncoded();
    byte[] pkcs1 = java.util.Arrays.copyOfRange(pkcs8, 26, pkcs8.length);
    String pem =
        "-----BEGIN RSA PRIVATE KEY-----\n"
            + java.util.Base64.getMimeEncoder().encodeToString(pkcs1)
            + "\n-----END RSA PRIVATE KEY-----\n";
    assertThat(DkimKeys.readPrivateKey(pem))
        .isEqualTo(
            KeyFactory.getInstance("RSA")
                .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(pkcs8)));
  }

  @Test
  void readPrivateKey_rejectsNonPem() {
    assertThatThrownBy(() -> DkimKeys.readPrivateKey("hello"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static void assertRoundTrip(DkimKeyPair k) throws Exception {
    DkimSigner signer =
        DkimSigner.builder()
            .domain("example.net")
            .selector("k1")
            .privateKeyPem(k.privateKeyPem())
            .clock(CLOCK)
            .build();
    ZoneResolver dns =
        ZoneResolver.builder()
            .txt(DkimKeyPair.recordName("k1", "example.net"), k.txtRecord())
            .build();
    DkimResult r =
        Dkim.check().verify(signer.signMessage(message()), dns, CLOCK, Runnable::run).get();
    assertThat(r.outcome()).as(r.toString()).isEqualTo(Outcome.PASS);
  }
}
