package dev.mailwarden;

/** What the gateway should do with the SMTP transaction. */
public enum Verdict {
  /** Accept the mail (the score is below the quarantine threshold). */
  ACCEPT,
  /** Accept but file as suspicious (score at or above the quarantine threshold). */
  QUARANTINE,
  /** Refuse with a permanent 5xx reply. */
  REJECT,
  /** Refuse with a transient 4xx reply; the client should retry later. */
  TEMPFAIL
}
