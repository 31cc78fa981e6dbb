package dev.mailwarden.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Byte tests on eight bytes at once (SIMD within a register) for the scanners of message bytes (the
 * header split, DKIM's tag-lists and body canonicalization). Each test sets the high bit of every
 * byte that matches. A borrow from a matching byte may also flag bytes above it, so two things are
 * exact, and they are all a scanner asks: whether any byte matches, and which matches first.
 * Little-endian, so the first match is {@code numberOfTrailingZeros >>> 3}. (The exact-per-byte
 * forms cost one or two operations more per word, and the scanners test every word.)
 */
public final class Swar {
  private Swar() {}

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  public static final long HIGH = 0x8080808080808080L;
  private static final long ONES = 0x0101010101010101L;

  /** The eight bytes at {@code b[i..i+8)}. */
  public static long get(byte[] b, int i) {
    return (long) LONGS.get(b, i);
  }

  /** Stores eight bytes at {@code b[i..i+8)}. */
  public static void set(byte[] b, int i, long w) {
    LONGS.set(b, i, w);
  }

  /**
   * The bytes from 0x00 to {@code max} (at most 0x7f); bytes from 0x80 never match. Above a match,
   * a byte equal to {@code max + 1} may be flagged too.
   */
  public static long atMost(long w, int max) {
    return (w - ONES * (max + 1)) & ~w & HIGH;
  }

  /**
   * The bytes equal to {@code c}. Above a match, a byte equal to {@code c ^ 1} may be flagged too.
   */
  public static long equal(long w, int c) {
    long x = w ^ (ONES * c);
    return (x - ONES) & ~x & HIGH;
  }

  /** How many bytes come before the first flagged one of {@code flags} (8 when none). */
  public static int firstFlagged(long flags) {
    return Long.numberOfTrailingZeros(flags) >>> 3;
  }
}
