package dev.mailwarden.benchmarks.guard;

import dev.mailwarden.benchmarks.guard.GuardJudge.Measurement;
import dev.mailwarden.benchmarks.guard.GuardJudge.Verdict;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The benchmark guard: one short JMH pass (one fork, 3 x 1 s warm-up, 3 x 1 s measured, {@code
 * -prof gc}) over the pairs of {@code benchmarks/guard.conf}, each judged as a speed ratio within
 * the run against the threshold written next to it, plus allocation per operation where a path
 * promises little. Exits 1 when a pair fails (the failure names the pair, the ratio, the threshold
 * and the recorded figure), 2 when the guard itself cannot run. The JMH JSON is written to {@code
 * benchmarks/target/guard-jmh.json}.
 *
 * <pre>
 * mvn -B -q -pl benchmarks -am package -DskipTests
 * java -cp benchmarks/target/benchmarks.jar dev.mailwarden.benchmarks.guard.BenchmarkGuard
 * </pre>
 *
 * Options: {@code --config FILE} (default {@code benchmarks/guard.conf}), {@code --json FILE},
 * {@code --only REGEX} (pair names), {@code --forks N}, {@code --warmup N}, {@code --iterations N},
 * {@code --time MILLIS} (each warm-up and measured iteration), {@code --quiet} (no JMH progress).
 */
public final class BenchmarkGuard {
  /** The debian package of the DNS server that the network pair starts. */
  static final String RBLDNSD = "rbldnsd";

  private BenchmarkGuard() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out));
  }

  /** Runs the guard; returns 0 when every pair passes, 1 when one fails, 2 on a usage error. */
  public static int run(String[] args, PrintStream out) {
    long started = System.nanoTime();
    Settings s;
    List<GuardRule> rules;
    try {
      s = Settings.parse(args);
      rules = GuardRule.read(s.config);
    } catch (IOException | IllegalArgumentException e) {
      out.println("guard: " + e.getMessage());
      return 2;
    }
    if (s.only != null) {
      rules = rules.stream().filter(r -> s.only.matcher(r.name()).find()).toList();
    }
    if (rules.isEmpty()) {
      out.println("guard: no rules selected in " + s.config);
      return 2;
    }
    return guard(rules, s, out, started);
  }

  /** Runs JMH over the rules' pairs and judges them; 0 when all pass, 1 when one fails. */
  static int guard(List<GuardRule> rules, Settings s, PrintStream out) {
    return guard(rules, s, out, System.nanoTime());
  }

  private static int guard(List<GuardRule> rules, Settings s, PrintStream out, long started) {
    List<GuardRule> runnable = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    List<Verdict> verdicts = new ArrayList<>();
    boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
    for (GuardRule r : rules) {
      if (r.needs().equals(RBLDNSD) && !Files.isExecutable(rbldnsdBinary())) {
        String why = rbldnsdBinary() + " not found: install the Debian package rbldnsd";
        if (ci) {
          verdicts.add(
              new Verdict(
                  r,
                  false,
                  Double.NaN,
                  Double.NaN,
                  "FAIL "
                      + r.label()
                      + ": "
                      + why
                      + " (required under CI=true; .ci/run installs it)"));
        } else {
          skipped.add("SKIP " + r.label() + ": " + why);
        }
      } else if (!r.needs().isEmpty() && !r.needs().equals(RBLDNSD)) {
        out.println(
            "guard: " + s.config + ": rule " + r.name() + " needs unknown '" + r.needs() + "'");
        return 2;
      } else {
        runnable.add(r);
      }
    }

    // one JMH pass per warm-up length: most pairs share the default, a slow-to-warm one runs apart
    Map<Integer, List<GuardRule>> passes = new java.util.TreeMap<>();
    for (GuardRule r : runnable) {
      passes.computeIfAbsent(r.warmup() > 0 ? r.warmup() : s.warmup, w -> new ArrayList<>()).add(r);
    }
    List<RunResult> results = new ArrayList<>();
    List<Path> jsons = new ArrayList<>();
    for (Map.Entry<Integer, List<GuardRule>> pass : passes.entrySet()) {
      Path json = pass.getKey() == s.warmup ? s.json : sibling(s.json, "-warmup" + pass.getKey());
      jsons.add(json);
      try {
        Files.createDirectories(json.toAbsolutePath().getParent());
        results.addAll(new Runner(options(pass.getValue(), s, pass.getKey(), json).build()).run());
      } catch (RunnerException | IOException e) {
        out.println("guard: JMH could not run: " + e);
        return 2;
      }
    }
    verdicts.addAll(GuardJudge.judge(runnable, measurements(results)));

    out.println();
    out.println("Benchmark guard (" + s.config + "; JMH JSON: " + jsons + ")");
    skipped.forEach(out::println);
    long failed = 0;
    for (Verdict v : verdicts) {
      out.println(v.line());
      failed += v.passed() ? 0 : 1;
    }
    out.printf(
        Locale.ROOT,
        "guard: %d pairs passed, %d failed, %d skipped in %.0f s%n",
        verdicts.size() - failed,
        failed,
        skipped.size(),
        (System.nanoTime() - started) / 1e9);
    if (failed > 0) {
      out.println(
          "guard: FAILED. If the change is meant to move a figure, update its recorded= and min= "
              + "in "
              + s.config
              + " with a comment saying why (benchmarks/README.md, \"Benchmark guard\").");
    }
    return failed > 0 ? 1 : 0;
  }

  /** The JMH options of one pass over the rules' methods and {@code @Param} values. */
  static ChainedOptionsBuilder options(List<GuardRule> rules, Settings s, int warmup, Path json) {
    ChainedOptionsBuilder b =
        new OptionsBuilder()
            .forks(s.forks)
            .warmupIterations(warmup)
            .warmupTime(TimeValue.milliseconds(s.millis))
            .measurementIterations(s.iterations)
            .measurementTime(TimeValue.milliseconds(s.millis))
            .threads(1)
            .addProfiler(GCProfiler.class)
            .resultFormat(ResultFormatType.JSON)
            .result(json.toString())
            .verbosity(s.quiet ? VerboseMode.SILENT : VerboseMode.NORMAL);
    Map<String, Set<String>> params = new LinkedHashMap<>();
    for (GuardRule r : rules) {
      b.include(
          "\\."
              + Pattern.quote(r.bench())
              + "\\.("
              + Pattern.quote(r.ours())
              + "|"
              + Pattern.quote(r.peer())
              + ")$");
      r.params().forEach((k, v) -> params.computeIfAbsent(k, x -> new LinkedHashSet<>()).add(v));
    }
    params.forEach((k, v) -> b.param(k, v.toArray(String[]::new)));
    String rbldnsd = System.getProperty("rbldnsd");
    if (rbldnsd != null) {
      b.jvmArgsAppend("-Drbldnsd=" + rbldnsd);
    }
    return b;
  }

  /**
   * JMH's results as the judge sees them: class simple name, method, params, the speed of the best
   * measured iteration and the least {@code gc.alloc.rate.norm} of an iteration. Best, not mean: on
   * a loaded machine other processes only ever slow an iteration down, and a short warm-up can
   * leave the JIT still compiling in the first measured one; the best iteration of each side is
   * what its code can do, and a slowed path is slow in every iteration.
   */
  static List<Measurement> measurements(Collection<RunResult> results) {
    List<Measurement> out = new ArrayList<>();
    for (RunResult rr : results) {
      String[] name = rr.getParams().getBenchmark().split("\\.");
      Map<String, String> params = new LinkedHashMap<>();
      for (String k : rr.getParams().getParamsKeys()) {
        params.put(k, rr.getParams().getParam(k));
      }
      boolean throughput = rr.getParams().getMode() == Mode.Throughput;
      double speed = 0;
      double alloc = Double.NaN;
      for (BenchmarkResult br : rr.getBenchmarkResults()) {
        for (IterationResult it : br.getIterationResults()) {
          double score = it.getPrimaryResult().getScore();
          speed = Math.max(speed, throughput ? score : 1.0 / score);
          Result<?> norm = it.getSecondaryResults().get("gc.alloc.rate.norm");
          if (norm != null && !Double.isNaN(norm.getScore())) {
            alloc = Double.isNaN(alloc) ? norm.getScore() : Math.min(alloc, norm.getScore());
          }
        }
      }
      out.add(new Measurement(name[name.length - 2], name[name.length - 1], params, speed, alloc));
    }
    return out;
  }

  private static Path sibling(Path json, String suffix) {
    String name = json.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return json.resolveSibling(
        dot > 0 ? name.substring(0, dot) + suffix + name.substring(dot) : name + suffix);
  }

  private static Path rbldnsdBinary() {
    return Path.of(System.getProperty("rbldnsd", "/usr/sbin/rbldnsd"));
  }

  /** The command line. */
  static final class Settings {
    Path config = Path.of("benchmarks/guard.conf");
    Path json = Path.of("benchmarks/target/guard-jmh.json");
    Pattern only;
    int forks = 1;
    int warmup = 3;
    int iterations = 3;
    long millis = 1000;
    boolean quiet;

    static Settings parse(String[] args) {
      Settings s = new Settings();
      boolean jsonGiven = false;
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (a.equals("--quiet")) {
          s.quiet = true;
          continue;
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("missing value after " + a);
        }
        String v = args[++i];
        switch (a) {
          case "--config" -> s.config = Path.of(v);
          case "--json" -> {
            s.json = Path.of(v);
            jsonGiven = true;
          }
          case "--only" -> s.only = Pattern.compile(v);
          case "--forks" -> s.forks = Integer.parseInt(v);
          case "--warmup" -> s.warmup = Integer.parseInt(v);
          case "--iterations" -> s.iterations = Integer.parseInt(v);
          case "--time" -> s.millis = Long.parseLong(v);
          default ->
              throw new IllegalArgumentException(
                  "unknown option "
                      + a
                      + " (--config FILE, --json FILE, --only REGEX, --forks N, --warmup N, --iterations N, --time MILLIS, --quiet)");
        }
      }
      if (!Files.isRegularFile(s.config)
          && !s.config.isAbsolute()
          && Files.isRegularFile(Path.of("guard.conf"))) {
        // run from inside benchmarks/
        s.config = Path.of("guard.conf");
        if (!jsonGiven) {
          s.json = Path.of("target/guard-jmh.json");
        }
      }
      return s;
    }
  }
}
