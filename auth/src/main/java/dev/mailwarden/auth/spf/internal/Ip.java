package dev.mailwarden.auth.spf.internal;

import com.google.common.net.InetAddresses;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Address parsing (RFC 7208 ip4/ip6 syntax) and the address forms of SPF macros. */
public final class Ip {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private Ip() {}

  /** Strict dotted quad (RFC 7208 ip4-network: no leading zeros), or null. */
  static byte @Nullable [] parseIpv4(String s) {
    byte[] out = new byte[4];
    int part = 0;
    int i = 0;
    int n = s.length();
    while (part < 4) {
      int start = i;
      int v = 0;
      while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9' && i - start < 3) {
        v = v * 10 + (s.charAt(i) - '0');
        i++;
      }
      int len = i - start;
      if (len == 0 || v > 255 || (len > 1 && s.charAt(start) == '0')) {
        return null;
      }
      out[part++] = (byte) v;
      if (part < 4) {
        if (i >= n || s.charAt(i) != '.') {
          return null;
        }
        i++;
      }
    }
    return i == n ? out : null;
  }

  /** An IPv6 address in RFC 4291 text form as 16 bytes, or null. */
  static byte @Nullable [] parseIpv6(String s) {
    if (s.indexOf(':') < 0) {
      return null;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          c == ':'
              || c == '.'
              || (c >= '0' && c <= '9')
              || (c >= 'a' && c <= 'f')
              || (c >= 'A' && c <= 'F');
      if (!ok) {
        return null;
      }
    }
    if (!InetAddresses.isInetAddress(s)) {
      return null;
    }
    InetAddress a = InetAddresses.forString(s);
    byte[] b = a.getAddress();
    if (b.length == 4) { // ::ffff:a.b.c.d comes back as IPv4; keep the IPv6 form
      byte[] v6 = new byte[16];
      v6[10] = (byte) 0xff;
      v6[11] = (byte) 0xff;
      System.arraycopy(b, 0, v6, 12, 4);
      return v6;
    }
    return b;
  }

  /** The {@code %{i}} form: dotted quad, or 32 dot-separated upper-case nibbles for IPv6. */
  static String macroForm(byte[] ip) {
    if (ip.length == 4) {
      return (ip[0] & 0xff) + "." + (ip[1] & 0xff) + "." + (ip[2] & 0xff) + "." + (ip[3] & 0xff);
    }
    char[] out = new char[63];
    int k = 0;
    for (int i = 0; i < 16; i++) {
      int b = ip[i] & 0xff;
      if (k > 0) {
        out[k++] = '.';
      }
      out[k++] = HEX[b >> 4];
      out[k++] = '.';
      out[k++] = HEX[b & 0xf];
    }
    return new String(out, 0, k);
  }

  /** The {@code %{c}} form: dotted quad or RFC 5952 compressed lower-case IPv6. */
  static String readable(InetAddress ip) {
    return ip instanceof Inet4Address
        ? ip.getHostAddress()
        : InetAddresses.toAddrString(ip).toLowerCase(Locale.ROOT);
  }
}
