package dev.mailwarden.auth.spf;

import java.util.Locale;

/** Which identity SPF checked (RFC 7208 section 2.3 and 2.4). */
public enum SpfIdentity {
  /** The MAIL FROM domain. */
  MAILFROM,
  /** The HELO/EHLO name: asked for directly, or for the null sender {@code <>}. */
  HELO;

  private final String token = name().toLowerCase(Locale.ROOT);

  /** The lower-case word of the {@code identity=} key of Received-SPF. */
  public String token() {
    return token;
  }
}
