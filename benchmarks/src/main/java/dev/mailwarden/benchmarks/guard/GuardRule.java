package dev.mailwarden.benchmarks.guard;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One guarded pair from {@code benchmarks/guard.conf}: our method against its peer in the same
 * benchmark class and the same {@code @Param} values, judged by the speed ratio (our operations per
 * second divided by the peer's, so above 1 means ours is faster) within one run.
 *
 * <p>A rule is one line, its reason the comment lines above it:
 *
 * <pre>
 * # why the threshold sits where it does
 * cache-hit bench=CachedResolverBenchmark ours=hit_mailwarden peer=hit_chm param.entries=1000 min=0.25 recorded=0.70 alloc.max=8 alloc.recorded=0
 * </pre>
 *
 * @param name the pair's name, printed in every verdict
 * @param bench the benchmark class's simple name in {@code dev.mailwarden.benchmarks}
 * @param ours our method
 * @param peer the peer or baseline method it is judged against
 * @param params the {@code @Param} values both methods run with
 * @param minRatio the guard fails when ours runs at less than this fraction of the peer's speed
 * @param recordedRatio the ratio seen when the threshold was set (for the failure message)
 * @param maxAllocBytes the most {@code gc.alloc.rate.norm} (bytes per operation) ours may allocate,
 *     or {@code NaN} when allocation is not guarded
 * @param recordedAlloc the allocation seen when the limit was set, or {@code NaN}
 * @param needs a Debian package the pair needs ({@code rbldnsd}), or empty
 * @param warmup warm-up iterations for this pair when it needs more than the guard's default (its
 *     pairs then run in a JMH pass of their own), or 0 for the default
 * @param why the comment above the rule
 */
public record GuardRule(
    String name,
    String bench,
    String ours,
    String peer,
    Map<String, String> params,
    double minRatio,
    double recordedRatio,
    double maxAllocBytes,
    double recordedAlloc,
    String needs,
    int warmup,
    String why) {

  public GuardRule {
    params = Map.copyOf(params);
  }

  /** True when allocation per operation of ours is guarded too. */
  public boolean guardsAllocation() {
    return !Double.isNaN(maxAllocBytes);
  }

  /** {@code name [k=v, ...]}, as printed in verdicts. */
  public String label() {
    return params.isEmpty() ? name : name + " " + new java.util.TreeMap<>(params);
  }

  /** Reads the rules of a guard file; a malformed line is an error naming its line number. */
  public static List<GuardRule> read(Path file) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
  }

  static List<GuardRule> parse(String text, String source) {
    List<GuardRule> rules = new ArrayList<>();
    StringBuilder why = new StringBuilder();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty()) {
        why.setLength(0); // a blank line ends a comment block: only the block right above counts
      } else if (line.startsWith("#")) {
        why.append(why.length() == 0 ? "" : " ").append(line.substring(1).strip());
      } else {
        try {
          rules.add(parseRule(line, why.toString()));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(source + ":" + (i + 1) + ": " + e.getMessage(), e);
        }
        why.setLength(0);
      }
    }
    return rules;
  }

  private static GuardRule parseRule(String line, String why) {
    String[] tokens = line.split("\\s+");
    Map<String, String> fields = new LinkedHashMap<>();
    Map<String, String> params = new LinkedHashMap<>();
    for (int t = 1; t < tokens.length; t++) {
      int eq = tokens[t].indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("expected key=value, got '" + tokens[t] + "'");
      }
      String key = tokens[t].substring(0, eq);
      String value = tokens[t].substring(eq + 1);
      if (key.startsWith("param.")) {
        params.put(key.substring("param.".length()), value);
      } else if (!List.of(
              "bench",
              "ours",
              "peer",
              "min",
              "recorded",
              "alloc.max",
              "alloc.recorded",
              "needs",
              "warmup")
          .contains(key)) {
        throw new IllegalArgumentException("unknown key '" + key + "'");
      } else if (fields.put(key, value) != null) {
        throw new IllegalArgumentException("'" + key + "' given twice");
      }
    }
    for (String required : List.of("bench", "ours", "peer", "min", "recorded")) {
      if (!fields.containsKey(required)) {
        throw new IllegalArgumentException("rule '" + tokens[0] + "' has no " + required + "=");
      }
    }
    if (fields.containsKey("alloc.max") != fields.containsKey("alloc.recorded")) {
      throw new IllegalArgumentException("alloc.max= and alloc.recorded= go together");
    }
    return new GuardRule(
        tokens[0],
        fields.get("bench"),
        fields.get("ours"),
        fields.get("peer"),
        params,
        number(fields.get("min")),
        number(fields.get("recorded")),
        fields.containsKey("alloc.max") ? number(fields.get("alloc.max")) : Double.NaN,
        fields.containsKey("alloc.recorded") ? number(fields.get("alloc.recorded")) : Double.NaN,
        fields.getOrDefault("needs", ""),
        (int) number(fields.getOrDefault("warmup", "0")),
        why);
  }

  private static double number(String s) {
    try {
      double d = Double.parseDouble(s);
      if (!(d >= 0) || Double.isInfinite(d)) {
        throw new IllegalArgumentException("not a non-negative number: " + s);
      }
      return d;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a number: " + s, e);
    }
  }
}
