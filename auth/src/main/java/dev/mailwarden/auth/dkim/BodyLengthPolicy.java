package dev.mailwarden.auth.dkim;

/**
 * What to do with body text after the {@code l=} limit of a signature: content anyone could have
 * appended, since the signature does not cover it (RFC 6376 section 8.2).
 */
public enum BodyLengthPolicy {
  /**
   * The default: a signature that leaves body text unsigned gives {@code policy} (RFC 8601) with
   * the count of unsigned bytes as its reason, so appended content neither passes DKIM nor aligns
   * DMARC. A signature whose {@code l=} covers the whole body verifies as usual.
   */
  POLICY_ON_REMAINDER,
  /**
   * Opt-in: verify the signed part, pass, and report the unsigned remainder ({@link
   * DkimSignatureResult#unsignedBodyBytes()}). DMARC still does not align on such a signature.
   */
  REPORT_REMAINDER,
  /** A signature that leaves any body text unsigned fails. */
  FAIL_ON_REMAINDER
}
