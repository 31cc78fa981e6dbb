package dev.mailwarden.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Header text read one char per byte (ISO-8859-1), as Jakarta Mail and our readers do. */
public final class HeaderText {
  private HeaderText() {}

  /**
   * The lines of a message's header block (up to the first empty line), one char per byte, without
   * line ends; continuation lines stay separate lines. Reads at most {@code maxBytes}.
   *
   * @throws IOException if the stream fails, or the block is longer than {@code maxBytes}
   */
  public static List<String> headerLines(InputStream message, int maxBytes) throws IOException {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder(128);
    byte[] chunk =
        new byte[4096]; // chunks, not read(): may read past the header, the body is not wanted
    int read = 0;
    int n;
    while ((n = message.read(chunk)) > 0) {
      for (int i = 0; i < n; i++) {
        if (++read > maxBytes) {
          throw new IOException("header block longer than " + maxBytes + " bytes");
        }
        int b = chunk[i] & 0xff;
        if (b != '\n') {
          line.append((char) b);
          continue;
        }
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\r') {
          line.setLength(end - 1);
        }
        if (line.length() == 0) {
          return lines; // the empty line that ends the header block
        }
        lines.add(line.toString());
        line.setLength(0);
      }
    }
    if (line.length() > 0) {
      lines.add(line.toString());
    }
    return lines;
  }

  /**
   * The values of every field named {@code name} (case-insensitive) in the header block, in order:
   * what follows the colon, leading whitespace removed, folded lines kept joined by CRLF.
   *
   * @throws IOException if the stream fails, or the block is longer than {@code maxBytes}
   */
  public static List<String> fieldValues(InputStream message, String name, int maxBytes)
      throws IOException {
    List<String> values = new ArrayList<>();
    StringBuilder current = null;
    for (String line : headerLines(message, maxBytes)) {
      char first = line.charAt(0);
      if (first == ' ' || first == '\t') {
        if (current != null) {
          current.append("\r\n").append(line); // a continuation of the field being read
        }
        continue;
      }
      if (current != null) {
        values.add(current.toString());
        current = null;
      }
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase(name)) {
        int start = colon + 1;
        while (start < line.length() && (line.charAt(start) == ' ' || line.charAt(start) == '\t')) {
          start++;
        }
        current = new StringBuilder(line.substring(start));
      }
    }
    if (current != null) {
      values.add(current.toString());
    }
    return values;
  }

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
