package dev.mailwarden;

import java.util.Locale;

/**
 * The result of one check, in the vocabulary of RFC 8601 section 2.7 (the words that appear in
 * Authentication-Results). A check that could not decide because of DNS trouble is {@link
 * #TEMPERROR}; one that found malformed data is {@link #PERMERROR}.
 */
public enum Outcome {
  PASS,
  FAIL,
  SOFTFAIL,
  NEUTRAL,
  NONE,
  POLICY,
  TEMPERROR,
  PERMERROR;

  private final String token = name().toLowerCase(Locale.ROOT);

  /** The lower-case word used in headers, e.g. {@code "softfail"}. */
  public String token() {
    return token;
  }

  /** Parses a token case-insensitively; throws {@link IllegalArgumentException} if unknown. */
  public static Outcome fromToken(String token) {
    for (Outcome o : values()) {
      if (o.token.equalsIgnoreCase(token.trim())) {
        return o;
      }
    }
    throw new IllegalArgumentException("unknown outcome: '" + token + "'");
  }
}
