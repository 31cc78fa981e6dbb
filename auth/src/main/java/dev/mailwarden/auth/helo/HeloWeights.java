package dev.mailwarden.auth.helo;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.CheckResult;
import dev.mailwarden.Weights;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * How HELO and iprev findings score, given at registration: each finding adds its weight (by
 * default {@link HeloFinding#defaultWeight()}), and a finding that rejects under the checker's
 * policy adds at least the reject weight (default 100, far above any sensible reject threshold, so
 * the evaluation rejects with that finding's reply). The default weights of {@link Helo} and {@link
 * Iprev}. Immutable.
 *
 * <pre>{@code
 * builder.check(Helo.check(), HeloWeights.builder().weight(HeloFinding.DYNAMIC_RDNS, 2.5).build());
 * }</pre>
 */
public final class HeloWeights implements Weights {
  private static final HeloWeights DEFAULTS = new HeloWeights(Map.of(), 100.0);

  private final Map<HeloFinding, Double> weights;
  private final double rejectWeight;

  private HeloWeights(Map<HeloFinding, Double> weights, double rejectWeight) {
    this.weights = weights.isEmpty() ? Map.of() : new EnumMap<>(weights);
    this.rejectWeight = rejectWeight;
  }

  /** Every finding its default weight, a rejecting one at least 100. */
  public static HeloWeights perFinding() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** What one finding scores under these weights. */
  public double weight(Finding finding) {
    double w = weights.getOrDefault(finding.type(), finding.type().defaultWeight());
    return finding.rejects() ? Math.max(w, rejectWeight) : w;
  }

  @Override
  public double score(CheckResult result) {
    List<Finding> findings =
        result instanceof HeloResult h
            ? h.findings()
            : result instanceof IprevResult i ? i.findings() : List.of();
    double sum = 0;
    for (Finding f : findings) {
      sum += weight(f);
    }
    return sum;
  }

  @Override
  public String toString() {
    return "HeloWeights["
        + (weights.isEmpty() ? "defaults" : weights)
        + ", reject="
        + rejectWeight
        + "]";
  }

  /** Builds {@link HeloWeights}; each setting once. */
  public static final class Builder {
    private final Map<HeloFinding, Double> weights = new EnumMap<>(HeloFinding.class);
    private double rejectWeight = 100.0;
    private boolean rejectWeightSet;

    private Builder() {}

    /** The weight {@code finding} adds (instead of its default). */
    public Builder weight(HeloFinding finding, double weight) {
      requireNonNull(finding, "finding");
      if (!Double.isFinite(weight)) {
        throw new IllegalArgumentException("weight of " + finding + " must be finite: " + weight);
      }
      if (weights.putIfAbsent(finding, weight) != null) {
        throw new IllegalStateException("weight of " + finding + " was already set");
      }
      return this;
    }

    /** The least weight of a rejecting finding (default 100). */
    public Builder rejectWeight(double weight) {
      if (!Double.isFinite(weight) || weight < 0) {
        throw new IllegalArgumentException(
            "reject weight must be finite and not negative: " + weight);
      }
      if (rejectWeightSet) {
        throw new IllegalStateException("reject weight was already set");
      }
      rejectWeightSet = true;
      this.rejectWeight = weight;
      return this;
    }

    public HeloWeights build() {
      return new HeloWeights(weights, rejectWeight);
    }
  }
}
