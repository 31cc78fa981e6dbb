package dev.mailwarden.auth.spf.internal;

import dev.mailwarden.CheckContext;
import dev.mailwarden.SharedCache;
import java.util.Arrays;

/**
 * Parsed records by their bytes, in the runtime's shared cache: a busy gateway sees the same few
 * thousand records again and again, and a parse costs more than a lookup. Keyed by content, so an
 * entry never goes stale; syntax errors are cached too.
 */
final class RecordCache {
  private static final SharedCache.Slot<Key, Object> PARSED =
      SharedCache.Slot.of(
          "spf-records",
          (key, parsed) ->
              48 + key.bytes.length + (parsed instanceof SpfRecord r ? r.estimatedBytes() : 160));

  private RecordCache() {}

  static SpfRecord parse(CheckContext context, byte[] txt) throws SpfSyntaxException {
    Object cached = context.cache().get(PARSED, new Key(txt), RecordCache::parseOrError);
    if (cached instanceof SpfSyntaxException e) {
      throw e;
    }
    return (SpfRecord) cached;
  }

  private static Object parseOrError(Key key) {
    try {
      return SpfRecord.parse(key.bytes);
    } catch (SpfSyntaxException e) {
      return e;
    }
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
