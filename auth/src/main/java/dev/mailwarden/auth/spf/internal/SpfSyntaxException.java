package dev.mailwarden.auth.spf.internal;

/** A record or macro-string that breaks the grammar of RFC 7208; becomes permerror. */
public final class SpfSyntaxException extends Exception {
  public SpfSyntaxException(String message) {
    super(message, null, false, false); // a value, not a failure: no stack trace
  }
}
