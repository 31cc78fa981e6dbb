package dev.mailwarden.auth.dkim.internal;

import java.util.Locale;

/**
 * One header field as received: its raw text (ISO-8859-1, one char per byte, folding and the final
 * CRLF kept) and its name.
 */
public final class HeaderField {
  private final String raw;
  private final String lowerName;
  private final int colon;
  private final int nameEnd;

  HeaderField(String raw, int colon) {
    this.raw = raw;
    this.colon = colon;
    int e = colon;
    while (e > 0 && (raw.charAt(e - 1) == ' ' || raw.charAt(e - 1) == '\t')) {
      e--;
    }
    this.nameEnd = e;
    this.lowerName = raw.substring(0, e).toLowerCase(Locale.ROOT);
  }

  public String raw() {
    return raw;
  }

  /** The name as written (made on demand: verification only needs {@link #lowerName()}). */
  public String name() {
    return raw.substring(0, nameEnd);
  }

  public String lowerName() {
    return lowerName;
  }

  /** Everything after the colon, without the final CRLF (folding kept). */
  public String value() {
    int end = raw.endsWith("\r\n") ? raw.length() - 2 : raw.length();
    return raw.substring(colon + 1, end);
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

  @Override
  public String toString() {
    return name();
  }
}
