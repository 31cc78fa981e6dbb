package dev.mailwarden.auth.spf.internal;

import dev.mailwarden.internal.DomainNames;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A parsed macro-string of RFC 7208 section 7.1: literal text and macros such as {@code %{ir}}.
 * Parsing checks the grammar once; expansion is then cheap and cannot fail.
 */
public final class MacroString {
  private static final String DELIMITERS = ".-+,/_=";

  private final String text;
  private final Object[] parts; // String literal or Macro
  private final boolean usesValidatedName;
  private final boolean endsWithMacro;
  private final boolean hasMacros;

  private MacroString(String text, List<Object> parts, boolean endsWithMacro) {
    this.text = text;
    this.parts = parts.toArray();
    boolean p = false;
    boolean any = false;
    for (Object o : this.parts) {
      if (o instanceof Macro m) {
        any = true;
        p |= m.letter == 'p';
      }
    }
    this.usesValidatedName = p;
    this.hasMacros = any;
    this.endsWithMacro = endsWithMacro;
  }

  /** The text as written. */
  public String text() {
    return text;
  }

  /** Whether expansion needs the validated client name ({@code %{p}}). */
  public boolean usesValidatedName() {
    return usesValidatedName;
  }

  /**
   * Parses a macro-string. In explanations ({@code explanation} true) spaces and the {@code c},
   * {@code r}, {@code t} macros are allowed; in domain-specs they are not.
   */
  public static MacroString parse(String s, boolean explanation) throws SpfSyntaxException {
    List<Object> parts = new ArrayList<>();
    StringBuilder lit = new StringBuilder();
    boolean endsWithMacro = false;
    int i = 0;
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 1 >= n) {
          throw new SpfSyntaxException("'%' at the end of '" + s + "'");
        }
        char next = s.charAt(i + 1);
        if (next == '%') {
          lit.append('%');
          i += 2;
          endsWithMacro = true;
          continue;
        } else if (next == '_') {
          lit.append(' ');
          i += 2;
          endsWithMacro = true;
          continue;
        } else if (next == '-') {
          lit.append("%20");
          i += 2;
          endsWithMacro = true;
          continue;
        } else if (next != '{') {
          throw new SpfSyntaxException("invalid macro '%" + next + "' in '" + s + "'");
        }
        int close = s.indexOf('}', i + 2);
        if (close < 0) {
          throw new SpfSyntaxException("unterminated macro in '" + s + "'");
        }
        if (lit.length() > 0) {
          parts.add(lit.toString());
          lit.setLength(0);
        }
        parts.add(Macro.parse(s.substring(i + 2, close), explanation, s));
        i = close + 1;
        endsWithMacro = true;
      } else {
        boolean ok = explanation ? (c >= 0x20 && c <= 0x7e) : (c >= 0x21 && c <= 0x7e);
        if (!ok) {
          throw new SpfSyntaxException(
              "invalid character 0x" + Integer.toHexString(c) + " in '" + s + "'");
        }
        lit.append(c);
        i++;
        endsWithMacro = false;
      }
    }
    if (lit.length() > 0) {
      parts.add(lit.toString());
    }
    return new MacroString(s, parts, endsWithMacro);
  }

  /**
   * Parses a domain-spec (RFC 7208 section 7.1): a macro-string that ends with a macro or with
   * {@code "." toplabel ["."]}.
   */
  public static MacroString parseDomainSpec(String s) throws SpfSyntaxException {
    if (s.isEmpty()) {
      throw new SpfSyntaxException("empty domain-spec");
    }
    MacroString m = parse(s, false);
    if (!m.endsWithMacro) {
      String t = DomainNames.stripDot(s);
      int dot = t.lastIndexOf('.');
      if (dot < 0 || !isTopLabel(t.substring(dot + 1)) || t.lastIndexOf('%') > dot) {
        throw new SpfSyntaxException("domain-spec '" + s + "' does not end with a valid top label");
      }
    }
    return m;
  }

  private static boolean isTopLabel(String label) {
    int n = label.length();
    if (n == 0) {
      return false;
    }
    boolean alpha = false;
    boolean dash = false;
    for (int i = 0; i < n; i++) {
      char c = label.charAt(i);
      if (isAlpha(c)) {
        alpha = true;
      } else if (c == '-') {
        dash = true;
      } else if (!(c >= '0' && c <= '9')) {
        return false;
      }
    }
    if (!dash) {
      return alpha; // *alphanum ALPHA *alphanum
    }
    // 1*alphanum "-" *( alphanum / "-" ) alphanum
    return label.charAt(0) != '-' && label.charAt(n - 1) != '-';
  }

  private static boolean isAlpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  /** Expands with the given values, without a budget (for trusted macro-strings). */
  public String expand(MacroValues values) {
    String s = expand(values, Integer.MAX_VALUE);
    if (s == null) {
      throw new IllegalStateException("unreachable: no budget");
    }
    return s;
  }

  /**
   * Expands with the given values, or null when the expansion would exceed {@code budget} octets.
   * Literal text counts its length and every macro the full length of the value it reads, before
   * the value is split or cut, so the work done is bounded by the budget whatever the record's mix
   * of macros (RFC 7208 section 4.6.4 asks for limits on processing).
   */
  public @Nullable String expand(MacroValues values, int budget) {
    if (!hasMacros) {
      String lit = parts.length == 0 ? "" : (String) parts[0];
      return lit.length() > budget ? null : lit;
    }
    StringBuilder out = new StringBuilder(Math.min(text.length(), budget) + 32);
    long spent = 0;
    for (Object o : parts) {
      if (o instanceof String lit) {
        spent += lit.length();
        if (spent > budget) {
          return null;
        }
        out.append(lit);
      } else {
        Macro m = (Macro) o;
        String v = values.value(m.letter);
        spent += Math.max(v.length(), 1);
        if (spent > budget) {
          return null;
        }
        m.expandInto(out, v);
        if (out.length() > budget) {
          return null; // URL escaping can triple a value
        }
      }
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return text;
  }

  /** The values a macro expands to; supplied by the evaluation. */
  public interface MacroValues {
    /** The value of a lower-case macro letter, before transformation. */
    String value(char letter);
  }

  private static final class Macro {
    final char letter;
    final boolean upper;
    final int keep; // 0 = all
    final boolean reverse;
    final String delimiters;

    Macro(char letter, boolean upper, int keep, boolean reverse, String delimiters) {
      this.letter = letter;
      this.upper = upper;
      this.keep = keep;
      this.reverse = reverse;
      this.delimiters = delimiters;
    }

    static Macro parse(String body, boolean explanation, String whole) throws SpfSyntaxException {
      if (body.isEmpty()) {
        throw new SpfSyntaxException("empty macro in '" + whole + "'");
      }
      char raw = body.charAt(0);
      char letter = Character.toLowerCase(raw);
      boolean allowed =
          "slodiphv".indexOf(letter) >= 0 || (explanation && "crt".indexOf(letter) >= 0);
      if (!isAlpha(raw) || !allowed) {
        throw new SpfSyntaxException("invalid macro letter '" + raw + "' in '" + whole + "'");
      }
      int i = 1;
      int keep = 0;
      int digitsStart = i;
      while (i < body.length() && Character.isDigit(body.charAt(i))) {
        keep = Math.min(keep * 10 + (body.charAt(i) - '0'), 1000);
        i++;
      }
      if (i > digitsStart && keep == 0) {
        throw new SpfSyntaxException("macro keeps zero labels in '" + whole + "'");
      }
      boolean reverse = false;
      if (i < body.length() && (body.charAt(i) == 'r' || body.charAt(i) == 'R')) {
        reverse = true;
        i++;
      }
      String delims = body.substring(i);
      for (int k = 0; k < delims.length(); k++) {
        if (DELIMITERS.indexOf(delims.charAt(k)) < 0) {
          throw new SpfSyntaxException(
              "invalid macro delimiter '" + delims.charAt(k) + "' in '" + whole + "'");
        }
      }
      return new Macro(letter, raw != letter, keep, reverse, delims.isEmpty() ? "." : delims);
    }

    void expandInto(StringBuilder out, String v) {
      if (keep != 0 || reverse || !delimiters.equals(".")) {
        v = transform(v);
      }
      if (upper) {
        urlEscape(v, out);
      } else {
        out.append(v);
      }
    }

    private String transform(String v) {
      List<String> labels = new ArrayList<>();
      int start = 0;
      for (int i = 0; i < v.length(); i++) {
        if (delimiters.indexOf(v.charAt(i)) >= 0) {
          labels.add(v.substring(start, i));
          start = i + 1;
        }
      }
      labels.add(v.substring(start));
      if (reverse) {
        java.util.Collections.reverse(labels);
      }
      int from = keep == 0 ? 0 : Math.max(0, labels.size() - keep);
      return String.join(".", labels.subList(from, labels.size()));
    }

    private static void urlEscape(String v, StringBuilder out) {
      for (byte b : v.getBytes(StandardCharsets.UTF_8)) {
        int c = b & 0xff;
        if ((c >= 'a' && c <= 'z')
            || (c >= 'A' && c <= 'Z')
            || (c >= '0' && c <= '9')
            || c == '-'
            || c == '.'
            || c == '_'
            || c == '~') {
          out.append((char) c);
        } else {
          out.append('%')
              .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
              .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
        }
      }
    }
  }
}
