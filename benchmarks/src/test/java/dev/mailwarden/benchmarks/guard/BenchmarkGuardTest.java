package dev.mailwarden.benchmarks.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailwarden.benchmarks.guard.GuardJudge.Measurement;
import dev.mailwarden.benchmarks.guard.GuardJudge.Verdict;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

class BenchmarkGuardTest {
  /** surefire runs in the module directory. */
  private static final Path SHIPPED = Path.of("guard.conf");

  private static List<GuardRule> shipped() throws Exception {
    return GuardRule.read(SHIPPED);
  }

  private static GuardRule shippedRule(String name) throws Exception {
    return shipped().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
  }

  /**
   * Measurements where ours runs at {@code ratio} times the peer's speed and allocates {@code
   * alloc}.
   */
  private static List<Measurement> run(GuardRule r, double ratio, double alloc) {
    return List.of(
        new Measurement(r.bench(), r.ours(), r.params(), 1000 * ratio, alloc),
        new Measurement(r.bench(), r.peer(), r.params(), 1000, 0));
  }

  @Test
  void shippedRules_coverEveryPairOfTheIssue() throws Exception {
    List<String> pairs =
        shipped().stream().map(r -> r.bench() + "." + r.ours() + " vs " + r.peer()).toList();
    assertThat(pairs)
        .contains(
            "CachedResolverBenchmark.hit_mailwarden vs hit_chm",
            "DnsblBenchmark.evaluate_mailwarden vs evaluate_naive",
            "PipelineBenchmark.evaluate_mailwarden vs evaluate_sequential",
            "SpfBenchmark.evaluate_mailwarden vs evaluate_jspf",
            "DkimBenchmark.verify_mailwarden vs verify_floor",
            "RateLimiterBenchmark.acquire_mailwarden vs acquire_bucket4j",
            "DnsTransportBenchmark.query_mailwarden vs query_plainudp");
    assertThat(shippedRule("cache-hit").guardsAllocation()).isTrue();
    assertThat(shipped().stream().filter(r -> r.bench().equals("DnsblBenchmark")))
        .allMatch(GuardRule::guardsAllocation);
  }

  @Test
  void shippedRules_nameExistingBenchmarkMethodsAndParams_andSayWhy() throws Exception {
    for (GuardRule r : shipped()) {
      Class<?> bench = Class.forName("dev.mailwarden.benchmarks." + r.bench());
      for (String method : List.of(r.ours(), r.peer())) {
        assertThat(Arrays.stream(bench.getMethods()).filter(m -> m.getName().equals(method)))
            .as("%s: %s.%s is a @Benchmark method", r.name(), r.bench(), method)
            .singleElement()
            .matches(m -> m.isAnnotationPresent(Benchmark.class));
      }
      r.params()
          .forEach(
              (key, value) -> {
                String[] declared = paramValues(bench, key);
                assertThat(declared)
                    .as("%s: @Param %s of %s", r.name(), key, r.bench())
                    .isNotNull()
                    .contains(value);
              });
      assertThat(r.why())
          .as("%s: the comment saying why the threshold sits where it does", r.name())
          .hasSizeGreaterThan(40);
    }
  }

  /**
   * The declared values of a {@code @Param} field in the class or one of its nested state classes.
   */
  private static String[] paramValues(Class<?> bench, String name) {
    List<Class<?>> classes = new ArrayList<>(List.of(bench));
    classes.addAll(Arrays.asList(bench.getDeclaredClasses()));
    for (Class<?> c : classes) {
      for (Field f : c.getDeclaredFields()) {
        if (f.getName().equals(name) && f.isAnnotationPresent(Param.class)) {
          return f.getAnnotation(Param.class).value();
        }
      }
    }
    return null;
  }

  @Test
  void judge_everyShippedRuleAtItsRecordedFigures_passes() throws Exception {
    for (GuardRule r : shipped()) {
      Verdict v =
          GuardJudge.judge(
              r, run(r, r.recordedRatio(), r.guardsAllocation() ? r.recordedAlloc() : Double.NaN));
      assertThat(v.passed()).as(v.line()).isTrue();
      // and the threshold leaves room for noise: at least a fifth below what was recorded
      assertThat(r.minRatio()).as(r.name()).isLessThanOrEqualTo(r.recordedRatio() * 0.8);
    }
  }

  @Test
  void judge_oursBelowThreshold_failsNamingPairRatioThresholdAndRecorded() throws Exception {
    GuardRule r = shippedRule("dnsbl-v4");
    Verdict v = GuardJudge.judge(r, run(r, r.minRatio() * 0.9, r.recordedAlloc()));
    assertThat(v.passed()).isFalse();
    assertThat(v.line())
        .startsWith("FAIL dnsbl-v4 {family=v4}")
        .contains(
            String.format(
                java.util.Locale.ROOT,
                "ratio %.3fx is below the threshold %.3fx (recorded %.3fx)",
                r.minRatio() * 0.9,
                r.minRatio(),
                r.recordedRatio()))
        .contains("evaluate_mailwarden of DnsblBenchmark lost its lead over evaluate_naive");
  }

  @Test
  void judge_allocationAboveLimit_failsNamingLimitAndRecorded() throws Exception {
    GuardRule r = shippedRule("cache-hit");
    Verdict v = GuardJudge.judge(r, run(r, r.recordedRatio(), r.maxAllocBytes() + 16));
    assertThat(v.passed()).isFalse();
    assertThat(v.line())
        .contains("is above the limit " + (long) r.maxAllocBytes() + " B/op (recorded");
  }

  @Test
  void judge_allocationNotMeasured_fails() throws Exception {
    GuardRule r = shippedRule("cache-hit");
    assertThat(GuardJudge.judge(r, run(r, r.recordedRatio(), Double.NaN)).line())
        .contains("run with -prof gc");
  }

  @Test
  void judge_missingOrAmbiguousResult_fails() throws Exception {
    GuardRule r = shippedRule("dnsbl-v6");
    Verdict missing =
        GuardJudge.judge(r, List.of(new Measurement(r.bench(), r.ours(), r.params(), 1, 0)));
    assertThat(missing.passed()).isFalse();
    assertThat(missing.line()).contains("no result for DnsblBenchmark.evaluate_naive");

    GuardRule loose =
        new GuardRule(
            "loose",
            r.bench(),
            r.ours(),
            r.peer(),
            Map.of(),
            1,
            2,
            Double.NaN,
            Double.NaN,
            "",
            0,
            "");
    List<Measurement> both = new ArrayList<>(run(shippedRule("dnsbl-v4"), 10, 24));
    both.addAll(run(r, 100, 56));
    assertThat(GuardJudge.judge(loose, both).line()).contains("the rule must fix every @Param");
  }

  @Test
  void parse_malformedLine_isRefusedWithItsLineNumber() {
    assertThatThrownBy(
            () ->
                GuardRule.parse(
                    "# why\nx bench=B ours=a peer=b min=1 recorded=2 typo=3\n", "g.conf"))
        .hasMessageContaining("g.conf:2: unknown key 'typo'");
    assertThatThrownBy(() -> GuardRule.parse("x bench=B ours=a peer=b recorded=2\n", "g.conf"))
        .hasMessageContaining("has no min=");
    assertThatThrownBy(
            () ->
                GuardRule.parse("x bench=B ours=a peer=b min=1 recorded=2 alloc.max=8\n", "g.conf"))
        .hasMessageContaining("go together");
  }

  /**
   * One tiny real JMH pass (in this JVM, 200 ms iterations) of the cache hit and two deliberately
   * broken versions of it, judged with the shipped cache-hit thresholds: the healthy hit passes,
   * the slowed one fails on speed, the allocating one on allocation.
   */
  @Test
  void realJmhPass_slowedAndAllocatingCacheHit_failTheShippedThresholds(@TempDir Path dir)
      throws Exception {
    System.setProperty(
        "jmh.ignoreLock", "true"); // other JMH runs on a shared machine must not block a unit test
    GuardRule shipped = shippedRule("cache-hit");
    List<GuardRule> rules = new ArrayList<>();
    for (String ours : List.of("hit_mailwarden", "hit_slowed", "hit_allocating")) {
      rules.add(
          new GuardRule(
              "cache-hit/" + ours,
              "SlowedCacheHitBenchmark",
              ours,
              shipped.peer(),
              shipped.params(),
              shipped.minRatio(),
              shipped.recordedRatio(),
              shipped.maxAllocBytes(),
              shipped.recordedAlloc(),
              "",
              0,
              shipped.why()));
    }
    Path json = dir.resolve("guard.json");
    BenchmarkGuard.Settings s =
        BenchmarkGuard.Settings.parse(
            new String[] {
              "--json",
              json.toString(),
              "--forks",
              "0",
              "--warmup",
              "2",
              "--iterations",
              "2",
              "--time",
              "200",
              "--quiet"
            });
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int exit = BenchmarkGuard.guard(rules, s, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);

    assertThat(exit).as(out).isEqualTo(1);
    assertThat(out)
        .contains("PASS cache-hit/hit_mailwarden {entries=1000}")
        .containsPattern(
            "FAIL cache-hit/hit_slowed \\{entries=1000}: hit_slowed runs at 0\\.\\d+x the speed of hit_chm"
                + "[^\\n]*\\n\\s+ratio 0\\.\\d+x is below the threshold")
        .containsPattern(
            "FAIL cache-hit/hit_allocating \\{entries=1000}[^\\n]*\\n(\\s+[^\\n]*\\n)*?"
                + "\\s+allocation 2\\d\\d\\.\\d B/op is above the limit "
                + (long) shipped.maxAllocBytes()
                + " B/op")
        .contains("guard: 1 pairs passed, 2 failed");
    assertThat(Files.readString(json))
        .contains("SlowedCacheHitBenchmark.hit_slowed", "gc.alloc.rate.norm");
  }
}
