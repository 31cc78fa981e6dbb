package dev.mailwarden.examples.policyd;

import dev.mailwarden.SmtpReply;

/** Builds the action strings of the policy protocol; nothing from DNS can break a line. */
final class PolicyActions {
  static final String DUNNO = "DUNNO";

  private PolicyActions() {}

  /** {@code 550 5.7.1 text}: Postfix passes the code and text to the client. */
  static String reply(SmtpReply reply) {
    return sanitize(reply.toString());
  }

  /** {@code PREPEND Header: value} with any folding flattened to one line. */
  static String prepend(String headerField) {
    return sanitize("PREPEND " + headerField.replace("\r\n\t", " ").replace("\r\n ", " "));
  }

  /** One line, no control characters, bounded length. */
  static String sanitize(String action) {
    return SmtpReply.sanitize(action, 1000);
  }
}
