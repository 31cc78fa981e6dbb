package dev.mailwarden;

import static java.util.Objects.requireNonNull;

import java.util.EnumMap;
import java.util.Map;

/**
 * Turns a check's result into its contribution to the score: the one place where scores are set.
 * Given at registration ({@code builder.check(checker, weights)}); a checker registered without
 * weights uses its documented {@link Checker#defaultWeights()}. Positive scores push towards
 * reject, negative ones (allowlists) towards accept. Modules offer typed weights for results with
 * parts ({@code DnsblWeights} per list, {@code HeloWeights} per finding).
 */
@FunctionalInterface
public interface Weights {

  /** The contribution of this result; must be finite. */
  double score(CheckResult result);

  /** Every outcome scores zero: the check is reported but never decides. */
  static Weights none() {
    return r -> 0.0;
  }

  /** One outcome scores {@code score}, all others zero. */
  static Weights of(Outcome outcome, double score) {
    return byOutcome(Map.of(outcome, score));
  }

  /** Two outcomes with their scores, all others zero. */
  static Weights of(Outcome o1, double s1, Outcome o2, double s2) {
    return byOutcome(Map.of(o1, s1, o2, s2));
  }

  /** Three outcomes with their scores, all others zero. */
  static Weights of(Outcome o1, double s1, Outcome o2, double s2, Outcome o3, double s3) {
    return byOutcome(Map.of(o1, s1, o2, s2, o3, s3));
  }

  /** Scores by outcome; outcomes missing from the map score zero. */
  static Weights byOutcome(Map<Outcome, Double> scores) {
    EnumMap<Outcome, Double> copy = new EnumMap<>(Outcome.class);
    scores.forEach(
        (o, s) -> {
          requireNonNull(o, "outcome");
          if (!Double.isFinite(requireNonNull(s, "score"))) {
            throw new IllegalArgumentException("score for " + o + " must be finite: " + s);
          }
          copy.put(o, s);
        });
    double[] table = new double[Outcome.values().length];
    copy.forEach((o, s) -> table[o.ordinal()] = s);
    return new Weights() {
      @Override
      public double score(CheckResult result) {
        return table[result.outcome().ordinal()];
      }

      @Override
      public String toString() {
        return "Weights" + copy;
      }
    };
  }

  /** This weighting multiplied by {@code factor}. */
  default Weights times(double factor) {
    if (!Double.isFinite(factor)) {
      throw new IllegalArgumentException("factor must be finite: " + factor);
    }
    return r -> score(r) * factor;
  }
}
