package dev.mailwarden.auth.dmarc;

import java.util.Locale;
import java.util.Optional;

/**
 * A DMARC policy as published ({@code p=}, {@code sp=}, {@code np=}) and the disposition a receiver
 * applies to a message, in increasing strictness.
 */
public enum Policy {
  NONE,
  QUARANTINE,
  REJECT;

  private final String token = name().toLowerCase(Locale.ROOT);

  /** The lower-case word used in records, reports and headers, e.g. {@code "quarantine"}. */
  public String token() {
    return token;
  }

  /** The next less strict policy: reject → quarantine → none (RFC 7489 §6.6.4, RFC 9989 t=y). */
  public Policy relaxed() {
    return this == REJECT ? QUARANTINE : NONE;
  }

  /** Parses a policy word case-insensitively; empty when it is not one of the three. */
  public static Optional<Policy> parse(String text) {
    String t = text.trim();
    for (Policy p : values()) {
      if (p.token.equalsIgnoreCase(t)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
