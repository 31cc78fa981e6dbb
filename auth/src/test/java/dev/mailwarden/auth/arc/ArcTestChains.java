package dev.mailwarden.auth.arc;

import dev.mailwarden.auth.dkim.DkimKeyPair;
import dev.mailwarden.auth.dkim.DkimKeys;
import dev.mailwarden.dns.DnsStatus;
import dev.mailwarden.dns.ZoneResolver;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/** Keys, DNS and chains shared by the ARC tests (keys generated once per JVM). */
final class ArcTestChains {
  static final DkimKeyPair RSA = DkimKeys.rsa(2048);
  static final DkimKeyPair ED = DkimKeys.ed25519();
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-05T08:00:00Z"), ZoneOffset.UTC);

  static final String MESSAGE =
      "Authentication-Results: lists.example.org; spf=pass smtp.mailfrom=example.com;\r\n"
          + "\tdkim=pass header.d=example.com; dmarc=pass header.from=example.com\r\n"
          + "From: Alice <alice@example.com>\r\n"
          + "To: list@lists.example.org\r\n"
          + "Subject: Hello\r\n"
          + "Date: Sat, 05 Dec 2026 08:00:00 +0000\r\n"
          + "Message-ID: <1@example.com>\r\n"
          + "\r\n"
          + "Hello list,\r\n"
          + "\r\n"
          + "this is a test.\r\n";

  private ArcTestChains() {}

  static byte[] message() {
    return MESSAGE.getBytes(StandardCharsets.US_ASCII);
  }

  static ZoneResolver.Builder zoneBuilder() {
    ZoneResolver.Builder b =
        ZoneResolver.builder().fail("broken._domainkey.lists.example.org", DnsStatus.SERVFAIL);
    for (String d : new String[] {"lists.example.org", "fwd.example.net", "mx.example.edu"}) {
      b.txt("rsa._domainkey." + d, RSA.txtRecord()).txt("ed._domainkey." + d, ED.txtRecord());
    }
    return b;
  }

  static ZoneResolver zone() {
    return zoneBuilder().build();
  }

  static ArcSealer rsaSealer(String domain) {
    return ArcSealer.builder()
        .domain(domain)
        .selector("rsa")
        .privateKey(RSA.privateKey())
        .authservId(domain)
        .clock(CLOCK)
        .build();
  }

  static ArcSealer edSealer(String domain) {
    return ArcSealer.builder()
        .domain(domain)
        .selector("ed")
        .privateKey(ED.privateKey())
        .authservId(domain)
        .clock(CLOCK)
        .build();
  }

  /** One hop: an A-R for the sealer's authserv-id recording {@code arc=cv}, then the seal. */
  static byte[] hop(ArcSealer sealer, byte[] message, ArcStatus cv) {
    String ar =
        "Authentication-Results: "
            + sealer.authservId()
            + "; arc="
            + cv.token()
            + "; spf=pass smtp.mailfrom=example.com; dmarc=pass header.from=example.com\r\n";
    byte[] withAr = concat(ar.getBytes(StandardCharsets.US_ASCII), message);
    return sealer.seal(withAr, cv);
  }

  /**
   * A three-hop chain: lists.example.org (RSA), fwd.example.net (Ed25519), mx.example.edu (RSA).
   */
  static byte[] threeHops() {
    byte[] m = hop(rsaSealer("lists.example.org"), message(), ArcStatus.NONE);
    m = hop(edSealer("fwd.example.net"), m, ArcStatus.PASS);
    return hop(rsaSealer("mx.example.edu"), m, ArcStatus.PASS);
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static String text(byte[] m) {
    return new String(m, StandardCharsets.ISO_8859_1);
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
