package dev.mailwarden.auth.helo;

/**
 * Which findings ask for a rejection on their own, after qpsmtpd's HELO policies. Every finding
 * always adds its weight to the score; a policy only decides which ones also make the result {@link
 * dev.mailwarden.Outcome#FAIL} with their SMTP reply and the reject weight.
 *
 * <p>Findings that RFC 5321 section 4.1.4 forbids rejecting on (the HELO name or literal not
 * matching the client, and the forgeries detected that way) never reject under any policy unless
 * named with {@code rejectOn(...)}. A DNS temperror is never a finding, so it never rejects.
 */
public enum HeloPolicy {
  /** Score only: nothing rejects unless named with {@code rejectOn(...)}. The default. */
  LENIENT,
  /**
   * Reject what breaks RFC 5321: no HELO before MAIL (section 4.1.4), invalid syntax and bare IP
   * addresses (section 4.1.2), names that are not fully qualified or do not resolve (section
   * 2.3.5).
   */
  RFC,
  /**
   * {@link #RFC} plus local and special-use names and addresses, names under no public suffix, and
   * a client without forward-confirmed reverse DNS (for {@link Iprev}).
   */
  STRICT;

  /** True when this policy is at least as strict as {@code other}. */
  boolean includes(HeloPolicy other) {
    return ordinal() >= other.ordinal();
  }
}
