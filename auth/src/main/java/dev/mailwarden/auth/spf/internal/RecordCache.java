package dev.mailwarden.auth.spf.internal;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Parsed records by their bytes: a busy gateway sees the same few thousand records again and
 * again, and a parse costs more than a lookup in a map. Bounded: cleared when full.
 */
final class RecordCache {
  private static final int MAX_ENTRIES = 4096;
  private static final ConcurrentHashMap<Key, Object> CACHE = new ConcurrentHashMap<>();

  private RecordCache() {}

  static SpfRecord parse(byte[] txt) throws SpfSyntaxException {
    Key key = new Key(txt);
    Object cached = CACHE.get(key);
    if (cached == null) {
      try {
        cached = SpfRecord.parse(txt);
      } catch (SpfSyntaxException e) {
        cached = e;
      }
      if (CACHE.size() >= MAX_ENTRIES) {
        CACHE.clear();
      }
      CACHE.put(key, cached);
    }
    if (cached instanceof SpfSyntaxException e) {
      throw e;
    }
    return (SpfRecord) cached;
  }

  private static final class Key {
    final byte[] bytes;
    final int hash;

    Key(byte[] bytes) {
      this.bytes = bytes;
      this.hash = Arrays.hashCode(bytes);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.hash == hash && Arrays.equals(k.bytes, bytes);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
