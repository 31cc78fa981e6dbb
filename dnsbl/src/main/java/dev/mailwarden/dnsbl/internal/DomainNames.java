package dev.mailwarden.dnsbl.internal;

import java.net.IDN;
import java.util.Locale;
import java.util.Optional;

/** Normalizes domain names for domain lists: lower case, A-labels, no trailing dot. */
public final class DomainNames {
  private DomainNames() {}

  /**
   * The name in the form queried: IDN converted to A-labels, lower case, trailing dot removed.
   * Empty for address literals, IP addresses, single labels and names that are not valid host names
   * (they would only waste a query or, on Spamhaus DBL, earn an error code).
   */
  public static Optional<String> normalize(String raw) {
    String s = raw.trim();
    if (s.endsWith(".")) {
      s = s.substring(0, s.length() - 1);
    }
    if (s.isEmpty() || s.startsWith("[") || s.indexOf('.') < 0) {
      return Optional.empty();
    }
    String ascii;
    try {
      ascii = IDN.toASCII(s, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException notAName) {
      return Optional.empty();
    }
    if (ascii.length() > 253 || looksLikeIpv4(ascii)) {
      return Optional.empty();
    }
    int labelStart = 0;
    for (int i = 0; i <= ascii.length(); i++) {
      char c = i == ascii.length() ? '.' : ascii.charAt(i);
      if (c == '.') {
        int len = i - labelStart;
        if (len < 1 || len > 63) {
          return Optional.empty();
        }
        labelStart = i + 1;
      } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
        return Optional.empty();
      }
    }
    return Optional.of(ascii);
  }

  /** The domain part of an address ({@code local@domain}), normalized. */
  public static Optional<String> ofAddress(String address) {
    int at = address.lastIndexOf('@');
    return at < 0 ? Optional.empty() : normalize(address.substring(at + 1));
  }

  private static boolean looksLikeIpv4(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '.' && (c < '0' || c > '9')) {
        return false;
      }
    }
    return true;
  }
}
