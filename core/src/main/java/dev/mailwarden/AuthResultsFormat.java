package dev.mailwarden;

import dev.mailwarden.internal.HeaderFold;
import java.util.List;

/** RFC 8601 rendering rules, shared by {@link AuthResult} and {@link Evaluation}. */
final class AuthResultsFormat {
  private static final String TSPECIALS = "()<>@,;:\\\"/[]?=";
  private static final String ATEXT_EXTRA = "!#$%&'*+-/=?^_`{|}~";
  private static final int MAX_VALUE = 200;

  private AuthResultsFormat() {}

  /** RFC 2045 token: printable ASCII without spaces and tspecials. */
  static boolean isToken(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= 0x20 || c >= 0x7f || TSPECIALS.indexOf(c) >= 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean isAtext(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || ATEXT_EXTRA.indexOf(c) >= 0
        || (c >= 0x80 && !Character.isISOControl(c) && !Character.isWhitespace(c)); // RFC 6532
  }

  /** RFC 5322 dot-atom-text: atext runs separated by single dots. */
  static boolean isDotAtomText(String s) {
    if (s.isEmpty() || s.charAt(0) == '.' || s.charAt(s.length() - 1) == '.') {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '.') {
        if (s.charAt(i - 1) == '.') {
          return false;
        }
      } else if (!isAtext(c)) {
        return false;
      }
    }
    return true;
  }

  /**
   * A {@code pvalue}: bare when it is a token or {@code [local-part]@domain} with dot-atom parts,
   * otherwise a quoted-string.
   */
  static String pvalue(String raw) {
    String v = SmtpReply.sanitize(raw, MAX_VALUE);
    if (v.isEmpty()) {
      return "\"\"";
    }
    if (isToken(v)) {
      return v;
    }
    int at = v.lastIndexOf('@');
    if (at >= 0) {
      String local = v.substring(0, at);
      String domain = v.substring(at + 1);
      if ((local.isEmpty() || isDotAtomText(local)) && isDotAtomText(domain)) {
        return v;
      }
    }
    return quoted(v);
  }

  static String quoted(String raw) {
    String v = SmtpReply.sanitize(raw, MAX_VALUE);
    StringBuilder b = new StringBuilder(v.length() + 2).append('"');
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\');
      }
      b.append(c);
    }
    return b.append('"').toString();
  }

  /** Comment text: parentheses and backslashes escaped so the comment stays balanced. */
  static String comment(String raw) {
    String v = SmtpReply.sanitize(raw, MAX_VALUE);
    StringBuilder b = new StringBuilder(v.length() + 2).append('(');
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '(' || c == ')' || c == '\\') {
        b.append('\\');
      }
      b.append(c);
    }
    return b.append(')').toString();
  }

  static String render(AuthResult r) {
    StringBuilder b = new StringBuilder(64).append(r.method()).append('=').append(r.result());
    r.comment().ifPresent(c -> b.append(' ').append(comment(c)));
    r.reason().ifPresent(reason -> b.append(" reason=").append(quoted(reason)));
    for (AuthResult.Property p : r.properties()) {
      b.append(' ').append(p.ptype()).append('.').append(p.property()).append('=');
      b.append(pvalue(p.value()));
    }
    return b.toString();
  }

  /** Longest Authentication-Results field we write; clauses past it are dropped whole. */
  static final int MAX_HEADER = 8192;

  /**
   * The whole header field, folded after each clause and within clauses at 78 columns: {@code
   * Authentication-Results: id; CRLF TAB spf=pass ...}. With no clauses the RFC's {@code none} is
   * used. At most {@link #MAX_HEADER} characters: later clauses are left out whole (RFC 8601 lets a
   * receiver omit results), never cut mid-value.
   */
  static String header(String authservId, List<AuthResult> results) {
    StringBuilder b = new StringBuilder(128).append("Authentication-Results: ");
    b.append(isToken(authservId) ? authservId : quoted(authservId)).append(';');
    if (results.isEmpty()) {
      return b.append(" none").toString();
    }
    int kept = 0;
    for (int i = 0; i < results.size(); i++) {
      String clause = results.get(i).render();
      if (b.length() + clause.length() + 4 > MAX_HEADER) {
        break;
      }
      if (kept > 0) {
        b.append(';');
      }
      b.append("\r\n\t").append(clause);
      kept++;
    }
    return HeaderFold.fold(b.toString());
  }
}
