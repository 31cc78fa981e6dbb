package dev.mailwarden.internal;

import java.net.IDN;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Domain names as the checks compare and query them: trailing dots, case, A-labels (IDN) and the
 * length rules of RFC 1035 (63 octets a label, 253 a name). Public-suffix questions need the PSL
 * and live in {@code auth} (Guava's {@code InternetDomainName}).
 *
 * <p>The copies this replaced differed, and each caller keeps what it had: SPF compares and cuts
 * names as RFC 7208 says ({@link #isValidCheckDomain}, {@link #lookupName}); HELO and DMARC
 * normalize with {@link #canonical} / {@link #toAscii}; DNS lists skip what is not worth a query
 * ({@link #hostName}).
 */
public final class DomainNames {
  private static final int MAX_NAME = 253;
  private static final int MAX_LABEL = 63;

  private DomainNames() {}

  /** {@code name} without one trailing dot; the root {@code "."} stays as it is. */
  public static String stripDot(String name) {
    return name.length() > 1 && name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
  }

  /** Trimmed, lower case, without a trailing dot (the root {@code "."} stays as it is). */
  public static String canonical(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    return n.endsWith(".") && n.length() > 1 ? n.substring(0, n.length() - 1) : n;
  }

  /**
   * True if {@code name} equals {@code domain} or lies below it (at a label boundary), ignoring
   * ASCII case and one trailing dot on either.
   */
  public static boolean isAtOrBelow(String name, String domain) {
    String n = stripDot(name);
    String d = stripDot(domain);
    if (n.length() == d.length()) {
      return n.equalsIgnoreCase(d);
    }
    return n.length() > d.length()
        && n.charAt(n.length() - d.length() - 1) == '.'
        && n.regionMatches(true, n.length() - d.length(), d, 0, d.length());
  }

  /**
   * A name (no trailing dot) in the form DNS holds: IDN converted to A-labels ({@code
   * IDN.ALLOW_UNASSIGNED}), lower case, at most 253 octets, every label 1 to 63 of {@code a-z 0-9 -
   * _}. Null when it cannot be one. Single labels are accepted; callers decide.
   */
  public static @Nullable String toAscii(String name) {
    String ascii;
    try {
      ascii = IDN.toASCII(name, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException notAName) {
      return null;
    }
    return isAsciiName(ascii) ? ascii : null;
  }

  /**
   * Whether {@code name} (no trailing dot) is a domain name in A-label form: at most 253 octets,
   * every label 1 to 63 of {@code a-z A-Z 0-9 - _} (DKIM and ARC {@code d=} and {@code s=}).
   */
  public static boolean isAsciiName(String name) {
    if (name.isEmpty() || name.length() > MAX_NAME) {
      return false;
    }
    int labelLength = 0;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '.') {
        if (labelLength == 0) {
          return false;
        }
        labelLength = 0;
      } else if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_') {
        if (++labelLength > MAX_LABEL) {
          return false;
        }
      } else {
        return false;
      }
    }
    return labelLength > 0;
  }

  /**
   * A host name worth a DNS list query ({@link #toAscii} of the trimmed name without its trailing
   * dot). Empty for address literals, dotted quads, single labels and what is not a valid name:
   * they would only waste a query or, on Spamhaus DBL, earn an error code.
   */
  public static Optional<String> hostName(String raw) {
    String s = stripDot(raw.trim());
    if (s.isEmpty() || s.startsWith("[") || s.indexOf('.') < 0) {
      return Optional.empty();
    }
    String ascii = toAscii(s);
    return ascii == null || looksLikeIpv4(ascii) ? Optional.empty() : Optional.of(ascii);
  }

  /** The {@link #hostName} of the domain part of {@code local@domain}. */
  public static Optional<String> hostNameOfAddress(String address) {
    int at = address.lastIndexOf('@');
    return at < 0 ? Optional.empty() : hostName(address.substring(at + 1));
  }

  /**
   * Whether {@code domain} can be checked at all (RFC 7208 section 4.3): a multi-label name, no
   * empty label (a single trailing dot is fine), no label over 63 octets, at most 253 octets, no
   * domain literal, no whitespace or control characters.
   */
  public static boolean isValidCheckDomain(String domain) {
    String d = stripDot(domain);
    if (d.isEmpty() || d.length() > MAX_NAME || d.indexOf('.') < 0 || d.startsWith("[")) {
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
    if (d.length() > MAX_NAME) {
      // one cut, not one per label: the longest suffix after a dot that fits is what removing
      // labels from the left one at a time would reach (linear, where a loop of substrings is not)
      int dot = d.indexOf('.', d.length() - (MAX_NAME + 1));
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

  /** Every label 1 to 63 characters (any characters). */
  private static boolean labelsValid(String d) {
    int start = 0;
    while (true) {
      int dot = d.indexOf('.', start);
      int end = dot < 0 ? d.length() : dot;
      int len = end - start;
      if (len == 0 || len > MAX_LABEL) {
        return false;
      }
      if (dot < 0) {
        return true;
      }
      start = dot + 1;
    }
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
