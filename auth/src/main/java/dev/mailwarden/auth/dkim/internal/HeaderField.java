package dev.mailwarden.auth.dkim.internal;

import java.util.Locale;

/**
 * One header field as received: its raw text (ISO-8859-1, one char per byte, folding and the
 * final CRLF kept) and its name.
 */
public final class HeaderField {
  private final String raw;
  private final String name;
  private final String lowerName;
  private final int colon;

  HeaderField(String raw, int colon) {
    this.raw = raw;
    this.colon = colon;
    int e = colon;
    while (e > 0 && (raw.charAt(e - 1) == ' ' || raw.charAt(e - 1) == '\t')) {
      e--;
    }
    this.name = raw.substring(0, e);
    this.lowerName = name.toLowerCase(Locale.ROOT);
  }

  public String raw() {
    return raw;
  }

  public String name() {
    return name;
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
    if (!relaxed) {
      out.append(raw);
      return;
    }
    int e = colon;
    while (e > 0 && (raw.charAt(e - 1) == ' ' || raw.charAt(e - 1) == '\t')) {
      e--;
    }
    for (int i = 0; i < e; i++) {
      char c = raw.charAt(i);
      out.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
    }
    out.append(':');
    boolean space = false;
    boolean started = false;
    for (int i = colon + 1; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '\r' || c == '\n') {
        continue; // unfold
      }
      if (c == ' ' || c == '\t') {
        space = true;
        continue;
      }
      if (space && started) {
        out.append(' ');
      }
      space = false;
      started = true;
      out.append(c);
    }
    out.append("\r\n");
  }

  @Override
  public String toString() {
    return name;
  }
}
