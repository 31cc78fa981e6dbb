package dev.mailwarden.auth.dkim.internal;

/** Malformed DKIM data (signature tags, key record); the message is the human reason. */
public final class DkimSyntaxException extends Exception {
  private static final long serialVersionUID = 1L;

  public DkimSyntaxException(String reason) {
    super(reason, null, false, false);
  }
}
