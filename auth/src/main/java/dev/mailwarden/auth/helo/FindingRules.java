package dev.mailwarden.auth.helo;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.SmtpReply;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Replies and rejection of findings under a policy; shared by both checkers' builders. Scores are
 * not here: they belong to the registration ({@link HeloWeights}).
 */
final class FindingRules {
  final HeloPolicy policy;
  private final Map<HeloFinding, SmtpReply> replies;
  private final Set<HeloFinding> forcedReject;
  private final Set<HeloFinding> scoreOnly;

  private FindingRules(Builder b) {
    this.policy = b.policy;
    this.replies = new EnumMap<>(b.replies);
    this.forcedReject =
        b.forcedReject.isEmpty()
            ? EnumSet.noneOf(HeloFinding.class)
            : EnumSet.copyOf(b.forcedReject);
    this.scoreOnly =
        b.scoreOnly.isEmpty() ? EnumSet.noneOf(HeloFinding.class) : EnumSet.copyOf(b.scoreOnly);
  }

  boolean rejects(HeloFinding type) {
    if (scoreOnly.contains(type)) {
      return false;
    }
    if (forcedReject.contains(type)) {
      return true;
    }
    return !type.rfc5321ForbidsRejecting()
        && type.rejectsFrom().map(policy::includes).orElse(false);
  }

  /** A finding, rejecting or not under the policy, with its reply. */
  Finding finding(HeloFinding type, String reason) {
    return new Finding(
        type, reason, rejects(type), replies.getOrDefault(type, type.defaultReply()));
  }

  @Override
  public String toString() {
    StringBuilder b =
        new StringBuilder("policy=").append(policy.name().toLowerCase(java.util.Locale.ROOT));
    if (!forcedReject.isEmpty()) {
      b.append(", rejectOn=").append(forcedReject);
    }
    if (!scoreOnly.isEmpty()) {
      b.append(", scoreOnly=").append(scoreOnly);
    }
    return b.toString();
  }

  static final class Builder {
    private HeloPolicy policy = HeloPolicy.LENIENT;
    private boolean policySet;
    private final Map<HeloFinding, SmtpReply> replies = new EnumMap<>(HeloFinding.class);
    private final Set<HeloFinding> forcedReject = EnumSet.noneOf(HeloFinding.class);
    private final Set<HeloFinding> scoreOnly = EnumSet.noneOf(HeloFinding.class);

    void policy(HeloPolicy p) {
      requireNonNull(p, "policy");
      if (policySet) {
        throw new IllegalStateException("policy was already set to " + policy);
      }
      policySet = true;
      policy = p;
    }

    void reply(HeloFinding f, SmtpReply r) {
      requireNonNull(f, "finding");
      requireNonNull(r, "reply");
      if (r.code() < 400) {
        throw new IllegalArgumentException("a rejecting reply must be 4xx or 5xx: " + r);
      }
      if (replies.putIfAbsent(f, r) != null) {
        throw new IllegalStateException("reply of " + f + " was already set");
      }
    }

    void rejectOn(HeloFinding... findings) {
      for (HeloFinding f : findings) {
        requireNonNull(f, "finding");
        if (scoreOnly.contains(f)) {
          throw new IllegalArgumentException(f + " is already score-only");
        }
        forcedReject.add(f);
      }
    }

    void scoreOnly(HeloFinding... findings) {
      for (HeloFinding f : findings) {
        requireNonNull(f, "finding");
        if (forcedReject.contains(f)) {
          throw new IllegalArgumentException(f + " is already set to reject");
        }
        scoreOnly.add(f);
      }
    }

    FindingRules build() {
      return new FindingRules(this);
    }
  }
}
