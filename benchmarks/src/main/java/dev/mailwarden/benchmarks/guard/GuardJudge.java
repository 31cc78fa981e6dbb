package dev.mailwarden.benchmarks.guard;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Judges measured results against the guard's rules; pure, so its tests need no JMH run. */
public final class GuardJudge {
  private GuardJudge() {}

  /**
   * One measured benchmark: the class's simple name, the method, its {@code @Param} values, its
   * speed in operations per unit time (a throughput score as is, an average time inverted) and its
   * {@code gc.alloc.rate.norm} in bytes per operation ({@code NaN} without {@code -prof gc}).
   */
  public record Measurement(
      String bench, String method, Map<String, String> params, double speed, double allocBytes) {
    public Measurement {
      params = Map.copyOf(params);
    }

    boolean matches(String bench, String method, Map<String, String> wanted) {
      return this.bench.equals(bench)
          && this.method.equals(method)
          && wanted.entrySet().stream().allMatch(e -> e.getValue().equals(params.get(e.getKey())));
    }
  }

  /** The judgement of one rule: the line printed, and whether it passed. */
  public record Verdict(
      GuardRule rule, boolean passed, double ratio, double allocBytes, String line) {}

  /** Judges every rule; a rule whose results are missing or ambiguous fails. */
  public static List<Verdict> judge(List<GuardRule> rules, List<Measurement> results) {
    List<Verdict> verdicts = new ArrayList<>();
    for (GuardRule rule : rules) {
      verdicts.add(judge(rule, results));
    }
    return verdicts;
  }

  static Verdict judge(GuardRule rule, List<Measurement> results) {
    Measurement ours;
    Measurement peer;
    try {
      ours = find(rule, rule.ours(), results);
      peer = find(rule, rule.peer(), results);
    } catch (IllegalStateException e) {
      return new Verdict(
          rule, false, Double.NaN, Double.NaN, "FAIL " + rule.label() + ": " + e.getMessage());
    }
    double ratio = ours.speed() / peer.speed();
    List<String> failures = new ArrayList<>();
    String speed =
        String.format(
            Locale.ROOT,
            "%s runs at %.3fx the speed of %s (threshold >= %.3fx, recorded %.3fx)",
            rule.ours(),
            ratio,
            rule.peer(),
            rule.minRatio(),
            rule.recordedRatio());
    if (!(ratio >= rule.minRatio())) {
      failures.add(
          String.format(
              Locale.ROOT,
              "ratio %.3fx is below the threshold %.3fx (recorded %.3fx): %s of %s lost its lead over %s",
              ratio,
              rule.minRatio(),
              rule.recordedRatio(),
              rule.ours(),
              rule.bench(),
              rule.peer()));
    }
    String alloc = "";
    if (rule.guardsAllocation()) {
      if (Double.isNaN(ours.allocBytes())) {
        failures.add("no gc.alloc.rate.norm for " + rule.ours() + " (run with -prof gc)");
      } else {
        alloc =
            String.format(
                Locale.ROOT,
                "; %.1f B/op (limit %.0f, recorded %.1f)",
                ours.allocBytes(),
                rule.maxAllocBytes(),
                rule.recordedAlloc());
        if (ours.allocBytes() > rule.maxAllocBytes()) {
          failures.add(
              String.format(
                  Locale.ROOT,
                  "allocation %.1f B/op is above the limit %.0f B/op (recorded %.1f B/op)",
                  ours.allocBytes(),
                  rule.maxAllocBytes(),
                  rule.recordedAlloc()));
        }
      }
    }
    boolean passed = failures.isEmpty();
    String line =
        (passed ? "PASS " : "FAIL ")
            + rule.label()
            + ": "
            + speed
            + alloc
            + (passed ? "" : "\n     " + String.join("\n     ", failures));
    return new Verdict(rule, passed, ratio, ours.allocBytes(), line);
  }

  private static Measurement find(GuardRule rule, String method, List<Measurement> results) {
    List<Measurement> found =
        results.stream().filter(m -> m.matches(rule.bench(), method, rule.params())).toList();
    if (found.isEmpty()) {
      throw new IllegalStateException(
          "no result for "
              + rule.bench()
              + "."
              + method
              + " "
              + rule.params()
              + " (did the benchmark fail or get renamed? see the JMH output above)");
    }
    if (found.size() > 1) {
      throw new IllegalStateException(
          found.size()
              + " results for "
              + rule.bench()
              + "."
              + method
              + ": the rule must fix every @Param ("
              + found.get(0).params().keySet()
              + ")");
    }
    Measurement m = found.get(0);
    if (!(m.speed() > 0) || Double.isInfinite(m.speed())) {
      throw new IllegalStateException(
          "unusable score for " + rule.bench() + "." + method + ": " + m.speed());
    }
    return m;
  }
}
