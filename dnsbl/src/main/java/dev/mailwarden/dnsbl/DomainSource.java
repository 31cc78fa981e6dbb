package dev.mailwarden.dnsbl;

import java.util.Locale;

/** Where a domain list takes the names it checks. */
public enum DomainSource {
  /** The HELO/EHLO name (address literals are skipped). */
  HELO,
  /** The domain of the MAIL FROM address (the null sender is skipped). */
  MAIL_FROM,
  /** The domains of the From header of the message. */
  FROM_HEADER,
  /** The client's reverse-DNS name (PTR of the client IP). */
  RDNS;

  private final String token = name().toLowerCase(Locale.ROOT).replace('_', '-');

  /** The lower-case name used in details, e.g. {@code mail-from}. */
  public String token() {
    return token;
  }
}
