package dev.mailwarden.auth.dkim.internal;

import dev.mailwarden.SharedCache;
import dev.mailwarden.dns.DnsRecord;
import org.jspecify.annotations.Nullable;

/**
 * Parsed key records by their TXT record, in the runtime's shared cache, so a hot selector is
 * decoded once rather than per message. Keyed by content, so an entry never goes stale; syntax
 * errors are cached too. Without a shared cache (a verifier used on its own), records are parsed
 * each time.
 */
public final class KeyCache {
  private static final SharedCache.Slot<DnsRecord.Txt, Object> PARSED =
      SharedCache.Slot.of("dkim-keys", (txt, parsed) -> 64 + 2 * txt.length() + 600);

  private final @Nullable SharedCache cache;

  public KeyCache(@Nullable SharedCache cache) {
    this.cache = cache;
  }

  /** The parsed record of {@code record}. */
  public KeyRecord get(DnsRecord.Txt record) throws DkimSyntaxException {
    Object o = cache == null ? parse(record) : cache.get(PARSED, record, KeyCache::parse);
    if (o instanceof KeyRecord k) {
      return k;
    }
    throw new DkimSyntaxException((String) o);
  }

  private static Object parse(DnsRecord.Txt record) {
    try {
      return KeyRecord.parse(record.text());
    } catch (DkimSyntaxException e) {
      return e.getMessage();
    }
  }
}
