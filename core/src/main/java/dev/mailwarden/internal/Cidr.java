package dev.mailwarden.internal;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Address;

/**
 * An IPv4 or IPv6 network in CIDR notation; a plain address is a /32 or /128. Immutable. The one
 * prefix comparison of the project ({@link #matches}): HELO/iprev trusted networks and special
 * ranges, SPF {@code ip4}/{@code ip6} and the {@code a}/{@code mx} dual-cidr-length.
 */
public final class Cidr {
  private final byte[] network;
  private final int prefix;

  private Cidr(byte[] network, int prefix) {
    this.network = network;
    this.prefix = prefix;
  }

  /**
   * Parses {@code 192.0.2.0/24}, {@code 2001:db8::/32} or a plain address (surrounding whitespace
   * ignored). Host bits below the prefix are cleared. Address literals only, never DNS (dnsjava's
   * literal parser: no leading zeros in IPv4 octets, no IPv6 scope). An IPv4-mapped IPv6 address
   * ({@code ::ffff:a.b.c.d}) is read as IPv4, so its prefix counts IPv4 bits.
   *
   * @throws IllegalArgumentException when the text is not a network
   */
  public static Cidr parse(String text) {
    requireNonNull(text, "cidr");
    String t = text.trim();
    int slash = t.indexOf('/');
    byte[] bytes = literal(slash < 0 ? t : t.substring(0, slash));
    if (bytes == null) {
      throw new IllegalArgumentException("not a CIDR network: '" + text + "'");
    }
    int max = bytes.length * 8;
    int prefix = max;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(t.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad prefix length in '" + text + "'", e);
      }
      if (prefix < 0 || prefix > max) {
        throw new IllegalArgumentException("prefix length out of range in '" + text + "'");
      }
    }
    return new Cidr(mask(bytes, prefix), prefix);
  }

  /** The network of the given prefix length that holds {@code address}. */
  public static Cidr of(InetAddress address, int prefix) {
    byte[] bytes = address.getAddress();
    if (prefix < 0 || prefix > bytes.length * 8) {
      throw new IllegalArgumentException("prefix length out of range: " + prefix);
    }
    return new Cidr(mask(bytes, prefix), prefix);
  }

  /** True when {@code address} is of the same family and inside this network. */
  public boolean contains(InetAddress address) {
    return matches(address.getAddress(), network, prefix);
  }

  /** True when the 4 or 16 {@code address} bytes are of the same family and inside this network. */
  public boolean contains(byte[] address) {
    return matches(address, network, prefix);
  }

  public int prefix() {
    return prefix;
  }

  /**
   * True if {@code a} and {@code b} have the same length and agree in their first {@code prefix}
   * bits ({@code prefix} at most their length in bits).
   */
  public static boolean matches(byte[] a, byte[] b, int prefix) {
    if (a.length != b.length) {
      return false;
    }
    int full = prefix >>> 3;
    for (int i = 0; i < full; i++) {
      if (a[i] != b[i]) {
        return false;
      }
    }
    int rem = prefix & 7;
    if (rem == 0) {
      return true;
    }
    int mask = (0xff << (8 - rem)) & 0xff;
    return ((a[full] ^ b[full]) & mask) == 0;
  }

  /** The 4 or 16 bytes of an IPv4 or IPv6 literal (IPv4-mapped read as IPv4), or null. */
  private static byte @Nullable [] literal(String s) {
    byte[] b = Address.toByteArray(s, Address.IPv4);
    if (b == null) {
      b = Address.toByteArray(s, Address.IPv6);
    }
    if (b == null) {
      return null;
    }
    try {
      return InetAddress.getByAddress(b).getAddress(); // the JDK unmaps ::ffff:a.b.c.d
    } catch (UnknownHostException e) {
      throw new AssertionError(e); // 4 or 16 bytes always make an address
    }
  }

  private static byte[] mask(byte[] bytes, int prefix) {
    byte[] out = bytes.clone();
    for (int i = 0; i < out.length; i++) {
      int bitsHere = Math.max(0, Math.min(8, prefix - i * 8));
      out[i] = (byte) (out[i] & (0xff << (8 - bitsHere)));
    }
    return out;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(network) * 31 + prefix;
  }

  /** {@code 192.0.2.0/24}; IPv6 in the RFC 5952 form ({@code 2001:db8::/32}). */
  @Override
  public String toString() {
    return (network.length == 4 ? Address.toDottedQuad(network) : ipv6Text(network)) + "/" + prefix;
  }

  /**
   * RFC 5952 section 4: lower-case hex without leading zeros, the longest run of two or more zero
   * groups (the first of equal runs) as {@code ::}.
   */
  static String ipv6Text(byte[] a) {
    int[] g = new int[8];
    for (int i = 0; i < 8; i++) {
      g[i] = ((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLen = 1;
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && g[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder out = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        out.append("::");
        i += bestLen - 1;
        continue;
      }
      if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      out.append(Integer.toHexString(g[i]));
    }
    return out.toString();
  }
}
