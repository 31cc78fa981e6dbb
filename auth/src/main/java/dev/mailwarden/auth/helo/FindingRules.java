package dev.mailwarden.auth.helo;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.SmtpReply;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** Weights, replies and rejection of findings under a policy; shared by both checkers' builders. */
final class FindingRules {
  /** The weight of a rejecting finding unless set: far above any sensible reject threshold. */
  static final double DEFAULT_REJECT_WEIGHT = 100.0;

  final HeloPolicy policy;
  private final Map<HeloFinding, Double> weights;
  private final Map<HeloFinding, SmtpReply> replies;
  private final Set<HeloFinding> forcedReject;
  private final Set<HeloFinding> scoreOnly;
  final double rejectWeight;

  private FindingRules(Builder b) {
    this.policy = b.policy;
    this.weights = new EnumMap<>(b.weights);
    this.replies = new EnumMap<>(b.replies);
    this.forcedReject = b.forcedReject.isEmpty() ? EnumSet.noneOf(HeloFinding.class) : EnumSet.copyOf(b.forcedReject);
    this.scoreOnly = b.scoreOnly.isEmpty() ? EnumSet.noneOf(HeloFinding.class) : EnumSet.copyOf(b.scoreOnly);
    this.rejectWeight = b.rejectWeight;
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

  double weight(HeloFinding type) {
    return weights.getOrDefault(type, type.defaultWeight());
  }

  /** A finding with its configured weight; a rejecting one weighs at least the reject weight. */
  Finding finding(HeloFinding type, String reason) {
    boolean rejects = rejects(type);
    double w = weight(type);
    return new Finding(type, reason, rejects ? Math.max(w, rejectWeight) : w, rejects,
        replies.getOrDefault(type, type.defaultReply()));
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("policy=").append(policy.name().toLowerCase(java.util.Locale.ROOT));
    if (!weights.isEmpty()) {
      b.append(", weights=").append(weights);
    }
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
    private final Map<HeloFinding, Double> weights = new EnumMap<>(HeloFinding.class);
    private final Map<HeloFinding, SmtpReply> replies = new EnumMap<>(HeloFinding.class);
    private final Set<HeloFinding> forcedReject = EnumSet.noneOf(HeloFinding.class);
    private final Set<HeloFinding> scoreOnly = EnumSet.noneOf(HeloFinding.class);
    private double rejectWeight = DEFAULT_REJECT_WEIGHT;
    private boolean rejectWeightSet;

    void policy(HeloPolicy p) {
      requireNonNull(p, "policy");
      if (policySet) {
        throw new IllegalStateException("policy was already set to " + policy);
      }
      policySet = true;
      policy = p;
    }

    void weight(HeloFinding f, double w) {
      requireNonNull(f, "finding");
      if (!Double.isFinite(w)) {
        throw new IllegalArgumentException("weight of " + f + " must be finite: " + w);
      }
      if (weights.putIfAbsent(f, w) != null) {
        throw new IllegalStateException("weight of " + f + " was already set");
      }
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

    void rejectWeight(double w) {
      if (!Double.isFinite(w) || w < 0) {
        throw new IllegalArgumentException("reject weight must be finite and not negative: " + w);
      }
      if (rejectWeightSet) {
        throw new IllegalStateException("reject weight was already set");
      }
      rejectWeightSet = true;
      rejectWeight = w;
    }

    FindingRules build() {
      return new FindingRules(this);
    }
  }
}
