package dev.mailwarden.auth.doctor;

import java.util.Locale;

/** How much a finding matters to receivers. */
public enum Severity {
  /** Receivers reject, defer or junk mail because of it (or the doctor could not tell). */
  ERROR,
  /** Receivers may hold it against you; worth fixing. */
  WARNING,
  /** Good to know; nothing to fix. */
  INFO;

  /**
   * The lower-case name used in JSON and text output: {@code error}, {@code warning}, {@code info}.
   */
  public String token() {
    return name().toLowerCase(Locale.ROOT);
  }
}
