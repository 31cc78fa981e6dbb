package dev.mailwarden.auth.helo.internal;

import com.google.common.net.InetAddresses;
import java.net.IDN;
import java.net.InetAddress;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Classifies a HELO/EHLO argument by the grammar of RFC 5321 section 4.1.2 (Domain,
 * address-literal) and section 4.1.3 (IPv4/IPv6 literals), accepting U-labels (RFC 6531) by
 * converting them to A-labels. Pure and total: any string gives a {@link ParsedHelo}, never an
 * exception.
 */
public final class HeloParser {
  /** RFC 5321 section 4.5.3.1.2. */
  public static final int MAX_DOMAIN_OCTETS = 255;

  private static final int MAX_LABEL_OCTETS = 63;

  /** Longer input is certainly invalid; stop before doing work proportional to it. */
  private static final int MAX_INPUT = 4 * MAX_DOMAIN_OCTETS;

  private HeloParser() {}

  public static ParsedHelo parse(@Nullable String raw) {
    if (raw == null) {
      return new ParsedHelo.Missing();
    }
    String s = stripSpaces(raw);
    if (s.isEmpty()) {
      return new ParsedHelo.Invalid("empty HELO argument");
    }
    if (s.length() > MAX_INPUT) {
      return new ParsedHelo.Invalid("longer than " + MAX_DOMAIN_OCTETS + " octets");
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= 0x20 || c == 0x7f || Character.isWhitespace(c) || Character.isISOControl(c)) {
        return new ParsedHelo.Invalid("contains white space or control characters");
      }
    }
    if (s.charAt(0) == '[') {
      return parseLiteral(s);
    }
    if (s.indexOf(':') >= 0) {
      InetAddress v6 = ipv6(s);
      return v6 != null
          ? new ParsedHelo.BareIp(v6)
          : new ParsedHelo.Invalid("':' is only allowed inside an address literal");
    }
    InetAddress v4 = ipv4(s);
    if (v4 != null) {
      return new ParsedHelo.BareIp(v4);
    }
    return parseDomain(s);
  }

  private static ParsedHelo parseLiteral(String s) {
    if (s.length() < 3 || s.charAt(s.length() - 1) != ']') {
      return new ParsedHelo.Invalid("unterminated address literal");
    }
    String inner = s.substring(1, s.length() - 1);
    if (inner.regionMatches(true, 0, "IPv6:", 0, 5)) {
      InetAddress v6 = ipv6(inner.substring(5));
      return v6 == null
          ? new ParsedHelo.Invalid("malformed IPv6 address literal")
          : new ParsedHelo.Literal(v6);
    }
    if (inner.indexOf(':') >= 0) {
      // General-address-literal (section 4.1.3): valid grammar, but no other tag is registered.
      return new ParsedHelo.Invalid("unknown address-literal tag");
    }
    InetAddress v4 = ipv4(inner);
    return v4 == null
        ? new ParsedHelo.Invalid("malformed IPv4 address literal")
        : new ParsedHelo.Literal(v4);
  }

  private static ParsedHelo parseDomain(String s) {
    String ascii;
    if (isAscii(s)) {
      ascii = s.toLowerCase(Locale.ROOT);
    } else {
      try {
        // U-labels (RFC 6531): compare and query in A-label form
        ascii = IDN.toASCII(s).toLowerCase(Locale.ROOT);
      } catch (RuntimeException e) {
        // IllegalArgumentException is documented; stay total on anything the JDK throws for odd
        // input
        return new ParsedHelo.Invalid("not a valid internationalized domain name");
      }
      if (!isAscii(ascii)) {
        return new ParsedHelo.Invalid("not a valid internationalized domain name");
      }
    }
    if (ascii.isEmpty()) {
      return new ParsedHelo.Invalid("empty domain");
    }
    if (ascii.length() > MAX_DOMAIN_OCTETS) {
      return new ParsedHelo.Invalid(
          "longer than " + MAX_DOMAIN_OCTETS + " octets (" + ascii.length() + ")");
    }
    if (ascii.endsWith(".")) {
      return new ParsedHelo.Invalid("ends with a dot");
    }
    int labels = 0;
    int start = 0;
    boolean lastAllDigits = false;
    while (start <= ascii.length()) {
      int dot = ascii.indexOf('.', start);
      int end = dot < 0 ? ascii.length() : dot;
      String problem = labelProblem(ascii, start, end);
      if (problem != null) {
        return new ParsedHelo.Invalid(problem);
      }
      lastAllDigits = allDigits(ascii, start, end);
      labels++;
      if (dot < 0) {
        break;
      }
      start = dot + 1;
    }
    if (lastAllDigits) {
      // looks like a mistyped address; no top-level domain is all digits (RFC 3696 section 2)
      return new ParsedHelo.Invalid("all-numeric top-level label");
    }
    return new ParsedHelo.Hostname(ascii, labels);
  }

  private static @Nullable String labelProblem(String s, int start, int end) {
    int length = end - start;
    if (length == 0) {
      return "empty label";
    }
    if (length > MAX_LABEL_OCTETS) {
      return "label longer than " + MAX_LABEL_OCTETS + " octets";
    }
    for (int i = start; i < end; i++) {
      char c = s.charAt(i);
      boolean letDig = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      if (!letDig && c != '-') {
        return "character '" + printable(c) + "' not allowed in a host name";
      }
    }
    if (s.charAt(start) == '-' || s.charAt(end - 1) == '-') {
      return "label starts or ends with '-'";
    }
    return null;
  }

  /** A dotted quad as in RFC 5321 (1 to 3 digits, 0 to 255 each), or null. */
  static @Nullable InetAddress ipv4(String s) {
    byte[] bytes = new byte[4];
    int part = 0;
    int value = 0;
    int digits = 0;
    for (int i = 0; i <= s.length(); i++) {
      char c = i < s.length() ? s.charAt(i) : '.';
      if (c >= '0' && c <= '9') {
        if (++digits > 3) {
          return null;
        }
        value = value * 10 + (c - '0');
      } else if (c == '.') {
        if (digits == 0 || value > 255 || part > 3) {
          return null;
        }
        bytes[part++] = (byte) value;
        value = 0;
        digits = 0;
      } else {
        return null;
      }
    }
    if (part != 4) {
      return null;
    }
    try {
      return InetAddress.getByAddress(bytes);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  /** An IPv6 address in the text forms of RFC 4291 section 2.2 (no zone index), or null. */
  static @Nullable InetAddress ipv6(String s) {
    if (s.isEmpty() || s.length() > 45 || s.indexOf(':') < 0) {
      return null;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= '0' && c <= '9')
              || (c >= 'a' && c <= 'f')
              || (c >= 'A' && c <= 'F')
              || c == ':'
              || c == '.';
      if (!ok) {
        return null;
      }
    }
    try {
      return InetAddresses.forString(s);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static boolean allDigits(String s, int start, int end) {
    for (int i = start; i < end; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return end > start;
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  private static String stripSpaces(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && s.charAt(start) == ' ') {
      start++;
    }
    while (end > start && s.charAt(end - 1) == ' ') {
      end--;
    }
    return s.substring(start, end);
  }

  private static String printable(char c) {
    return c < 0x20 || c >= 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c);
  }
}
