package dev.mailwarden.examples.milter;

import java.util.Locale;

/** Reads the authserv-id of an existing Authentication-Results field (RFC 8601 §2.2). */
final class AuthservId {
  private AuthservId() {}

  /** At most this many characters of a field are looked at: the authserv-id comes first. */
  private static final int SCAN_LIMIT = 1024;

  /**
   * The authserv-id of a field value: the first token after leading whitespace and comments,
   * lower-cased; empty when there is none. Linear, no recursion (comments nest by counting).
   */
  static String of(String value) {
    int n = Math.min(value.length(), SCAN_LIMIT);
    int i = skipCfws(value, 0, n);
    int start = i;
    if (i < n && value.charAt(i) == '"') {
      int end = value.indexOf('"', i + 1);
      return end < 0 || end >= n ? "" : value.substring(i + 1, end).toLowerCase(Locale.ROOT);
    }
    while (i < n) {
      char c = value.charAt(i);
      if (c == ';' || c == '(' || c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        break;
      }
      i++;
    }
    return value.substring(start, i).toLowerCase(Locale.ROOT);
  }

  /** True when the field claims to come from {@code ourId} (case-insensitive). */
  static boolean claims(String value, String ourId) {
    return of(value).equals(ourId.toLowerCase(Locale.ROOT));
  }

  private static int skipCfws(String s, int i, int n) {
    int depth = 0;
    while (i < n) {
      char c = s.charAt(i);
      if (depth > 0) {
        if (c == '\\') {
          i++;
        } else if (c == '(') {
          depth++;
        } else if (c == ')') {
          depth--;
        }
      } else if (c == '(') {
        depth = 1;
      } else if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
        return i;
      }
      i++;
    }
    return i;
  }
}
