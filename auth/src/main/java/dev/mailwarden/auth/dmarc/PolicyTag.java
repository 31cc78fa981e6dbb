package dev.mailwarden.auth.dmarc;

/** Which tag of the record gave the policy that applied to a message. */
public enum PolicyTag {
  /** {@code p=}: the From domain is the domain the record was found for. */
  P,
  /** {@code sp=}: the From domain is a subdomain of the policy domain. */
  SP,
  /**
   * {@code np=} (RFC 9989, RFC 9091): the From domain does not exist (NXDOMAIN or NODATA for A,
   * AAAA and MX).
   */
  NP;

  /** The tag name as in the record, e.g. {@code "sp"}. */
  public String tagName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
