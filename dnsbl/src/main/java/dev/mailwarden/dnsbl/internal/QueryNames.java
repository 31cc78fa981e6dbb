package dev.mailwarden.dnsbl.internal;

/** Builds RFC 5782 query names with one char array, no splitting or concatenation chains. */
public final class QueryNames {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private QueryNames() {}

  /** {@code d.c.b.a.zone} for the IPv4 address {@code a.b.c.d} (section 2.1). */
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

  /** 32 nibbles in reverse order, each followed by a dot, then the zone (section 2.4). */
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

  /** The query name for an address key: IPv4 form for IPv4 and IPv4-mapped addresses. */
  public static String forKey(AddressKey key, String zone) {
    return key.isIpv4() ? ipv4(key.ipv4(), zone) : ipv6(key.hi, key.lo, zone);
  }

  /** {@code domain.zone} (section 2.3); the domain is already normalized. */
  public static String domain(String domain, String zone) {
    return domain + "." + zone;
  }

  static String formatIpv4(int address) {
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
}
