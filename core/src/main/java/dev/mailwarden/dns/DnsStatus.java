package dev.mailwarden.dns;

/** How a DNS query ended. Only {@link #NOERROR} carries records. */
public enum DnsStatus {
  /** The name has records of the asked type. */
  NOERROR,
  /** The name does not exist (RCODE 3). A "void" answer for SPF. */
  NXDOMAIN,
  /** The name exists but has no records of the asked type. A "void" answer for SPF. */
  NODATA,
  /** The server failed (RCODE 2), or the answer was malformed or did not match the question. */
  SERVFAIL,
  /** No answer within the timeout, after all retries and servers. */
  TIMEOUT,
  /** The server refused the query (RCODE 5), e.g. an open-resolver block. */
  REFUSED;

  /** NXDOMAIN or NODATA: the answer exists and says "nothing here". */
  public boolean isVoid() {
    return this == NXDOMAIN || this == NODATA;
  }

  /** SERVFAIL, TIMEOUT or REFUSED: the answer says nothing about the data; a temporary error. */
  public boolean isError() {
    return this == SERVFAIL || this == TIMEOUT || this == REFUSED;
  }
}
