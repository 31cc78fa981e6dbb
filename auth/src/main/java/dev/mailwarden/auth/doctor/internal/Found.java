package dev.mailwarden.auth.doctor.internal;

import dev.mailwarden.SmtpReply;
import dev.mailwarden.auth.doctor.Codes;
import dev.mailwarden.auth.doctor.DoctorFinding;
import dev.mailwarden.auth.doctor.Severity;
import dev.mailwarden.dns.DnsAnswer;

/** Findings shared by every part of the examination. */
final class Found {
  private Found() {}

  /** An error finding. */
  static DoctorFinding error(String code, String message, String fix) {
    return new DoctorFinding(Severity.ERROR, code, message, fix);
  }

  /** A warning finding. */
  static DoctorFinding warning(String code, String message, String fix) {
    return new DoctorFinding(Severity.WARNING, code, message, fix);
  }

  /** An informational finding. */
  static DoctorFinding info(String code, String message, String fix) {
    return new DoctorFinding(Severity.INFO, code, message, fix);
  }

  /** A lookup that failed: the doctor cannot tell, which is never an all clear. */
  static DoctorFinding dnsError(DnsAnswer a, String what) {
    return dnsError(
        a.name()
            + " "
            + a.type()
            + " gave "
            + a.status()
            + a.detail().map(d -> " (" + d + ")").orElse(""),
        what);
  }

  /** A failed lookup described in words. */
  static DoctorFinding dnsError(String failure, String what) {
    return error(
        Codes.DNS_ERROR,
        clean("DNS lookup failed: " + failure + "; " + what + " could not be checked"),
        "Make sure the domain's authoritative name servers answer (dig +trace) and that your resolver works, "
            + "then run the doctor again. Receivers that meet the same failure defer or reject mail.");
  }

  /** Strings that quote DNS data, made printable and bounded. */
  static String clean(String s) {
    return SmtpReply.sanitize(s, 600);
  }
}
