package dev.mailwarden.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Byte tests on eight bytes at once (SIMD within a register) for the scanners of message bytes (the
 * header split, DKIM's tag-lists and body canonicalization). Each test sets the high bit of every
 * byte that matches and no other: exact per byte, no carries between bytes. Little-endian, so the
 * first match is {@code numberOfTrailingZeros >>> 3}.
 */
public final class Swar {
  private Swar() {}

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  public static final long HIGH = 0x8080808080808080L;
  public static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;
  private static final long ONES = 0x0101010101010101L;

  /** The eight bytes at {@code b[i..i+8)}. */
  public static long get(byte[] b, int i) {
    return (long) LONGS.get(b, i);
  }

  /** Stores eight bytes at {@code b[i..i+8)}. */
  public static void set(byte[] b, int i, long w) {
    LONGS.set(b, i, w);
  }

  /** The bytes from 0x00 to {@code max} (at most 0x7f); bytes from 0x80 never match. */
  public static long atMost(long w, int max) {
    return ((HIGH | (ONES * max)) - (w & LOW7)) & ~w & HIGH;
  }

  /** The bytes equal to {@code c}. */
  public static long equal(long w, int c) {
    long x = w ^ (ONES * c);
    return ~(((x & LOW7) + LOW7) | x | LOW7);
  }

  /** How many bytes come before the first flagged one of {@code flags} (8 when none). */
  public static int firstFlagged(long flags) {
    return Long.numberOfTrailingZeros(flags) >>> 3;
  }
}
