package dev.mailwarden.auth.helo;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.SmtpReply;

/**
 * One finding about one session: its kind, why it was found here (naming the offending value), and
 * whether it rejects under the configured policy (then with {@link #reply()}). What it scores is
 * decided at registration ({@link HeloWeights}).
 */
public record Finding(HeloFinding type, String reason, boolean rejects, SmtpReply reply) {
  public Finding {
    requireNonNull(type, "type");
    requireNonNull(reason, "reason");
    requireNonNull(reply, "reply");
  }

  @Override
  public String toString() {
    return type.token() + (rejects ? "(rejects)" : "") + ": " + reason;
  }
}
