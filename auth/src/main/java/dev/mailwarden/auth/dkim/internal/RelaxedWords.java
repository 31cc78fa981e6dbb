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
   * eighth is a space before whitespace). Returns the first byte not copied: a flagged one, or
   * where fewer than nine remain. All eight bytes of the last word read are stored; the caller
   * overwrites what follows the returned position, and leaves room for an 8-byte store.
   */
  static int copy(byte[] b, int j, int lim, byte[] o, int delta) {
    while (j + 9 <= lim) {
      long x = Swar.get(b, j);
      long next = Swar.get(b, j + 1); // byte k of next is the byte after byte k of x
      long stops = Swar.atMost(x, 0x1f) | (Swar.atMost(x, ' ') & Swar.atMost(next, ' '));
      Swar.set(o, j + delta, x);
      if (stops != 0) {
        return j + Swar.firstFlagged(stops);
      }
      j += 8;
    }
    return j;
  }
}
