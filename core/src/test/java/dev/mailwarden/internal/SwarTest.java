package dev.mailwarden.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The eight-byte tests flag every byte a byte-by-byte test would, and agree with it on what the
 * scanners ask: whether any byte matches and which matches first. A byte flagged beyond that is the
 * documented neighbour value, above a match.
 */
class SwarTest {

  @Test
  void firstMatchAndAnyMatchAreExact_forRandomAndEdgeWords() {
    Random random = new Random(6);
    byte[] edges = {
      0, 1, 9, 10, 11, 13, 31, 32, 33, 58, 59, 60, 126, 127, (byte) 0x80, (byte) 0xa0, -1
    };
    byte[] b = new byte[16];
    int spurious = 0;
    for (int round = 0; round < 20_000; round++) {
      for (int k = 0; k < b.length; k++) {
        b[k] = random.nextBoolean() ? edges[random.nextInt(edges.length)] : (byte) random.nextInt();
      }
      int at = random.nextInt(9);
      long w = Swar.get(b, at);
      for (int max : new int[] {0x1f, ' '}) {
        spurious += check(Swar.atMost(w, max), b, at, c -> c <= max, max + 1);
      }
      for (int c : new int[] {'\n', ':', ';', 0x7f, 0}) {
        spurious += check(Swar.equal(w, c), b, at, x -> x == c, c ^ 1);
      }
      long flags = reference(b, at, x -> x == ' ');
      int first = 0;
      while (first < 8 && b[at + first] != ' ') {
        first++;
      }
      assertThat(Swar.firstFlagged(flags)).isEqualTo(first);
    }
    assertThat(spurious).as("the edge words reach the borrow case").isPositive();
  }

  /**
   * Asserts the contract of one test's flags against the byte-by-byte reference; returns how many
   * bytes were flagged beyond it.
   */
  private static int check(
      long flags, byte[] b, int at, java.util.function.IntPredicate test, int neighbour) {
    long exact = reference(b, at, test);
    assertThat(flags & exact).as("every match is flagged").isEqualTo(exact);
    assertThat(Swar.firstFlagged(flags)).isEqualTo(Swar.firstFlagged(exact));
    int extra = 0;
    for (int k = 0; k < 8; k++) {
      long bit = 0x80L << (8 * k);
      if ((flags & bit) != 0 && (exact & bit) == 0) {
        assertThat(b[at + k] & 0xff).isEqualTo(neighbour);
        assertThat(exact & (bit - 1)).as("a match below the extra flag").isNotZero();
        extra++;
      }
    }
    return extra;
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
