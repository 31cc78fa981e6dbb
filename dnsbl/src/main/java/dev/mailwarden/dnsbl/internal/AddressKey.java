package dev.mailwarden.dnsbl.internal;

import dev.mailwarden.internal.ReverseNames;
import java.net.InetAddress;

/**
 * An IP address as two longs, for cache keys without strings. IPv4 (and IPv4-mapped IPv6) is held
 * in its mapped form {@code ::ffff:a.b.c.d}, so both spellings of one address are one key.
 */
public final class AddressKey {
  private static final long MAPPED_PREFIX = 0xffff_0000_0000L;

  final long hi;
  final long lo;

  private AddressKey(long hi, long lo) {
    this.hi = hi;
    this.lo = lo;
  }

  public static AddressKey of(InetAddress ip) {
    byte[] a = ip.getAddress();
    if (a.length == 4) {
      return new AddressKey(0, MAPPED_PREFIX | (readInt(a, 0) & 0xffff_ffffL));
    }
    return new AddressKey(readLong(a, 0), readLong(a, 8));
  }

  /** True for IPv4 (including IPv4-mapped IPv6, queried as IPv4 per RFC 5782). */
  public boolean isIpv4() {
    return hi == 0 && (lo >>> 32) == 0xffffL;
  }

  /** The IPv4 address as a big-endian int (only when {@link #isIpv4()}). */
  public int ipv4() {
    return (int) lo;
  }

  public long high() {
    return hi;
  }

  public long low() {
    return lo;
  }

  private static int readInt(byte[] a, int at) {
    return ((a[at] & 0xff) << 24)
        | ((a[at + 1] & 0xff) << 16)
        | ((a[at + 2] & 0xff) << 8)
        | (a[at + 3] & 0xff);
  }

  private static long readLong(byte[] a, int at) {
    return ((long) readInt(a, at) << 32) | (readInt(a, at + 4) & 0xffff_ffffL);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AddressKey k && k.hi == hi && k.lo == lo;
  }

  @Override
  public int hashCode() {
    long h = hi * 0x9E37_79B9_7F4A_7C15L + lo;
    h ^= h >>> 31;
    return (int) (h ^ (h >>> 32));
  }

  @Override
  public String toString() {
    return isIpv4()
        ? ReverseNames.dottedQuad(ipv4())
        : Long.toHexString(hi) + ":" + Long.toHexString(lo);
  }
}
