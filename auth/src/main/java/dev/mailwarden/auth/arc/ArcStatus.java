package dev.mailwarden.auth.arc;

import java.util.Locale;

/** The chain validation status of RFC 8617 section 4.4: the {@code cv=} and {@code arc=} words. */
public enum ArcStatus {
  /** The message carries no ARC set. */
  NONE,
  /** Every seal and the newest message signature verified. */
  PASS,
  /** The chain is broken, malformed, over a cap, or a sealer recorded {@code cv=fail}. */
  FAIL;

  private final String token = name().toLowerCase(Locale.ROOT);

  /** {@code none}, {@code pass} or {@code fail}. */
  public String token() {
    return token;
  }

  /** Parses {@code none}, {@code pass} or {@code fail}, case-insensitively. */
  public static ArcStatus fromToken(String token) {
    for (ArcStatus s : values()) {
      if (s.token.equalsIgnoreCase(token.trim())) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "not an ARC chain status (none, pass, fail): '" + token + "'");
  }
}
