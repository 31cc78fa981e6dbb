package dev.mailwarden.examples.cli;

import dev.mailwarden.Verdict;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The exit statuses of the CLI (sysexits.h values for errors). */
final class ExitCodes {
  static final int ACCEPT = 0;
  static final int REJECT = 1;
  static final int TEMPFAIL = 2;
  static final int QUARANTINE = 3;

  /** EX_USAGE */
  static final int USAGE = 64;

  /** EX_DATAERR: some input was read but could not be used (e.g. a malformed report). */
  static final int DATA_ERROR = 65;

  /** EX_NOINPUT */
  static final int NO_INPUT = 66;

  /** EX_SOFTWARE */
  static final int INTERNAL = 70;

  private ExitCodes() {}

  static int forVerdict(Verdict v) {
    return switch (v) {
      case ACCEPT -> ACCEPT;
      case REJECT -> REJECT;
      case TEMPFAIL -> TEMPFAIL;
      case QUARANTINE -> QUARANTINE;
    };
  }

  static int forException(Throwable t) {
    if (t instanceof InputException) {
      return NO_INPUT;
    }
    if (t instanceof UsageException || t instanceof IllegalArgumentException) {
      return USAGE;
    }
    return INTERNAL;
  }

  /** One sentence for stderr. */
  static String describe(Throwable t) {
    if (t instanceof InputException
        || t instanceof UsageException
        || t instanceof IllegalArgumentException) {
      return t.getMessage();
    }
    return "internal error: " + t;
  }

  /** An input file or stream could not be read (exit 66). */
  static final class InputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InputException(String message, IOException cause) {
      super(message + ": " + cause.getMessage(), cause);
    }

    InputException(String message, UncheckedIOException cause) {
      super(message + ": " + cause.getCause().getMessage(), cause);
    }
  }

  /** Options that parse but do not make sense together (exit 64). */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }
}
