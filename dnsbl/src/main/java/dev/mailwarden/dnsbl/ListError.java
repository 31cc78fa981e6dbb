package dev.mailwarden.dnsbl;

/**
 * Why a list gave no usable answer. None of these is a listing: the checker's outcome is temperror,
 * and list-side problems also mark the list unhealthy.
 */
public enum ListError {
  /**
   * The list refuses our queries, e.g. Spamhaus 127.255.255.254 (query via a public/open resolver).
   */
  BLOCKED(true),
  /** Too many queries, e.g. Spamhaus 127.255.255.255. */
  RATE_LIMITED(true),
  /** The zone name is wrong, e.g. Spamhaus 127.255.255.252. */
  TYPO_ZONE(true),
  /** A Spamhaus DQS key that is not valid (127.255.255.250/251). */
  INVALID_KEY(true),
  /**
   * The list rejects this kind of query, e.g. Spamhaus DBL 127.0.1.255 (IP queried on a domain
   * list).
   */
  QUERY_REJECTED(true),
  /** Another code the list declares an error code. */
  LIST_ERROR(true),
  /** An answer outside 127.0.0.0/8: the zone is gone, wildcarded or hijacked. */
  OUTSIDE_LOOPBACK(true),
  /** The list failed its health probe and is skipped until it recovers. */
  UNHEALTHY(false),
  /** DNS SERVFAIL. */
  SERVFAIL(false),
  /** DNS REFUSED from the resolver. */
  REFUSED(false),
  /** No answer in time (resolver timeout or the evaluation's deadline). */
  TIMEOUT(false),
  /**
   * The message named more domains than the list's cap ({@code DnsList.maxFromDomains}); none was
   * looked up.
   */
  TOO_MANY_NAMES(false);

  private final boolean listProblem;

  ListError(boolean listProblem) {
    this.listProblem = listProblem;
  }

  /** True when the answer shows the list (or our access to it) is broken, not the network. */
  public boolean isListProblem() {
    return listProblem;
  }
}
