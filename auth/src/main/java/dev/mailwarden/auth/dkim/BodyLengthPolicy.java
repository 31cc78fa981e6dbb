package dev.mailwarden.auth.dkim;

/**
 * What to do with body text after the {@code l=} limit of a signature: content anyone could have
 * appended, since the signature does not cover it (RFC 6376 section 8.2).
 */
public enum BodyLengthPolicy {
  /** Verify the signed part and report the unsigned remainder ({@link DkimSignatureResult#unsignedBodyBytes()}). */
  REPORT_REMAINDER,
  /** A signature that leaves any body text unsigned fails. */
  FAIL_ON_REMAINDER
}
