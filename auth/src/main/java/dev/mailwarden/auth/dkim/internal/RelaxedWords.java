package dev.mailwarden.auth.dkim.internal;

import dev.mailwarden.internal.Swar;

/**
 * The eight-byte step that relaxed canonicalization (RFC 6376 sections 3.4.2 and 3.4.4) shares
 * between header fields and bodies: bytes that are already their own relaxed form (no control byte,
 * and every space followed by something other than a space or control) are copied as they are,
 * eight at a time.
 */
final class RelaxedWords {
  private RelaxedWords() {}

  /**
   * Copies {@code b[j..)} to {@code o} at {@code delta} from where it stands, eight bytes at a time
   * while they need no change and nine remain before {@code lim} (the ninth tells whether the
   * eighth is a space before whitespace). Returns the first byte not copied: the first flagged one
   * (which may need no change after all, a '!' or a space before one: the caller looks at it
   * again), or where fewer than nine remain. Up to sixteen bytes from the returned position may
   * have been stored; the caller overwrites what follows it, and leaves room for a 16-byte store.
   */
  static int copy(byte[] b, int j, int lim, byte[] o, int delta) {
    // two words per test: half the loop's branches on the long runs of a body
    while (j + 17 <= lim) {
      long x = Swar.get(b, j);
      long y = Swar.get(b, j + 8);
      long sx = stops(x, Swar.get(b, j + 1));
      long sy = stops(y, Swar.get(b, j + 9));
      Swar.set(o, j + delta, x);
      Swar.set(o, j + 8 + delta, y);
      if ((sx | sy) != 0) {
        return sx != 0 ? j + Swar.firstFlagged(sx) : j + 8 + Swar.firstFlagged(sy);
      }
      j += 16;
    }
    while (j + 9 <= lim) {
      long x = Swar.get(b, j);
      long stops = stops(x, Swar.get(b, j + 1));
      Swar.set(o, j + delta, x);
      if (stops != 0) {
        return j + Swar.firstFlagged(stops);
      }
      j += 8;
    }
    return j;
  }

  private static final long SPACES = 0x2020202020202020L; // ' ' in every byte
  private static final long PAST_SPACES = 0x2121212121212121L; // ' ' + 1 in every byte

  /**
   * The bytes of {@code x} that need a change: control bytes, and spaces followed by a space or
   * control byte ({@code next} holds the byte after each byte of {@code x}): x <= ' ' and (x < ' '
   * or next <= ' '). These are {@link Swar#atMost}'s tests, with its masks applied once: this runs
   * for every word of a body, and each operation shows.
   */
  private static long stops(long x, long next) {
    return (x - PAST_SPACES) & ~x & Swar.HIGH & ((x - SPACES) | ((next - PAST_SPACES) & ~next));
  }
}
