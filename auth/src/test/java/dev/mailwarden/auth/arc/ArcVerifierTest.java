package dev.mailwarden.auth.arc;

import static dev.mailwarden.auth.arc.ArcTestChains.bytes;
import static dev.mailwarden.auth.arc.ArcTestChains.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailwarden.Outcome;
import dev.mailwarden.dns.DnsResolver;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ArcVerifierTest {
  private final DnsResolver dns = ArcTestChains.zone();

  private static ArcResult verify(ArcVerifier v, byte[] m, DnsResolver dns) throws Exception {
    return v.verify(m, dns).get(10, TimeUnit.SECONDS);
  }

  @Test
  void noArcHeaders_isNone() throws Exception {
    ArcResult r = verify(Arc.check(), ArcTestChains.message(), dns);
    assertThat(r.status()).isEqualTo(ArcStatus.NONE);
    assertThat(r.authResults().get(0).render()).isEqualTo("arc=none");
  }

  @Test
  void threeHops_rsaAndEd25519_pass_withOldestPassZero() throws Exception {
    byte[] m = ArcTestChains.threeHops();
    ArcResult r = verify(Arc.builder().oldestPass(true).build(), m, dns);
    assertThat(r.status()).as(r.toString()).isEqualTo(ArcStatus.PASS);
    assertThat(r.instanceCount()).isEqualTo(3);
    assertThat(r.oldestPass()).hasValue(0);
    assertThat(r.sets())
        .extracting(ArcSet::sealDomain)
        .containsExactly("lists.example.org", "fwd.example.net", "mx.example.edu");
    assertThat(r.sets().get(0).authResults()).contains("dmarc=pass header.from=example.com");
    assertThat(r.authResults().get(0).render()).isEqualTo("arc=pass header.oldest-pass=0");
    assertThat(verify(Arc.check(), m, dns).oldestPass()).isEmpty();
  }

  @Test
  void bodyChangedBetweenHops_stillPasses_oldestPassNamesTheHopAfterTheChange() throws Exception {
    byte[] m =
        ArcTestChains.hop(
            ArcTestChains.rsaSealer("lists.example.org"), ArcTestChains.message(), ArcStatus.NONE);
    m = bytes(text(m).replace("this is a test.", "this is a test. [list footer]"));
    m = ArcTestChains.hop(ArcTestChains.edSealer("fwd.example.net"), m, ArcStatus.PASS);
    ArcResult r = verify(Arc.builder().oldestPass(true).build(), m, dns);
    assertThat(r.status()).as(r.toString()).isEqualTo(ArcStatus.PASS);
    assertThat(r.oldestPass()).hasValue(2);
    assertThat(r.sets().get(0).messageSignature()).isEqualTo(Outcome.FAIL);
  }

  @Test
  void bodyChangedAfterTheLastSeal_fails() throws Exception {
    byte[] m = bytes(text(ArcTestChains.threeHops()).replace("this is a test.", "this is spam."));
    ArcResult r = verify(Arc.check(), m, dns);
    assertThat(r.status()).isEqualTo(ArcStatus.FAIL);
    assertThat(r.reason()).contains("ARC-Message-Signature i=3").contains("body hash");
  }

  @Test
  void olderSealTampered_fails() throws Exception {
    String m = text(ArcTestChains.threeHops());
    String tampered =
        m.replaceFirst("(?s)(ARC-Authentication-Results: i=1; lists.example.org;)", "$1 arc=pass;");
    assertThat(tampered).isNotEqualTo(m);
    ArcResult r = verify(Arc.check(), bytes(tampered), dns);
    assertThat(r.status()).isEqualTo(ArcStatus.FAIL);
    assertThat(r.reason()).contains("ARC-Seal i=");
  }

  @Test
  void keyLookupServfail_isTemperror() throws Exception {
    ArcSealer broken =
        ArcSealer.builder()
            .domain("lists.example.org")
            .selector("broken")
            .privateKey(ArcTestChains.RSA.privateKey())
            .authservId("lists.example.org")
            .build();
    byte[] m = ArcTestChains.hop(broken, ArcTestChains.message(), ArcStatus.NONE);
    ArcResult r = verify(Arc.check(), m, dns);
    assertThat(r.outcome()).isEqualTo(Outcome.TEMPERROR);
    assertThat(r.status()).isEqualTo(ArcStatus.FAIL);
  }

  @Test
  void sealerRefusesToExtendAChainThatEndedWithCvFail() {
    byte[] m =
        ArcTestChains.hop(
            ArcTestChains.rsaSealer("lists.example.org"), ArcTestChains.message(), ArcStatus.NONE);
    byte[] failed =
        ArcTestChains.hop(ArcTestChains.rsaSealer("fwd.example.net"), m, ArcStatus.FAIL);
    assertThat(text(failed)).contains("cv=fail");
    ArcSealer third = ArcTestChains.rsaSealer("mx.example.edu");
    assertThat(third.sealHeaders(failed, ArcStatus.FAIL, null)).isEmpty();
    assertThat(third.seal(failed, ArcStatus.FAIL)).isEqualTo(failed);
  }

  // ---- hostile twins: each within its budget, failing with a reason that names the cap ----

  @Test
  void hostile_51Sets_failsNamingTheCap() throws Exception {
    StringBuilder h = new StringBuilder();
    for (int i = 51; i >= 1; i--) {
      h.append(set(i));
    }
    ArcResult r = verify(Arc.check(), bytes(h + ArcTestChains.MESSAGE), dns);
    assertThat(r.status()).isEqualTo(ArcStatus.FAIL);
    assertThat(r.reason()).contains("50 ARC sets");
  }

  @Test
  void hostile_tenThousandArcFields_failsAtTheFieldCapWithoutReadingThemAll() throws Exception {
    StringBuilder h = new StringBuilder();
    for (int k = 0; k < 10_000; k++) {
      h.append("ARC-Authentication-Results: i=1; x.example; none\r\n");
    }
    long t0 = System.nanoTime();
    ArcResult r = verify(Arc.check(), bytes(h + ArcTestChains.MESSAGE), dns);
    assertThat(r.status()).isEqualTo(ArcStatus.FAIL);
    assertThat(r.reason())
        .satisfiesAnyOf(
            s -> assertThat(s).contains("two ARC-Authentication-Results fields with i=1"),
            s -> assertThat(s).contains("cap"));
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(5_000);
  }

  @Test
  void hostile_instanceGap_fails() throws Exception {
    ArcResult r = verify(Arc.check(), bytes(set(3) + set(1) + ArcTestChains.MESSAGE), dns);
    assertThat(r.status()).isEqualTo(ArcStatus.FAIL);
    assertThat(r.reason()).contains("i=2").contains("has no");
  }

  @Test
  void hostile_duplicateInstance_fails() throws Exception {
    String m = text(ArcTestChains.threeHops());
    int seal2 = m.indexOf("ARC-Seal: a=ed25519-sha256");
    String dupSeal = m.substring(seal2, m.indexOf("\r\nARC-", seal2) + 2);
    ArcResult r = verify(Arc.check(), bytes(dupSeal + m), dns);
    assertThat(r.status()).isEqualTo(ArcStatus.FAIL);
    assertThat(r.reason()).contains("two ARC-Seal fields with i=2");
  }

  @Test
  void hostile_hugeAar_failsNamingTheCap() throws Exception {
    String big =
        "ARC-Authentication-Results: i=1; x.example; spf=pass (" + "a".repeat(1 << 20) + ")\r\n";
    ArcResult r = verify(Arc.check(), bytes(big + ArcTestChains.MESSAGE), dns);
    assertThat(r.status()).isEqualTo(ArcStatus.FAIL);
    assertThat(r.reason()).contains("over the cap of 65536 bytes");
  }

  @Test
  void hostile_fiftyValidSets_verifyInLinearTime() throws Exception {
    byte[] m =
        ArcTestChains.hop(
            ArcTestChains.rsaSealer("lists.example.org"), ArcTestChains.message(), ArcStatus.NONE);
    ArcSealer next = ArcTestChains.rsaSealer("fwd.example.net");
    for (int i = 2; i <= 50; i++) {
      m = next.seal(m, ArcStatus.PASS);
    }
    ArcResult r = verify(Arc.check(), m, dns);
    assertThat(r.status()).as(r.toString()).isEqualTo(ArcStatus.PASS);
    assertThat(r.instanceCount()).isEqualTo(50);
    byte[] full = m;
    assertThatThrownBy(
            () -> ArcTestChains.rsaSealer("mx.example.edu").sealHeaders(full, ArcStatus.PASS, null))
        .hasMessageContaining("50 ARC sets");
  }

  private static String set(int i) {
    return "ARC-Seal: i="
        + i
        + "; a=rsa-sha256; cv="
        + (i == 1 ? "none" : "pass")
        + "; d=lists.example.org; s=rsa; b=AAAA\r\n"
        + "ARC-Message-Signature: i="
        + i
        + "; a=rsa-sha256; d=lists.example.org; s=rsa; h=from; bh=AAAA; b=AAAA\r\n"
        + "ARC-Authentication-Results: i="
        + i
        + "; lists.example.org; none\r\n";
  }
}
