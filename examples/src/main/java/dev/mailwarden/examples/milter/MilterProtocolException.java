package dev.mailwarden.examples.milter;

/** A frame that breaks the milter protocol: too long, cut short, malformed or out of order. */
public final class MilterProtocolException extends Exception {
  private static final long serialVersionUID = 1L;

  public MilterProtocolException(String message) {
    super(message);
  }
}
