package dev.mailwarden.auth.helo.internal;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds an IPv4 client address spelled inside a host name, the mark of generic names that ISPs give
 * to whole address blocks: {@code c-73-15-22-101.example.net}, {@code 101.22.15.73.dsl.example.net}
 * (reversed), {@code dslb-088-065-012-034} (zero-padded), {@code p5B0C1D2E.dip0.example.de} (hex),
 * or the last three octets only.
 */
public final class EmbeddedIp {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private EmbeddedIp() {}

  /** The form in which the address appears, e.g. {@code "73-15-22-101"}; empty if it does not. */
  public static Optional<String> find(String lowerCaseName, InetAddress client) {
    if (!(client instanceof Inet4Address)) {
      return Optional.empty();
    }
    byte[] a = client.getAddress();
    int[] o = {a[0] & 0xff, a[1] & 0xff, a[2] & 0xff, a[3] & 0xff};
    StringBuilder hexBuilder = new StringBuilder(8);
    for (int octet : o) {
      hexBuilder.append(HEX[octet >> 4]).append(HEX[octet & 0xf]);
    }
    String hex = hexBuilder.toString();
    int at = indexBounded(lowerCaseName, hex, true);
    if (at >= 0) {
      return Optional.of(hex + " (hex)");
    }
    if (lowerCaseName.indexOf(Integer.toString(o[3])) < 0) {
      return Optional.empty(); // every decimal form holds the last octet's digits
    }
    for (String candidate : decimalForms(o)) {
      if (indexBounded(lowerCaseName, candidate, false) >= 0) {
        return Optional.of(candidate);
      }
    }
    for (String candidate : threeOctetForms(o)) {
      if (indexStandalone(lowerCaseName, candidate) >= 0) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static List<String> decimalForms(int[] o) {
    List<String> out = new ArrayList<>(24);
    int[] reversed = {o[3], o[2], o[1], o[0]};
    for (int[] order : new int[][] {o, reversed}) {
      for (String sep : new String[] {"-", ".", "_"}) {
        out.add(join(order, 0, 4, sep, false));
        out.add(join(order, 0, 4, sep, true));
      }
      out.add(join(order, 0, 4, "", true)); // 088065012034
    }
    return out;
  }

  /** Three octets: the host part of a /8's generic naming (b-c-d) or its reverse (d-c-b). */
  private static List<String> threeOctetForms(int[] o) {
    int[] reversed = {o[3], o[2], o[1], o[0]};
    List<String> out = new ArrayList<>(4);
    for (String sep : new String[] {"-", "."}) {
      out.add(join(o, 1, 4, sep, false));
      out.add(join(reversed, 0, 3, sep, false));
    }
    return out;
  }

  /**
   * Like {@link #indexBounded} for decimals, and also not part of a longer run of numbers ({@code
   * 173-15-22-101} does not contain the three octets {@code 15-22-101} of 73.15.22.101).
   */
  private static int indexStandalone(String hay, String needle) {
    int from = 0;
    while (true) {
      int i = hay.indexOf(needle, from);
      if (i < 0) {
        return -1;
      }
      int end = i + needle.length();
      boolean before =
          i == 0
              || (!isNumberChar(hay.charAt(i - 1), false)
                  && !(isSeparator(hay.charAt(i - 1))
                      && i >= 2
                      && isNumberChar(hay.charAt(i - 2), false)));
      boolean after =
          end == hay.length()
              || (!isNumberChar(hay.charAt(end), false)
                  && !(isSeparator(hay.charAt(end))
                      && end + 1 < hay.length()
                      && isNumberChar(hay.charAt(end + 1), false)));
      if (before && after) {
        return i;
      }
      from = i + 1;
    }
  }

  private static boolean isSeparator(char c) {
    return c == '-' || c == '.' || c == '_';
  }

  private static String join(int[] octets, int from, int to, String sep, boolean padded) {
    StringBuilder b = new StringBuilder(16);
    for (int i = from; i < to; i++) {
      if (i > from) {
        b.append(sep);
      }
      int v = octets[i];
      if (padded && v < 100) {
        b.append(v < 10 ? "00" : "0");
      }
      b.append(v);
    }
    return b.toString();
  }

  /** First index of {@code needle} not touching another digit (or hex digit for hex). */
  private static int indexBounded(String hay, String needle, boolean hex) {
    int from = 0;
    while (true) {
      int i = hay.indexOf(needle, from);
      if (i < 0) {
        return -1;
      }
      int end = i + needle.length();
      boolean before = i == 0 || !isNumberChar(hay.charAt(i - 1), hex);
      boolean after = end == hay.length() || !isNumberChar(hay.charAt(end), hex);
      if (before && after) {
        return i;
      }
      from = i + 1;
    }
  }

  private static boolean isNumberChar(char c, boolean hex) {
    return (c >= '0' && c <= '9') || (hex && c >= 'a' && c <= 'f');
  }
}
