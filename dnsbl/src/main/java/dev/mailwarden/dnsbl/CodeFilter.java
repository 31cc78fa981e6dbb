package dev.mailwarden.dnsbl;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * Which return codes count, in postscreen syntax: one or more {@code d.d.d.d} patterns separated by
 * {@code ;}, where each {@code d} is a number or a bracketed list of numbers and ranges, e.g.
 * {@code 127.0.0.2}, {@code 127.0.0.[2..11]}, {@code 127.0.0.[4;10..11]}, {@code
 * 127.0.0.4;127.0.0.10}. Immutable; equal when they accept the same codes.
 */
public final class CodeFilter {
  private static final CodeFilter ANY = new CodeFilter(List.of());

  // each pattern is four octet sets; an empty list means "any code"
  private final List<BitSet[]> patterns;

  private CodeFilter(List<BitSet[]> patterns) {
    this.patterns = patterns;
  }

  /** The filter that accepts every code (a list entry without {@code =filter}). */
  public static CodeFilter any() {
    return ANY;
  }

  /**
   * Parses a filter.
   *
   * @throws IllegalArgumentException naming the position of the first error
   */
  public static CodeFilter parse(String text) {
    requireNonNull(text, "text");
    return parse(text, 0, text);
  }

  /** Parses {@code text} reporting positions offset by {@code base} (for whole-spec errors). */
  static CodeFilter parse(String text, int base, String whole) {
    if (text.isEmpty()) {
      throw error(base, "empty return-code filter", whole);
    }
    List<BitSet[]> out = new ArrayList<>();
    int i = 0;
    while (true) {
      BitSet[] octets = new BitSet[4];
      for (int o = 0; o < 4; o++) {
        if (o > 0) {
          if (i >= text.length() || text.charAt(i) != '.') {
            throw error(base + i, "expected '.' before octet " + (o + 1), whole);
          }
          i++;
        }
        BitSet set = new BitSet(256);
        if (i < text.length() && text.charAt(i) == '[') {
          i++;
          while (true) {
            int[] lo = number(text, i, base, whole);
            i = lo[1];
            int hi = lo[0];
            if (text.startsWith("..", i)) {
              int[] h = number(text, i + 2, base, whole);
              if (h[0] < lo[0]) {
                throw error(base + i + 2, "range " + lo[0] + ".." + h[0] + " is reversed", whole);
              }
              hi = h[0];
              i = h[1];
            }
            set.set(lo[0], hi + 1);
            if (i < text.length() && text.charAt(i) == ';') {
              i++;
            } else if (i < text.length() && text.charAt(i) == ']') {
              i++;
              break;
            } else {
              throw error(base + i, "expected ';' or ']' in bracket", whole);
            }
          }
        } else {
          int[] n = number(text, i, base, whole);
          set.set(n[0]);
          i = n[1];
        }
        octets[o] = set;
      }
      out.add(octets);
      if (out.size() > MAX_PATTERNS) {
        throw error(base + i, "more than " + MAX_PATTERNS + " code patterns (the cap)", whole);
      }
      if (i == text.length()) {
        break;
      }
      if (text.charAt(i) != ';') {
        throw error(base + i, "unexpected '" + text.charAt(i) + "' after a code pattern", whole);
      }
      i++;
    }
    return new CodeFilter(List.copyOf(out));
  }

  private static int[] number(String text, int at, int base, String whole) {
    int i = at;
    int value = 0;
    while (i < text.length() && Character.isDigit(text.charAt(i)) && text.charAt(i) < 128) {
      value = value * 10 + (text.charAt(i) - '0');
      if (value > 255) {
        throw error(base + at, "octet value above 255", whole);
      }
      i++;
    }
    if (i == at) {
      throw error(base + at, "expected a number 0-255", whole);
    }
    return new int[] {value, i};
  }

  private static IllegalArgumentException error(int position, String what, String text) {
    return new IllegalArgumentException(
        "bad list spec at position " + position + ": " + what + " (in '" + shown(text) + "')");
  }

  /** The spec as quoted in an error: cut to 100 characters, so a huge input is not echoed whole. */
  static String shown(String text) {
    return text.length() <= 100 ? text : text.substring(0, 97) + "...";
  }

  /** True if this filter accepts the IPv4 code given as a big-endian int. */
  public boolean matches(int code) {
    if (patterns.isEmpty()) {
      return true;
    }
    for (BitSet[] p : patterns) {
      if (p[0].get(code >>> 24)
          && p[1].get((code >>> 16) & 0xff)
          && p[2].get((code >>> 8) & 0xff)
          && p[3].get(code & 0xff)) {
        return true;
      }
    }
    return false;
  }

  /** True if this filter accepts a dotted-quad code such as {@code 127.0.0.2}. */
  public boolean matches(String dottedQuad) {
    return matches(parseCode(dottedQuad));
  }

  /** Most {@code ;}-separated patterns in one filter: each answer code is tested against each. */
  public static final int MAX_PATTERNS = 64;

  /** How many codes this filter names, counting overlaps once per pattern (an upper bound). */
  long codeCountBound() {
    long n = 0;
    for (BitSet[] p : patterns) {
      n += (long) p[0].cardinality() * p[1].cardinality() * p[2].cardinality() * p[3].cardinality();
    }
    return n;
  }

  /** Calls {@code action} once for every code this (non-any) filter accepts. */
  void forEachCode(java.util.function.IntConsumer action) {
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    for (BitSet[] p : patterns) {
      for (int a = p[0].nextSetBit(0); a >= 0; a = p[0].nextSetBit(a + 1)) {
        for (int b = p[1].nextSetBit(0); b >= 0; b = p[1].nextSetBit(b + 1)) {
          for (int c = p[2].nextSetBit(0); c >= 0; c = p[2].nextSetBit(c + 1)) {
            for (int d = p[3].nextSetBit(0); d >= 0; d = p[3].nextSetBit(d + 1)) {
              int code = (a << 24) | (b << 16) | (c << 8) | d;
              if (seen.add(code)) {
                action.accept(code);
              }
            }
          }
        }
      }
    }
  }

  /** True for {@link #any()}. */
  public boolean isAny() {
    return patterns.isEmpty();
  }

  /** A dotted quad as a big-endian int. */
  static int parseCode(String dottedQuad) {
    CodeFilter f = parse(dottedQuad);
    if (f.patterns.size() != 1) {
      throw new IllegalArgumentException("not a single code: " + dottedQuad);
    }
    int code = 0;
    for (BitSet b : f.patterns.get(0)) {
      if (b.cardinality() != 1) {
        throw new IllegalArgumentException("not a single code: " + dottedQuad);
      }
      code = (code << 8) | b.nextSetBit(0);
    }
    return code;
  }

  /** The code as a dotted quad. */
  static String formatCode(int code) {
    return (code >>> 24)
        + "."
        + ((code >>> 16) & 0xff)
        + "."
        + ((code >>> 8) & 0xff)
        + "."
        + (code & 0xff);
  }

  /** The canonical postscreen text, e.g. {@code 127.0.0.[2..11]}; empty for {@link #any()}. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    for (BitSet[] p : patterns) {
      if (b.length() > 0) {
        b.append(';');
      }
      for (int o = 0; o < 4; o++) {
        if (o > 0) {
          b.append('.');
        }
        appendOctet(b, p[o]);
      }
    }
    return b.toString();
  }

  private static void appendOctet(StringBuilder b, BitSet set) {
    if (set.cardinality() == 1) {
      b.append(set.nextSetBit(0));
      return;
    }
    b.append('[');
    boolean first = true;
    for (int lo = set.nextSetBit(0); lo >= 0; ) {
      int hi = set.nextClearBit(lo) - 1;
      if (!first) {
        b.append(';');
      }
      first = false;
      b.append(lo);
      if (hi > lo) {
        b.append("..").append(hi);
      }
      lo = set.nextSetBit(hi + 1);
    }
    b.append(']');
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof CodeFilter other) || other.patterns.size() != patterns.size()) {
      return false;
    }
    for (int i = 0; i < patterns.size(); i++) {
      if (!Arrays.equals(patterns.get(i), other.patterns.get(i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = 1;
    for (BitSet[] p : patterns) {
      h = 31 * h + Arrays.hashCode(p);
    }
    return h;
  }
}
