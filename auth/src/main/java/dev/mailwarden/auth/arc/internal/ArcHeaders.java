package dev.mailwarden.auth.arc.internal;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Small readers for ARC header values: instance numbers and Authentication-Results text. */
public final class ArcHeaders {
  public static final String SEAL = "arc-seal";
  public static final String MESSAGE_SIGNATURE = "arc-message-signature";
  public static final String AUTH_RESULTS = "arc-authentication-results";

  private ArcHeaders() {}

  /** An {@code i=} value: 1 to 1024 in plain digits, or -1 (the caller applies the real cap). */
  static int instance(@Nullable String v) {
    if (v == null || v.isEmpty() || v.length() > 4) {
      return -1;
    }
    int n = 0;
    for (int k = 0; k < v.length(); k++) {
      char c = v.charAt(k);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n >= 1 && n <= 1024 ? n : -1;
  }

  /**
   * The instance of an ARC-Authentication-Results value, which must start with {@code i=N;} (RFC
   * 8617 4.1.1), or -1. Looks at the first few characters only, whatever the field's size.
   */
  public static int aarInstance(String value) {
    int n = value.length();
    int k = skipWsp(value, 0, n);
    if (k + 1 >= n || value.charAt(k) != 'i') {
      return -1;
    }
    k = skipWsp(value, k + 1, n);
    if (k >= n || value.charAt(k) != '=') {
      return -1;
    }
    k = skipWsp(value, k + 1, n);
    int start = k;
    while (k < n && k - start <= 4 && value.charAt(k) >= '0' && value.charAt(k) <= '9') {
      k++;
    }
    int instance = instance(value.substring(start, k));
    k = skipWsp(value, k, n);
    return k < n && value.charAt(k) == ';' ? instance : -1;
  }

  /** The rest of an ARC-Authentication-Results value after {@code i=N;}. */
  public static String afterInstance(String value) {
    int semi = value.indexOf(';');
    return semi < 0 ? "" : value.substring(semi + 1);
  }

  /**
   * Splits an Authentication-Results value (RFC 8601) into its authserv-id and its resinfo clauses,
   * each trimmed and unfolded. Semicolons inside comments and quoted strings do not split. Linear;
   * comments nest at most 64 deep (deeper ones are read as closed).
   */
  public static Parsed parse(String value) {
    List<String> parts = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    int depth = 0;
    boolean quoted = false;
    for (int k = 0; k < value.length(); k++) {
      char c = value.charAt(k);
      if (c == '\r' || c == '\n') {
        continue;
      }
      if (quoted) {
        if (c == '\\' && k + 1 < value.length()) {
          cur.append(c).append(value.charAt(++k));
          continue;
        }
        quoted = c != '"';
      } else if (depth > 0) {
        if (c == '\\' && k + 1 < value.length()) {
          cur.append(c).append(value.charAt(++k));
          continue;
        }
        if (c == '(' && depth < 64) {
          depth++;
        } else if (c == ')') {
          depth--;
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == '(') {
        depth = 1;
      } else if (c == ';') {
        parts.add(collapse(cur));
        cur.setLength(0);
        continue;
      }
      cur.append(c);
    }
    parts.add(collapse(cur));
    String id = parts.isEmpty() ? "" : parts.get(0);
    int sp = firstSpace(id);
    String authservId = sp < 0 ? id : id.substring(0, sp); // drop an authres-version
    List<String> results = new ArrayList<>();
    for (int k = 1; k < parts.size(); k++) {
      if (!parts.get(k).isEmpty()) {
        results.add(parts.get(k));
      }
    }
    return new Parsed(authservId, results);
  }

  /** An Authentication-Results value split into authserv-id and clauses. */
  public record Parsed(String authservId, List<String> results) {
    /**
     * The value of the first clause of {@code method} ({@code arc=pass ...} gives "pass"), or null.
     */
    public @Nullable String resultOf(String method) {
      for (String r : results) {
        int eq = r.indexOf('=');
        if (eq > 0 && r.substring(0, eq).trim().equalsIgnoreCase(method)) {
          int end = eq + 1;
          while (end < r.length()
              && r.charAt(end) > ' '
              && r.charAt(end) != '('
              && r.charAt(end) != ';') {
            end++;
          }
          return r.substring(eq + 1, end).trim();
        }
      }
      return null;
    }
  }

  private static String collapse(CharSequence s) {
    StringBuilder b = new StringBuilder(s.length());
    boolean space = false;
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      if (c == ' ' || c == '\t') {
        space = b.length() > 0;
        continue;
      }
      if (space) {
        b.append(' ');
        space = false;
      }
      b.append(c);
    }
    return b.toString();
  }

  private static int firstSpace(String s) {
    for (int k = 0; k < s.length(); k++) {
      if (s.charAt(k) == ' ') {
        return k;
      }
    }
    return -1;
  }

  private static int skipWsp(String s, int k, int n) {
    while (k < n
        && (s.charAt(k) == ' '
            || s.charAt(k) == '\t'
            || s.charAt(k) == '\r'
            || s.charAt(k) == '\n')) {
      k++;
    }
    return k;
  }
}
