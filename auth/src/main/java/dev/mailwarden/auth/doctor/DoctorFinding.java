package dev.mailwarden.auth.doctor;

import static java.util.Objects.requireNonNull;

/**
 * One thing the doctor found: how much it matters, a stable code (see {@link Codes}), what it found
 * in one or two sentences, and how to fix it. Every string may quote DNS data; it is made of
 * printable characters only.
 *
 * @param severity error, warning or info
 * @param code a stable name such as {@code spf-too-many-lookups}, for scripts and CI
 * @param message what was found, naming the record, list or name concerned
 * @param fix what to change (empty for purely informational findings)
 */
public record DoctorFinding(Severity severity, String code, String message, String fix) {
  public DoctorFinding {
    requireNonNull(severity, "severity");
    requireNonNull(code, "code");
    requireNonNull(message, "message");
    requireNonNull(fix, "fix");
    if (code.isBlank()) {
      throw new IllegalArgumentException("code must not be blank");
    }
  }

  /** One line: {@code error spf-missing: message — fix: ...}. */
  @Override
  public String toString() {
    return severity.token() + " " + code + ": " + message + (fix.isEmpty() ? "" : " — fix: " + fix);
  }
}
