package dev.mailwarden.examples.logs;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;

/**
 * Counts distinct strings by their 64-bit fingerprints in an open-addressing table of longs (8 to
 * 16 bytes per distinct string, nothing per repeat). Exact up to {@code capacity} distinct values
 * (a collision among a million 64-bit fingerprints has odds below 1 in 10^7); beyond it new values
 * are not counted and the total is a lower bound ({@link #capped()}).
 */
final class DistinctCounter {
  private static final HashFunction FINGERPRINT = Hashing.farmHashFingerprint64();

  private final int capacity;
  private long[] table = new long[64];
  private int size;
  private boolean capped;

  DistinctCounter(int capacity) {
    this.capacity = capacity;
  }

  /** Adds a value; true when it was new. */
  boolean add(String value) {
    long h = FINGERPRINT.hashString(value, StandardCharsets.ISO_8859_1).asLong();
    if (h == 0) {
      h = 1; // 0 marks an empty slot
    }
    int mask = table.length - 1;
    int i = (int) (h ^ (h >>> 32)) & mask;
    while (table[i] != 0) {
      if (table[i] == h) {
        return false;
      }
      i = (i + 1) & mask;
    }
    if (size >= capacity) {
      capped = true;
      return false;
    }
    table[i] = h;
    size++;
    if (size * 2 > table.length) {
      grow();
    }
    return true;
  }

  private void grow() {
    long[] old = table;
    table = new long[old.length * 2];
    int mask = table.length - 1;
    for (long h : old) {
      if (h != 0) {
        int i = (int) (h ^ (h >>> 32)) & mask;
        while (table[i] != 0) {
          i = (i + 1) & mask;
        }
        table[i] = h;
      }
    }
  }

  long count() {
    return size;
  }

  /** True when distinct values were dropped at the cap (the count is a lower bound). */
  boolean capped() {
    return capped;
  }
}
