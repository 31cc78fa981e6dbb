package dev.mailwarden.dnsbl.internal;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.InternetHeaders;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The domains of a message's From header, read with Jakarta Mail. */
public final class FromHeader {
  private FromHeader() {}

  /** The normalized domains of every From address; empty when there is none or it is malformed. */
  public static List<String> domains(InputStream message) {
    List<String> out = new ArrayList<>();
    try {
      String[] values = new InternetHeaders(message).getHeader("From");
      if (values == null) {
        return out;
      }
      for (String raw : values) {
        String v = utf8(raw);
        try {
          for (InternetAddress a : InternetAddress.parseHeader(v, false)) {
            String address = a.getAddress();
            if (address != null) {
              DomainNames.ofAddress(address).filter(d -> !out.contains(d)).ifPresent(out::add);
            }
          }
        } catch (AddressException malformed) {
          // a malformed From header gives no domain; other checks (DMARC) judge it
        }
      }
    } catch (MessagingException unreadable) {
      return out;
    }
    return out;
  }

  /**
   * Jakarta Mail reads header bytes as ISO-8859-1; an RFC 6532 header is UTF-8. Re-decode when
   * the bytes are valid UTF-8, so {@code bücher.example} becomes an IDN, not mojibake.
   */
  private static String utf8(String latin1) {
    boolean high = false;
    for (int i = 0; i < latin1.length() && !high; i++) {
      high = latin1.charAt(i) >= 0x80;
    }
    if (!high) {
      return latin1;
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(latin1.getBytes(StandardCharsets.ISO_8859_1)))
          .toString();
    } catch (CharacterCodingException notUtf8) {
      return latin1;
    }
  }
}
