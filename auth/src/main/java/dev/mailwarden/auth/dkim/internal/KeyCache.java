package dev.mailwarden.auth.dkim.internal;

import dev.mailwarden.SharedCache;
import dev.mailwarden.dns.DnsRecord;
import org.jspecify.annotations.Nullable;

/**
 * Parsed key records by their TXT record, in the runtime's shared cache, so a hot selector is
 * decoded once rather than per message. Keyed by content, so an entry never goes stale; syntax
 * errors are cached too. Without a shared cache (a verifier used on its own), the last record
 * parsed is remembered, one entry per {@code KeyCache}.
 */
public final class KeyCache {
  private static final SharedCache.Slot<DnsRecord.Txt, Object> PARSED =
      SharedCache.Slot.of("dkim-keys", (txt, parsed) -> 64 + 2 * txt.length() + 600);

  private final @Nullable SharedCache cache;

  /** Without a shared cache: the last record parsed and what it gave, replaced whole. */
  private volatile @Nullable Parsed last;

  private record Parsed(DnsRecord.Txt record, Object keyOrProblem) {}

  public KeyCache(@Nullable SharedCache cache) {
    this.cache = cache;
  }

  /** The parsed record of {@code record}. */
  public KeyRecord get(DnsRecord.Txt record) throws DkimSyntaxException {
    Object o = cache == null ? parseOrLast(record) : cache.get(PARSED, record, KeyCache::parse);
    if (o instanceof KeyRecord k) {
      return k;
    }
    throw new DkimSyntaxException((String) o);
  }

  /**
   * One entry is enough for the case it serves, a verifier used on its own for one signer's
   * messages (a script, a test); it holds one record, so a stream of strangers' keys costs nothing.
   */
  private Object parseOrLast(DnsRecord.Txt record) {
    Parsed p = last;
    // by the record's bytes (at once when it is the same object, an answer from a cache)
    if (p != null && p.record.equals(record)) {
      return p.keyOrProblem;
    }
    Object o = parse(record);
    last = new Parsed(record, o);
    return o;
  }

  private static Object parse(DnsRecord.Txt record) {
    try {
      return KeyRecord.parse(record.text());
    } catch (DkimSyntaxException e) {
      return e.getMessage();
    }
  }
}
