package dev.mailwarden.auth.dkim;

import java.util.Locale;

/** A DKIM canonicalization algorithm (RFC 6376 section 3.4). */
public enum Canonicalization {
  /** Tolerates almost no change. */
  SIMPLE,
  /** Tolerates whitespace changes, header re-folding and header name case. */
  RELAXED;

  /** The word used in {@code c=}. */
  public String token() {
    return name().toLowerCase(Locale.ROOT);
  }
}
