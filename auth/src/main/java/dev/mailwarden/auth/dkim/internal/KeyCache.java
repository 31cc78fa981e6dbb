package dev.mailwarden.auth.dkim.internal;

import dev.mailwarden.dns.DnsRecord;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Parsed key records by their text, so a hot selector is decoded once rather than per message.
 * Bounded crudely (cleared when full): key records are few and parsing one again is cheap.
 */
public final class KeyCache {
  private static final int MAX = 1024;
  private volatile Object[] last = new Object[2];
  private final ConcurrentHashMap<DnsRecord.Txt, Object> parsed = new ConcurrentHashMap<>();

  /** The parsed record; keyed by the TXT record itself, so a cached answer is never re-decoded. */
  public KeyRecord get(DnsRecord.Txt record) throws DkimSyntaxException {
    Object[] recent = last;
    if (recent[0] == record) {
      return (KeyRecord) recent[1]; // same cached answer as the previous message: no hashing
    }
    Object o = parsed.get(record);
    if (o == null) {
      try {
        o = KeyRecord.parse(record.text());
      } catch (DkimSyntaxException e) {
        o = e.getMessage();
      }
      if (parsed.size() >= MAX) {
        parsed.clear();
      }
      parsed.put(record, o);
    }
    if (o instanceof KeyRecord k) {
      last = new Object[] {record, k};
      return k;
    }
    throw new DkimSyntaxException((String) o);
  }
}
