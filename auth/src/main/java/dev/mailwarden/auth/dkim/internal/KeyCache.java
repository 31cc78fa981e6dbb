package dev.mailwarden.auth.dkim.internal;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Parsed key records by their text, so a hot selector is decoded once rather than per message.
 * Bounded crudely (cleared when full): key records are few and parsing one again is cheap.
 */
public final class KeyCache {
  private static final int MAX = 1024;
  private final ConcurrentHashMap<String, Object> parsed = new ConcurrentHashMap<>();

  public KeyRecord get(String text) throws DkimSyntaxException {
    Object o = parsed.get(text);
    if (o == null) {
      try {
        o = KeyRecord.parse(text);
      } catch (DkimSyntaxException e) {
        o = e.getMessage();
      }
      if (parsed.size() >= MAX) {
        parsed.clear();
      }
      parsed.put(text, o);
    }
    if (o instanceof KeyRecord k) {
      return k;
    }
    throw new DkimSyntaxException((String) o);
  }
}
