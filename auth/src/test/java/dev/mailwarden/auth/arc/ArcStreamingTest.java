package dev.mailwarden.auth.arc;

import static dev.mailwarden.auth.arc.ArcTestChains.bytes;
import static dev.mailwarden.auth.arc.ArcTestChains.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailwarden.auth.dkim.DkimVerifier;
import dev.mailwarden.dns.DnsResolver;
import java.io.OutputStream;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link ArcSealer#stream()} and {@link ArcVerifier#stream}: the same answers as the whole-message
 * methods, whatever the chunking, with the header block capped.
 */
class ArcStreamingTest {
  private static final String AR =
      "lists.example.org; arc=pass;\r\n\tspf=pass smtp.mailfrom=example.com; dkim=pass"
          + " header.d=example.com";
  private final DnsResolver dns = ArcTestChains.zone();

  /** Writes {@code m} in random chunks (1 to 700 bytes), so lines and CRLFs split anywhere. */
  private static void writeChunked(OutputStream out, byte[] m, long seed) throws Exception {
    Random random = new Random(seed);
    int at = 0;
    while (at < m.length) {
      int n = Math.min(m.length - at, 1 + random.nextInt(700));
      out.write(m, at, n);
      at += n;
    }
    out.close();
  }

  /** A body of some size, with trailing spaces, tabs, empty lines: what relaxed changes. */
  private static byte[] withBody(byte[] m) {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      body.append("line ").append(i).append(" \t  with  spaces \t\r\n");
      if (i % 17 == 0) {
        body.append("\r\n\r\n");
      }
    }
    body.append("\r\n\r\n\r\n");
    return bytes(text(m) + body);
  }

  /** A valid two-hop chain over {@link #withBody} (RSA, then Ed25519). */
  private static byte[] twoHopsWithBody() {
    byte[] m =
        ArcTestChains.hop(
            ArcTestChains.rsaSealer("lists.example.org"),
            withBody(ArcTestChains.message()),
            ArcStatus.NONE);
    return ArcTestChains.hop(ArcTestChains.edSealer("fwd.example.net"), m, ArcStatus.PASS);
  }

  @Test
  void streamedSeal_isByteIdenticalToTheWholeMessageSeal_forNoneAndPassChains() throws Exception {
    ArcSealer sealer = ArcTestChains.rsaSealer("mx.example.edu");
    byte[] fresh = withBody(ArcTestChains.message());
    byte[] chained = twoHopsWithBody();
    for (Object[] c : new Object[][] {{fresh, ArcStatus.NONE}, {chained, ArcStatus.PASS}}) {
      byte[] m = (byte[]) c[0];
      ArcStatus cv = (ArcStatus) c[1];
      for (long seed = 1; seed <= 5; seed++) {
        ArcSealingStream s = sealer.stream();
        writeChunked(s, m, seed);
        Optional<String> streamed = s.sealHeaders(cv, AR);
        assertThat(streamed).isPresent();
        assertThat(streamed).isEqualTo(sealer.sealHeaders(m, cv, AR));
        // with the AAR taken from the message's own A-R, the full seal(byte[]) agrees too
        ArcSealingStream own = sealer.stream();
        writeChunked(own, m, seed);
        assertThat(bytes(own.sealHeaders(cv, null).orElseThrow() + text(m)))
            .isEqualTo(sealer.seal(m, cv));
      }
    }
  }

  @Test
  void streamedSeal_ed25519_verifiesPass() throws Exception {
    ArcSealer sealer = ArcTestChains.edSealer("fwd.example.net");
    byte[] m = withBody(ArcTestChains.message());
    ArcSealingStream s = sealer.stream();
    writeChunked(s, m, 7);
    String set = s.sealHeaders(ArcStatus.NONE, AR).orElseThrow();
    assertThat(set).contains("a=ed25519-sha256").contains("cv=none");
    byte[] sealed = bytes(set + text(m));
    ArcResult r = Arc.check().verify(sealed, dns).get(10, TimeUnit.SECONDS);
    assertThat(r.status()).as(r.toString()).isEqualTo(ArcStatus.PASS);
  }

  @Test
  void streamedSeal_ofAChainThatEndedWithCvFail_isEmpty() throws Exception {
    ArcSealer sealer = ArcTestChains.rsaSealer("mx.example.edu");
    byte[] broken =
        bytes(text(ArcTestChains.threeHops()).replace("this is a test.", "this is spam."));
    byte[] ended = sealer.seal(broken, ArcStatus.FAIL);
    assertThat(text(ended)).contains("cv=fail");
    ArcSealingStream s = ArcTestChains.rsaSealer("lists.example.org").stream();
    writeChunked(s, ended, 3);
    assertThat(s.sealHeaders(ArcStatus.FAIL, AR)).isEmpty();
  }

  @Test
  void streamedSeal_headerBlockOverTheDkimCap_isRefusedNamingTheCap() throws Exception {
    ArcSealingStream s = ArcTestChains.rsaSealer("mx.example.edu").stream();
    String filler = "X-Filler: " + "x".repeat(900) + "\r\n";
    StringBuilder head = new StringBuilder();
    while (head.length() <= DkimVerifier.DEFAULT_MAX_HEADER_BYTES) {
      head.append(filler);
    }
    writeChunked(s, bytes(head + text(ArcTestChains.message())), 1);
    assertThatThrownBy(() -> s.sealHeaders(ArcStatus.NONE, AR))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(String.valueOf(DkimVerifier.DEFAULT_MAX_HEADER_BYTES));
  }

  @Test
  void streamedSeal_misuse_isRefused() throws Exception {
    ArcSealingStream s = ArcTestChains.rsaSealer("mx.example.edu").stream();
    s.write(ArcTestChains.message());
    assertThatThrownBy(() -> s.sealHeaders(ArcStatus.NONE, AR))
        .isInstanceOf(IllegalStateException.class);
    s.close();
    assertThatThrownBy(() -> s.write(1)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> s.sealHeaders(ArcStatus.PASS, AR))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no ARC set");
  }

  @Test
  void streamedValidation_equalsWholeMessageValidation() throws Exception {
    byte[] pass = twoHopsWithBody();
    byte[] three = ArcTestChains.threeHops();
    byte[] spam = bytes(text(three).replace("this is a test.", "this is spam."));
    byte[] changed = bytes(text(pass).replace("line 7 ", "line 8 "));
    for (byte[] m : new byte[][] {ArcTestChains.message(), pass, three, spam, changed}) {
      ArcResult whole = Arc.check().verify(m, dns).get(10, TimeUnit.SECONDS);
      ArcStream s = Arc.check().stream(dns, Runnable::run);
      writeChunked(s, m, m.length);
      ArcResult streamed = s.result().get(10, TimeUnit.SECONDS);
      assertThat(streamed.status()).isEqualTo(whole.status());
      assertThat(streamed.outcome()).isEqualTo(whole.outcome());
      assertThat(streamed.reason()).isEqualTo(whole.reason());
      assertThat(streamed.instanceCount()).isEqualTo(whole.instanceCount());
    }
    ArcStream s = Arc.check().stream(dns, Runnable::run);
    writeChunked(s, pass, 11);
    assertThat(s.result().get(10, TimeUnit.SECONDS).status()).isEqualTo(ArcStatus.PASS);
    ArcStream t = Arc.check().stream(dns, Runnable::run);
    writeChunked(t, changed, 11);
    assertThat(t.result().get(10, TimeUnit.SECONDS).status()).isEqualTo(ArcStatus.FAIL);
  }

  @Test
  void streamedValidation_headerBlockOverTheDkimCap_failsNamingTheCap() throws Exception {
    String filler = "X-Filler: " + "x".repeat(900) + "\r\n";
    StringBuilder head = new StringBuilder();
    while (head.length() <= DkimVerifier.DEFAULT_MAX_HEADER_BYTES) {
      head.append(filler);
    }
    ArcStream s = Arc.check().stream(dns, Runnable::run);
    writeChunked(s, bytes(head + text(ArcTestChains.threeHops())), 5);
    ArcResult r = s.result().get(10, TimeUnit.SECONDS);
    assertThat(r.status()).isEqualTo(ArcStatus.FAIL);
    assertThat(r.reason()).contains(String.valueOf(DkimVerifier.DEFAULT_MAX_HEADER_BYTES));
    assertThat(s.result()).isDone();
  }
}
