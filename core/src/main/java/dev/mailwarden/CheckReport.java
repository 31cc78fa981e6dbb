package dev.mailwarden;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * One check's part in an {@link Evaluation}: its result, its contribution to the score, how it
 * ended and how long it took.
 *
 * @param name the checker's name
 * @param result the result (a temperror result when the check failed or timed out)
 * @param score the contribution to the evaluation's score
 * @param status how the check ended
 * @param elapsed time from the start of the evaluation to the result
 * @param dnsQueries DNS queries this check made
 */
public record CheckReport(
    String name,
    CheckResult result,
    double score,
    Status status,
    Duration elapsed,
    int dnsQueries) {

  public CheckReport {
    requireNonNull(name, "name");
    requireNonNull(result, "result");
    requireNonNull(status, "status");
    requireNonNull(elapsed, "elapsed");
  }

  /** How a check ended. */
  public enum Status {
    /** The checker returned a result. */
    COMPLETED,
    /** The checker threw or its future failed; the result is its temperror. */
    FAILED,
    /** The deadline passed first; the result is its temperror. */
    TIMED_OUT,
    /** Not awaited: another result had already decided the verdict (short-circuit). */
    SKIPPED
  }

  /** The outcome of the result. */
  public Outcome outcome() {
    return result.outcome();
  }

  @Override
  public String toString() {
    return name
        + "="
        + result.outcome().token()
        + "("
        + formatScore(score)
        + ")"
        + (status == Status.COMPLETED
            ? ""
            : "[" + status.name().toLowerCase(java.util.Locale.ROOT) + "]");
  }

  static String formatScore(double s) {
    String v =
        s == Math.rint(s) && Math.abs(s) < 1e9
            ? String.valueOf((long) s) + ".0"
            : String.valueOf(s);
    return s > 0 ? "+" + v : v;
  }
}
