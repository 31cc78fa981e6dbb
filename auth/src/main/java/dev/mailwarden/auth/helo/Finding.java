package dev.mailwarden.auth.helo;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.SmtpReply;

/**
 * One finding about one session: its kind, why it was found here (naming the offending value),
 * the weight it adds to the score, and whether it rejects under the configured policy (then with
 * {@link #reply()}).
 */
public record Finding(HeloFinding type, String reason, double weight, boolean rejects, SmtpReply reply) {
  public Finding {
    requireNonNull(type, "type");
    requireNonNull(reason, "reason");
    requireNonNull(reply, "reply");
    if (!Double.isFinite(weight)) {
      throw new IllegalArgumentException("weight must be finite: " + weight);
    }
  }

  @Override
  public String toString() {
    return type.token() + "(" + weight + (rejects ? ", rejects" : "") + "): " + reason;
  }
}
