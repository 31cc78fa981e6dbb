package dev.mailwarden.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Header text read one char per byte (ISO-8859-1), as Jakarta Mail and our readers do. The fields
 * themselves are split by {@link HeaderIndex}.
 */
public final class HeaderText {
  private HeaderText() {}

  /**
   * Re-decodes the bytes as UTF-8 when they are valid UTF-8 (an RFC 6532 header), so {@code
   * bücher.example} becomes an IDN rather than mojibake; other 8-bit text is returned unchanged.
   */
  public static String utf8IfValid(String latin1) {
    boolean high = false;
    for (int i = 0; i < latin1.length() && !high; i++) {
      high = latin1.charAt(i) >= 0x80;
    }
    if (!high) {
      return latin1;
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(latin1.getBytes(StandardCharsets.ISO_8859_1)))
          .toString();
    } catch (CharacterCodingException notUtf8) {
      return latin1;
    }
  }
}
