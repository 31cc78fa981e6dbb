package dev.mailwarden.auth.helo.internal;

import static java.util.Objects.requireNonNull;

import com.google.common.net.InetAddresses;
import java.net.InetAddress;
import java.util.Arrays;

/** An IPv4 or IPv6 network in CIDR notation; a plain address is a /32 or /128. Immutable. */
public final class Cidr {
  private final byte[] network;
  private final int prefix;
  private final String text;

  private Cidr(byte[] network, int prefix) {
    this.network = network;
    this.prefix = prefix;
    this.text = InetAddresses.toAddrString(toAddress(network)) + "/" + prefix;
  }

  /**
   * Parses {@code 192.0.2.0/24}, {@code 2001:db8::/32} or a plain address. Host bits below the
   * prefix are cleared.
   *
   * @throws IllegalArgumentException when the text is not a network
   */
  public static Cidr parse(String text) {
    requireNonNull(text, "cidr");
    String t = text.trim();
    int slash = t.indexOf('/');
    String addressPart = slash < 0 ? t : t.substring(0, slash);
    InetAddress address;
    try {
      address = InetAddresses.forString(addressPart);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a CIDR network: '" + text + "'", e);
    }
    byte[] bytes = address.getAddress();
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
    byte[] a = address.getAddress();
    if (a.length != network.length) {
      return false;
    }
    return Arrays.equals(mask(a, prefix), network);
  }

  public int prefix() {
    return prefix;
  }

  private static byte[] mask(byte[] bytes, int prefix) {
    byte[] out = bytes.clone();
    for (int i = 0; i < out.length; i++) {
      int bitsHere = Math.max(0, Math.min(8, prefix - i * 8));
      out[i] = (byte) (out[i] & (0xff << (8 - bitsHere)));
    }
    return out;
  }

  private static InetAddress toAddress(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e); // 4 or 16 bytes always make an address
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(network) * 31 + prefix;
  }

  @Override
  public String toString() {
    return text;
  }
}
