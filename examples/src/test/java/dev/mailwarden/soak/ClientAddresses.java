package dev.mailwarden.soak;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The i-th client address of a run, computed on demand so a test of 10 million clients stores none
 * of them: even indices are IPv4, odd ones IPv6. Every index gives a distinct address (and a
 * distinct IPv6 /64, the rate limiter's IPv6 key), spread over the whole address space.
 *
 * <ul>
 *   <li>IPv4: a bijection of the 32-bit index (xor-shift-multiply steps are invertible), so no two
 *       indices below 2^33 share an address;
 *   <li>IPv6: the upper 64 bits are a bijection of the index plus one (never zero, so never an
 *       IPv4-mapped address), the lower 64 bits a pseudo-random interface identifier.
 * </ul>
 */
final class ClientAddresses {
  private final long seed;

  ClientAddresses(long seed) {
    this.seed = seed;
  }

  static boolean isIpv6(long index) {
    return (index & 1) == 1;
  }

  /** The address bytes (4 or 16) of client {@code index}. */
  byte[] bytes(long index) {
    long n = index >>> 1;
    if (!isIpv6(index)) {
      int v = mix32((int) n ^ (int) seed);
      return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }
    long hi = SyntheticLists.mix(n + 1 + (seed << 34));
    if (hi == 0) {
      hi = 1; // unreachable for n + 1 != 0; kept so an address is never IPv4-compatible
    }
    long lo = SyntheticLists.mix(~n ^ seed);
    byte[] b = new byte[16];
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (hi >>> (56 - 8 * i));
      b[8 + i] = (byte) (lo >>> (56 - 8 * i));
    }
    return b;
  }

  InetAddress address(long index) {
    try {
      return InetAddress.getByAddress(bytes(index));
    } catch (UnknownHostException e) {
      throw new AssertionError(e); // 4 or 16 bytes are always an address
    }
  }

  /** MurmurHash3's 32-bit finalizer: a bijection on int. */
  private static int mix32(int h) {
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }
}
