package dev.mailwarden.auth.spf.internal;

import org.jspecify.annotations.Nullable;

/** Domain-name checks of RFC 7208 sections 4.3 and 7.3. */
public final class Domains {
  private Domains() {}

  /**
   * Whether {@code domain} can be checked at all (RFC 7208 section 4.3): a multi-label name, no
   * empty label (a single trailing dot is fine), no label over 63 octets, at most 253 octets, no
   * domain literal, no whitespace or control characters.
   */
  public static boolean isValidCheckDomain(String domain) {
    String d = stripDot(domain);
    if (d.isEmpty() || d.length() > 253 || d.indexOf('.') < 0 || d.startsWith("[")) {
      return false;
    }
    for (int i = 0; i < d.length(); i++) {
      char c = d.charAt(i);
      if (c <= ' ' || c >= 0x7f) {
        return false;
      }
    }
    return labelsValid(d);
  }

  /**
   * The name to query for an expanded domain-spec (RFC 7208 section 7.3): without its trailing dot,
   * cut from the left label by label to at most 253 octets; null when it cannot be a DNS name
   * (empty label or a label over 63 octets), which makes the mechanism not match.
   */
  public static @Nullable String lookupName(String expanded) {
    String d = stripDot(expanded);
    if (d.length() > 253) {
      // one cut, not one per label: the longest suffix after a dot that fits is what removing
      // labels from the left one at a time would reach (linear, where a loop of substrings is not)
      int dot = d.indexOf('.', d.length() - 254);
      if (dot < 0) {
        return null;
      }
      d = d.substring(dot + 1);
    }
    if (d.isEmpty() || !labelsValid(d)) {
      return null;
    }
    return d;
  }

  private static boolean labelsValid(String d) {
    int start = 0;
    while (true) {
      int dot = d.indexOf('.', start);
      int end = dot < 0 ? d.length() : dot;
      int len = end - start;
      if (len == 0 || len > 63) {
        return false;
      }
      if (dot < 0) {
        return true;
      }
      start = dot + 1;
    }
  }

  static String stripDot(String name) {
    return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
  }

  /** True if {@code name} equals {@code domain} or lies below it, ignoring ASCII case. */
  static boolean isAtOrBelow(String name, String domain) {
    String n = stripDot(name);
    String d = stripDot(domain);
    if (n.length() == d.length()) {
      return n.equalsIgnoreCase(d);
    }
    return n.length() > d.length()
        && n.charAt(n.length() - d.length() - 1) == '.'
        && n.regionMatches(true, n.length() - d.length(), d, 0, d.length());
  }
}
