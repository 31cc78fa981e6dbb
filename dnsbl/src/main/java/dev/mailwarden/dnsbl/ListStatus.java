package dev.mailwarden.dnsbl;

/** What one list said about one subject (an IP address or a domain). */
public enum ListStatus {
  /** The list returned a code that its filter accepts. */
  LISTED,
  /** NXDOMAIN, or codes that the list's filter does not accept. */
  NOT_LISTED,
  /** No usable answer (see {@link ListError}); never a listing. */
  ERROR
}
