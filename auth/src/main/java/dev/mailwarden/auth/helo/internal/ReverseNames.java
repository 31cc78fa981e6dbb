package dev.mailwarden.auth.helo.internal;

import java.net.InetAddress;

/**
 * The PTR query name of an address: {@code in-addr.arpa} (RFC 1035) or {@code ip6.arpa} (RFC 3596).
 */
public final class ReverseNames {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private ReverseNames() {}

  public static String of(InetAddress address) {
    byte[] a = address.getAddress();
    StringBuilder b = new StringBuilder(a.length == 4 ? 29 : 73);
    if (a.length == 4) {
      for (int i = 3; i >= 0; i--) {
        b.append(a[i] & 0xff).append('.');
      }
      return b.append("in-addr.arpa").toString();
    }
    for (int i = 15; i >= 0; i--) {
      b.append(HEX[a[i] & 0xf]).append('.').append(HEX[(a[i] >> 4) & 0xf]).append('.');
    }
    return b.append("ip6.arpa").toString();
  }
}
