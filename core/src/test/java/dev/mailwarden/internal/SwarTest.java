package dev.mailwarden.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The eight-byte tests flag exactly the bytes a byte-by-byte test would, whatever their neighbours.
 */
class SwarTest {

  @Test
  void everyByteIsFlaggedExactly_forRandomAndEdgeWords() {
    Random random = new Random(6);
    byte[] edges = {0, 1, 9, 10, 13, 31, 32, 33, 59, 126, 127, (byte) 0x80, (byte) 0xa0, -1};
    byte[] b = new byte[16];
    for (int round = 0; round < 20_000; round++) {
      for (int k = 0; k < b.length; k++) {
        b[k] = random.nextBoolean() ? edges[random.nextInt(edges.length)] : (byte) random.nextInt();
      }
      int at = random.nextInt(9);
      long w = Swar.get(b, at);
      for (int max : new int[] {0x1f, ' '}) {
        assertThat(Swar.atMost(w, max)).isEqualTo(reference(b, at, c -> c <= max));
      }
      for (int c : new int[] {'\n', ':', ';', 0x7f, 0}) {
        assertThat(Swar.equal(w, c)).isEqualTo(reference(b, at, x -> x == c));
      }
      long flags = reference(b, at, x -> x == ' ');
      int first = 0;
      while (first < 8 && b[at + first] != ' ') {
        first++;
      }
      assertThat(Swar.firstFlagged(flags)).isEqualTo(first);
    }
  }

  @Test
  void setStoresTheEightBytesGetRead() {
    byte[] from = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    byte[] to = new byte[10];
    Swar.set(to, 2, Swar.get(from, 1));
    assertThat(to).containsExactly(0, 0, 2, 3, 4, 5, 6, 7, 8, 9);
  }

  /** The high bit of byte k set when byte {@code at + k} (unsigned) passes. */
  private static long reference(byte[] b, int at, java.util.function.IntPredicate test) {
    long flags = 0;
    for (int k = 0; k < 8; k++) {
      if (test.test(b[at + k] & 0xff)) {
        flags |= 0x80L << (8 * k);
      }
    }
    return flags;
  }
}
