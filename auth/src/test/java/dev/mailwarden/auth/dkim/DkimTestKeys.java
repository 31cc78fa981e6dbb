package dev.mailwarden.auth.dkim;

import dev.mailwarden.dns.DnsStatus;
import dev.mailwarden.dns.ZoneResolver;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/** Keys, DNS and a message shared by the DKIM tests (keys are generated once per JVM). */
final class DkimTestKeys {
  static final DkimKeyPair RSA = DkimKeys.rsa(2048);
  static final DkimKeyPair ED = DkimKeys.ed25519();
  static final Instant NOW = Instant.parse("2026-11-28T01:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  static final String MESSAGE =
      "From: Alice <alice@example.com>\r\n"
          + "To: bob@example.org\r\n"
          + "Subject: Hello\r\n"
          + "Date: Sat, 28 Nov 2026 01:00:00 +0000\r\n"
          + "Message-ID: <1@example.com>\r\n"
          + "\r\n"
          + "Hello Bob,\r\n"
          + "\r\n"
          + "this is a test.  With  spaces.\t\r\n"
          + "\r\n"
          + "\r\n";

  private DkimTestKeys() {}

  static byte[] message() {
    return MESSAGE.getBytes(StandardCharsets.US_ASCII);
  }

  static ZoneResolver.Builder zoneBuilder() {
    return ZoneResolver.builder()
        .txt("rsa._domainkey.example.com", RSA.txtRecord())
        .txt("ed._domainkey.example.com", ED.txtRecord())
        .fail("broken._domainkey.example.com", DnsStatus.SERVFAIL);
  }

  static ZoneResolver zone() {
    return zoneBuilder().build();
  }

  static DkimSigner.Builder rsaSigner() {
    return DkimSigner.builder()
        .domain("example.com")
        .selector("rsa")
        .privateKey(RSA.privateKey())
        .clock(CLOCK);
  }

  static DkimSigner.Builder edSigner() {
    return DkimSigner.builder()
        .domain("example.com")
        .selector("ed")
        .privateKey(ED.privateKey())
        .clock(CLOCK);
  }

  static byte[] withBody(byte[] message, String replaceFrom, String replaceTo) {
    String s = new String(message, StandardCharsets.ISO_8859_1);
    if (!s.contains(replaceFrom)) {
      throw new IllegalArgumentException("not in message: " + replaceFrom);
    }
    return s.replace(replaceFrom, replaceTo).getBytes(StandardCharsets.ISO_8859_1);
  }
}
