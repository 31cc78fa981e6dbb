package dev.mailwarden.auth.dkim.internal;

import dev.mailwarden.internal.HeaderIndex;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * One header field as received: its raw text (ISO-8859-1, one char per byte, folding and the final
 * CRLF kept) and its name.
 */
public final class HeaderField {
  private final byte[] bytes;
  private @Nullable String raw; // made on demand from bytes
  private final String lowerName;
  private final int colon;
  private final int nameEnd;

  /** A field from its bytes as received (ISO-8859-1, CRLF-terminated), which it keeps. */
  HeaderField(byte[] bytes, int colon) {
    this.bytes = bytes;
    this.colon = colon;
    int e = colon;
    while (e > 0 && (bytes[e - 1] == ' ' || bytes[e - 1] == '\t')) {
      e--;
    }
    this.nameEnd = e;
    this.lowerName = lowerCase(bytes, 0, e);
  }

  /**
   * The fields of a split header block: every unit whose first line has a colon after at least one
   * character, with its raw text (a bare LF read as CRLF, a final CRLF added when the message ended
   * without one). A continuation line at the start of the block is read as a field of its own.
   */
  public static List<HeaderField> fieldsOf(HeaderIndex.Block block) {
    List<HeaderField> fields = new ArrayList<>(block.size());
    for (int i = 0; i < block.size(); i++) {
      int colon = block.colon(i) - block.start(i);
      if (colon > 0) {
        fields.add(new HeaderField(block.bytesWithCrlf(i), colon));
      }
    }
    return fields;
  }

  /** Common field names, lower case, by length: most fields then share one name string. */
  private static final String[][] KNOWN =
      byLength(
          "from",
          "to",
          "cc",
          "subject",
          "date",
          "message-id",
          "dkim-signature",
          "received",
          "mime-version",
          "content-type",
          "content-transfer-encoding",
          "reply-to",
          "sender",
          "return-path",
          "in-reply-to",
          "references",
          "list-id",
          "list-unsubscribe",
          "authentication-results",
          "arc-seal",
          "arc-message-signature",
          "arc-authentication-results");

  private static String[][] byLength(String... names) {
    int max = 0;
    for (String n : names) {
      max = Math.max(max, n.length());
    }
    String[][] table = new String[max + 1][0];
    for (String n : names) {
      String[] row = table[n.length()];
      String[] grown = java.util.Arrays.copyOf(row, row.length + 1);
      grown[row.length] = n;
      table[n.length()] = grown;
    }
    return table;
  }

  /**
   * {@code b[from..to)} (ISO-8859-1) in lower case, as {@code toLowerCase(Locale.ROOT)} of its
   * text; a common field name comes back as one shared string, without allocating.
   */
  public static String lowerCase(byte[] b, int from, int to) {
    int length = to - from;
    if (length < KNOWN.length) {
      for (String k : KNOWN[length]) {
        int i = 0;
        while (i < length && lower(b[from + i]) == k.charAt(i)) {
          i++;
        }
        if (i == length) {
          return k;
        }
      }
    }
    return new String(b, from, length, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
  }

  private static int lower(byte c) {
    return c >= 'A' && c <= 'Z' ? c + 32 : c & 0xff;
  }

  /** The field's text: ISO-8859-1, one char per byte, folding and the final CRLF kept. */
  public String raw() {
    String r = raw;
    if (r == null) {
      r = new String(bytes, StandardCharsets.ISO_8859_1);
      raw = r; // a benign race: every thread makes the same immutable string
    }
    return r;
  }

  /**
   * The field's bytes as received (ISO-8859-1, the final CRLF kept): lent, for parsing in place;
   * not to be changed.
   */
  public byte[] bytes() {
    return bytes;
  }

  /** The length of {@link #raw()}, without making it. */
  public int length() {
    return bytes.length;
  }

  /** The name as written (made on demand: verification only needs {@link #lowerName()}). */
  public String name() {
    return new String(bytes, 0, nameEnd, StandardCharsets.ISO_8859_1);
  }

  public String lowerName() {
    return lowerName;
  }

  /** Everything after the colon, without the final CRLF (folding kept). */
  public String value() {
    return new String(bytes, colon + 1, end() - colon - 1, StandardCharsets.ISO_8859_1);
  }

  /** Where the final CRLF starts (the length when there is none). */
  public int end() {
    int n = bytes.length;
    return n >= 2 && bytes[n - 2] == '\r' && bytes[n - 1] == '\n' ? n - 2 : n;
  }

  /** The offset of the colon in {@link #raw()}. */
  public int colon() {
    return colon;
  }

  /** Appends the canonical form (RFC 6376 section 3.4.1/3.4.2) of {@code raw} to {@code out}. */
  public static void canonicalize(String raw, int colon, boolean relaxed, StringBuilder out) {
    ByteSink sink = new ByteSink(raw.length() + 2);
    canonicalize(raw, colon, raw.length(), -1, -1, relaxed, true, sink);
    for (int i = 0; i < sink.len; i++) {
      out.append((char) (sink.buf[i] & 0xff));
    }
  }

  /**
   * Appends the canonical form of {@code raw[0..end)} without the characters in {@code
   * [skipFrom..skipTo)} (the b= value of the signature being verified). Relaxed output ends with
   * CRLF only when {@code crlf}; simple output is the raw characters as they are.
   */
  public static void canonicalize(
      String raw,
      int colon,
      int end,
      int skipFrom,
      int skipTo,
      boolean relaxed,
      boolean crlf,
      ByteSink out) {
    out.ensure(end + 2);
    byte[] o = out.buf;
    int n = out.len;
    if (!relaxed) {
      for (int i = 0; i < end; i++) {
        if (i == skipFrom && skipTo > skipFrom) {
          i = skipTo - 1;
          continue;
        }
        o[n++] = (byte) raw.charAt(i);
      }
      out.len = n;
      return;
    }
    int e = colon;
    while (e > 0 && (raw.charAt(e - 1) == ' ' || raw.charAt(e - 1) == '\t')) {
      e--;
    }
    for (int i = 0; i < e; i++) {
      char c = raw.charAt(i);
      o[n++] = (byte) (c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    o[n++] = ':';
    boolean space = false;
    boolean started = false;
    for (int i = colon + 1; i < end; i++) {
      if (i == skipFrom && skipTo > skipFrom) {
        i = skipTo - 1;
        continue;
      }
      char c = raw.charAt(i);
      if (c == '\r' || c == '\n') {
        continue; // unfold
      }
      if (c == ' ' || c == '\t') {
        space = true;
        continue;
      }
      if (space && started) {
        o[n++] = ' ';
      }
      space = false;
      started = true;
      o[n++] = (byte) c;
    }
    if (crlf) {
      o[n++] = '\r';
      o[n++] = '\n';
    }
    out.len = n;
  }

  /**
   * From a byte that is not whitespace at {@code j}: the end of the run before {@code stop} that is
   * its own relaxed canonical form (no control byte, each space between two other bytes), copied to
   * {@code o} at {@code delta} from where it stands in {@code b} as it is scanned. Eight bytes at a
   * time, then byte by byte; the caller leaves room for a 16-byte store at any output position.
   */
  private static int canonicalRun(byte[] b, int j, int stop, byte[] o, int delta) {
    j = RelaxedWords.copy(b, j, stop, o, delta);
    while (j < stop) {
      byte x = b[j];
      if (x > ' ' || x < 0) {
        o[j + delta] = x;
        j++;
      } else if (x == ' ' && j + 1 < stop && (b[j + 1] > ' ' || b[j + 1] < 0)) {
        o[j + delta] = x;
        o[j + 1 + delta] = b[j + 1];
        j += 2;
      } else {
        break;
      }
    }
    return j;
  }

  /**
   * Appends the canonical form of this field's {@code [0..end)} without the bytes in {@code
   * [skipFrom..skipTo)} (the b= value of the signature being verified), as {@link
   * #canonicalize(String, int, int, int, int, boolean, boolean, ByteSink)} does for text; runs of
   * bytes that are already canonical are copied whole.
   */
  public void canonicalize(
      int end, int skipFrom, int skipTo, boolean relaxed, boolean crlf, ByteSink out) {
    byte[] b = bytes;
    if (skipTo <= skipFrom) {
      skipFrom = -1;
    }
    out.ensure(end + 2);
    byte[] o = out.buf;
    int n = out.len;
    if (!relaxed) {
      if (skipFrom < 0) {
        System.arraycopy(b, 0, o, n, end);
        n += end;
      } else {
        System.arraycopy(b, 0, o, n, skipFrom);
        n += skipFrom;
        System.arraycopy(b, skipTo, o, n, end - skipTo);
        n += end - skipTo;
      }
      out.len = n;
      return;
    }
    for (int i = 0; i < nameEnd; i++) {
      o[n++] = (byte) lower(b[i]);
    }
    o[n++] = ':';
    boolean space = false;
    boolean started = false;
    int i = colon + 1;
    while (i < end) {
      if (i == skipFrom) {
        i = skipTo;
        continue;
      }
      byte c = b[i];
      if (c > ' ' || c < 0) {
        if (space && started) {
          o[n++] = ' ';
        }
        space = false;
        started = true;
        // copy the run that is already canonical (words, single spaces between them) up to the
        // next whitespace to fold or the skipped range, while scanning it
        int stop = skipFrom > i ? Math.min(end, skipFrom) : end;
        int j = canonicalRun(b, i, stop, o, n - i);
        n += j - i;
        i = j;
        continue;
      }
      if (c == ' ' || c == '\t') {
        space = true;
      } else if (c != '\r' && c != '\n') { // a control byte is content; CR and LF unfold
        if (space && started) {
          o[n++] = ' ';
        }
        space = false;
        started = true;
        o[n++] = c;
      }
      i++;
    }
    if (crlf) {
      o[n++] = '\r';
      o[n++] = '\n';
    }
    out.len = n;
  }

  @Override
  public String toString() {
    return name();
  }
}
