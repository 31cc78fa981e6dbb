package dev.mailwarden.internal;

/**
 * Folds a header field we write (RFC 5322 section 2.2.3): a CRLF is inserted before whitespace so
 * that lines stay within 78 characters where the text allows it. Unfolding (removing each CRLF)
 * gives the text back unchanged, so folding may also fall inside quoted strings and comments. One
 * pass, linear in the text.
 */
public final class HeaderFold {
  /** RFC 5322 section 2.1.1: lines SHOULD be at most 78 characters. */
  public static final int WIDTH = 78;

  private HeaderFold() {}

  /**
   * The field folded at {@link #WIDTH}. Existing folds (CRLF followed by whitespace) are kept; a
   * run of text without whitespace longer than the width stays on one line (our values are
   * length-capped well under RFC 5322's 998).
   */
  public static String fold(String field) {
    StringBuilder out = new StringBuilder(field.length() + field.length() / 32 + 8);
    int lineStart = 0;
    int n = field.length();
    int i = 0;
    while (i < n) {
      if (field.startsWith("\r\n", i)) {
        out.append("\r\n");
        lineStart = out.length();
        i += 2;
        continue;
      }
      int end = i;
      while (end < n && isWsp(field.charAt(end))) {
        end++;
      }
      while (end < n && !isWsp(field.charAt(end)) && field.charAt(end) != '\r') {
        end++;
      }
      if (end == i) {
        end = i + 1; // a lone CR: copied (callers sanitize values; this only keeps the scan moving)
      }
      boolean canFold = isWsp(field.charAt(i)) && out.length() > lineStart;
      if (canFold && out.length() - lineStart + (end - i) > WIDTH) {
        out.append("\r\n");
        lineStart = out.length();
      }
      out.append(field, i, end);
      i = end;
    }
    return out.toString();
  }

  private static boolean isWsp(char c) {
    return c == ' ' || c == '\t';
  }
}
