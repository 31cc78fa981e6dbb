package dev.mailwarden.examples.milter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.net.InetAddresses;
import dev.mailwarden.auth.arc.ArcSealer;
import dev.mailwarden.auth.dkim.DkimKeys;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MilterConfigTest {

  @Test
  void defaults_tempfailOnError_rejectDmarc_loopbackListen_noMetrics() {
    MilterConfig c = MilterConfig.defaults();
    assertThat(c.onErrorAccept()).isFalse();
    assertThat(c.rejectDmarc()).isTrue();
    assertThat(c.verifyDkim()).isTrue();
    assertThat(c.listen())
        .isEqualTo(new InetSocketAddress(InetAddresses.forString("127.0.0.1"), 10041));
    assertThat(c.metricsListen()).isEmpty();
    assertThat(c.maxHeaderBytes()).isEqualTo(256 * 1024);
  }

  @Test
  void policydKeysAndMilterKeys_areRead() {
    MilterConfig c =
        MilterConfig.parse(
            String.join(
                "\n",
                "listen = unix:/run/mailwarden/milter.sock",
                "authserv-id = mx.example.org",
                "dnsbl = zen.spamhaus.org*5",
                "limit = 100/1h",
                "dkim-sign = Example.ORG:s2026:/etc/keys/example.pem",
                "dkim-sign = ed.example:ed:/etc/keys/ed:with:colons.pem",
                "sign-networks = 192.0.2.0/24, 2001:db8::/32",
                "sign-networks = 198.51.100.7",
                "on-error = accept",
                "reject-dmarc = off",
                "metrics-listen = [::1]:9105",
                ""),
            "test");
    assertThat(c.listen()).isEqualTo(UnixDomainSocketAddress.of("/run/mailwarden/milter.sock"));
    assertThat(c.authservId()).isEqualTo("mx.example.org");
    assertThat(c.signingKeys())
        .containsExactly(
            new MilterConfig.SigningKey("example.org", "s2026", Path.of("/etc/keys/example.pem")),
            new MilterConfig.SigningKey(
                "ed.example", "ed", Path.of("/etc/keys/ed:with:colons.pem")));
    assertThat(c.signNetworks()).hasSize(3);
    assertThat(c.signNetworks().get(0).contains(InetAddresses.forString("192.0.2.200"))).isTrue();
    assertThat(c.signNetworks().get(0).contains(InetAddresses.forString("192.0.3.1"))).isFalse();
    assertThat(c.signNetworks().get(1).contains(InetAddresses.forString("2001:db8:ffff::1")))
        .isTrue();
    assertThat(c.signNetworks().get(1).contains(InetAddresses.forString("192.0.2.1"))).isFalse();
    assertThat(c.signNetworks().get(2).contains(InetAddresses.forString("198.51.100.7"))).isTrue();
    assertThat(c.signNetworks().get(2).contains(InetAddresses.forString("198.51.100.8"))).isFalse();
    assertThat(c.onErrorAccept()).isTrue();
    assertThat(c.rejectDmarc()).isFalse();
    assertThat(c.metricsListen())
        .contains(new InetSocketAddress(InetAddresses.forString("::1"), 9105));
  }

  @Test
  void mistakes_failFast_withTheKeyInTheMessage() {
    assertThatThrownBy(() -> MilterConfig.parse("dkim-sign = example.org:s1\n", "t"))
        .hasMessageContaining("DOMAIN:SELECTOR:KEYFILE");
    assertThatThrownBy(() -> MilterConfig.parse("on-error = reject\n", "t"))
        .hasMessageContaining("on-error");
    assertThatThrownBy(() -> MilterConfig.parse("sign-networks = 192.0.2.0/33\n", "t"))
        .hasMessageContaining("prefix");
    assertThatThrownBy(() -> MilterConfig.parse("sign-networks = mail.example.org\n", "t"))
        .hasMessageContaining("not a network");
    assertThatThrownBy(() -> MilterConfig.parse("metrics-listen = localhost:9105\n", "t"))
        .hasMessageContaining("metrics-listen");
    assertThatThrownBy(() -> MilterConfig.parse("metrics-listen = 127.0.0.1:99999\n", "t"))
        .hasMessageContaining("port");
    assertThatThrownBy(() -> MilterConfig.parse("deadline = 20s\ncommand-timeout = 10s\n", "t"))
        .hasMessageContaining("shorter");
    assertThatThrownBy(() -> MilterConfig.parse("max-header-bytes = 0\n", "t"))
        .hasMessageContaining("max-header-bytes");
    assertThatThrownBy(() -> MilterConfig.parse("dkim-signing = x\n", "t"))
        .hasMessageContaining("unknown key 'dkim-signing'");
    assertThatThrownBy(() -> MilterConfig.parse("reject-dmarc = on\nreject-dmarc = off\n", "t"))
        .hasMessageContaining("given twice");
    assertThatThrownBy(() -> MilterConfig.parseListen("unix:")).hasMessageContaining("path");
  }

  @Test
  void arcSeal_absentByDefault() {
    assertThat(MilterConfig.defaults().arcSealKey()).isEmpty();
    assertThat(MilterConfig.defaults().arcSealer()).isEmpty();
  }

  @Test
  void arcSeal_rsaAndEd25519Keys_areReadAtParse_withTheMiltersAuthservId(@TempDir Path dir)
      throws Exception {
    Path rsa = dir.resolve("arc.pem");
    Files.writeString(rsa, DkimKeys.rsa(2048).privateKeyPem());
    MilterConfig c =
        MilterConfig.parse(
            "authserv-id = mx.example.org\narc-seal = Example.ORG : arc1 : " + rsa + "\n", "t");
    assertThat(c.arcSealKey()).contains(new MilterConfig.SigningKey("example.org", "arc1", rsa));
    ArcSealer sealer = c.arcSealer().orElseThrow();
    assertThat(sealer.algorithm()).isEqualTo("rsa-sha256");
    assertThat(sealer.authservId()).isEqualTo("mx.example.org");
    assertThat(sealer.toString()).contains("d=example.org").contains("s=arc1");

    Path ed = dir.resolve("ed:with:colons.pem");
    Files.writeString(ed, DkimKeys.ed25519().privateKeyPem());
    MilterConfig e = MilterConfig.parse("arc-seal = ed.example:ed:" + ed + "\n", "t");
    assertThat(e.arcSealKey().orElseThrow().keyFile()).isEqualTo(ed);
    assertThat(e.arcSealer().orElseThrow().algorithm()).isEqualTo("ed25519-sha256");
    assertThat(e.arcSealer().orElseThrow().authservId()).isEqualTo(e.authservId());
  }

  @Test
  void arcSeal_eachBadForm_failsAtParse_withTheKeyInTheMessage(@TempDir Path dir) throws Exception {
    Path good = dir.resolve("good.pem");
    Files.writeString(good, DkimKeys.rsa(2048).privateKeyPem());
    Path garbage = dir.resolve("garbage.pem");
    Files.writeString(
        garbage, "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
    Path noPem = dir.resolve("no-pem.txt");
    Files.writeString(noPem, "just some text, no PEM block\n");
    Path small = dir.resolve("rsa512.pem");
    Files.writeString(small, rsaPem(512));
    assertThatThrownBy(() -> MilterConfig.parse("arc-seal = example.org:arc1\n", "t"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'arc-seal' must be DOMAIN:SELECTOR:KEYFILE");
    assertThatThrownBy(() -> MilterConfig.parse("arc-seal = example.org::" + good + "\n", "t"))
        .hasMessageContaining("'arc-seal' must be DOMAIN:SELECTOR:KEYFILE");
    assertThatThrownBy(
            () ->
                MilterConfig.parse(
                    "arc-seal = example.org:arc1:" + dir.resolve("no.pem") + "\n", "t"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'arc-seal' key file")
        .hasMessageContaining("no.pem")
        .hasMessageContaining("cannot be read");
    assertThatThrownBy(
            () -> MilterConfig.parse("arc-seal = example.org:arc1:" + garbage + "\n", "t"))
        .hasMessageContaining("'arc-seal' key file")
        .hasMessageContaining("not a usable private key");
    assertThatThrownBy(() -> MilterConfig.parse("arc-seal = example.org:arc1:" + noPem + "\n", "t"))
        .hasMessageContaining("not a usable private key");
    assertThatThrownBy(() -> MilterConfig.parse("arc-seal = example.org:arc1:" + small + "\n", "t"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'arc-seal' key file")
        .hasMessageContaining("1024");
    assertThatThrownBy(() -> MilterConfig.parse("arc-seal = not a domain:arc1:" + good + "\n", "t"))
        .hasMessageContaining("'arc-seal'")
        .hasMessageContaining("not a domain name");
    assertThatThrownBy(
            () -> MilterConfig.parse("arc-seal = example.org:bad selector:" + good + "\n", "t"))
        .hasMessageContaining("'arc-seal'")
        .hasMessageContaining("selector");
    assertThatThrownBy(
            () ->
                MilterConfig.parse(
                    "arc-seal = example.org:a:"
                        + good
                        + "\narc-seal = example.org:b:"
                        + good
                        + "\n",
                    "t"))
        .hasMessageContaining("given twice");
  }

  /** A PKCS#8 PEM RSA key of {@code bits}, made with the JDK (DkimKeys refuses small keys). */
  private static String rsaPem(int bits) throws Exception {
    java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
    g.initialize(bits);
    String b64 =
        java.util.Base64.getMimeEncoder(
                64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
            .encodeToString(g.generateKeyPair().getPrivate().getEncoded());
    return "-----BEGIN PRIVATE KEY-----\n" + b64 + "\n-----END PRIVATE KEY-----\n";
  }

  @Test
  void authservIdClaims_areReadPastCommentsAndCase() {
    assertThat(AuthservId.claims(" mx.example.org; spf=pass", "MX.example.org")).isTrue();
    assertThat(
            AuthservId.claims("(a (nested) comment) mx.example.org 1; dkim=pass", "mx.example.org"))
        .isTrue();
    assertThat(AuthservId.claims("\"mx.example.org\"; dkim=pass", "mx.example.org")).isTrue();
    assertThat(AuthservId.claims("mx.example.org.evil; dkim=pass", "mx.example.org")).isFalse();
    assertThat(AuthservId.claims("other.example; x=mx.example.org", "mx.example.org")).isFalse();
    assertThat(AuthservId.claims("(unclosed comment mx.example.org; dkim=pass", "mx.example.org"))
        .isFalse();
    assertThat(AuthservId.of("(".repeat(100_000)))
        .isEmpty(); // linear, no recursion on nesting depth
  }
}
