package dev.mailwarden.auth.spf;

import com.google.common.net.InetAddresses;
import dev.mailwarden.CheckContext;
import dev.mailwarden.Checker;
import dev.mailwarden.MailSession;
import dev.mailwarden.dns.DnsStatus;
import dev.mailwarden.dns.RecordType;
import dev.mailwarden.dns.ZoneResolver;
import dev.mailwarden.testing.Environment;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The openspf.org YAML suites (read in place from the shared conformance folder), judged as pyspf's
 * own driver judges: the result must be one of the accepted results and, where the test gives an
 * explanation, the explanation must match exactly ({@code DEFAULT} meaning the default explanation,
 * which the driver sets to the word DEFAULT).
 *
 * <p>Zone data follows the driver's conventions: a name without TXT entries serves its SPF entries
 * as TXT; {@code TXT: NONE} turns that off; a bare {@code TIMEOUT} makes every query type not
 * listed before it time out. Type SPF (99) itself is never served (RFC 7208 section 3.1).
 */
final class SpfSuite {
  /** One test of a suite. */
  record Case(
      String suite,
      String scenario,
      String name,
      String host,
      String mailFrom,
      String helo,
      List<String> results,
      String explanation,
      ZoneResolver zone) {

    MailSession session() {
      MailSession.Builder b =
          MailSession.builder().clientIp(InetAddresses.forString(host)).helo(helo);
      return b.mailFrom(mailFrom).build();
    }
  }

  /** What one case gave. */
  record Outcome(Case test, SpfResult result, boolean passed) {
    String describe() {
      return test.name
          + " ["
          + test.scenario
          + "]: got "
          + result.outcome().token()
          + result.explanation().map(e -> " exp=\"" + e + "\"").orElse("")
          + ", expected "
          + test.results
          + (test.explanation == null ? "" : " exp=\"" + test.explanation + "\"")
          + result.problem().map(p -> " (" + p + ")").orElse("");
    }
  }

  private SpfSuite() {}

  static Path file(String suite) {
    return Environment.requireConformance("spf").resolve(suite + "-tests.yml");
  }

  @SuppressWarnings("unchecked")
  static List<Case> load(String suite) {
    Path path = file(suite);
    List<Case> cases = new ArrayList<>();
    Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
    try (InputStream in = Files.newInputStream(path)) {
      for (Object doc : yaml.loadAll(in)) {
        Map<String, Object> scenario = (Map<String, Object>) doc;
        String description = String.valueOf(scenario.get("description"));
        ZoneResolver zone = zone((Map<String, Object>) scenario.getOrDefault("zonedata", Map.of()));
        Map<String, Map<String, Object>> tests =
            (Map<String, Map<String, Object>>) scenario.get("tests");
        for (Map.Entry<String, Map<String, Object>> e : tests.entrySet()) {
          Map<String, Object> t = e.getValue();
          Object result = t.get("result");
          List<String> results = new ArrayList<>();
          if (result instanceof List<?> l) {
            l.forEach(r -> results.add(String.valueOf(r)));
          } else {
            results.add(String.valueOf(result));
          }
          Object exp = t.get("explanation");
          cases.add(
              new Case(
                  suite,
                  description,
                  e.getKey(),
                  String.valueOf(t.get("host")),
                  String.valueOf(t.get("mailfrom")),
                  String.valueOf(t.get("helo")),
                  results,
                  exp == null ? null : String.valueOf(exp),
                  zone));
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return cases;
  }

  @SuppressWarnings("unchecked")
  static ZoneResolver zone(Map<String, Object> data) {
    ZoneResolver.Builder b = ZoneResolver.builder();
    for (Map.Entry<String, Object> e : data.entrySet()) {
      String name = e.getKey();
      List<Object> entries = e.getValue() == null ? List.of() : (List<Object>) e.getValue();
      boolean hasTxt = false;
      for (Object o : entries) {
        if (o instanceof Map<?, ?> m && m.containsKey("TXT")) {
          hasTxt = true;
        }
      }
      Set<RecordType> served = EnumSet.noneOf(RecordType.class);
      List<Object> generated = new ArrayList<>();
      boolean timedOut = false;
      boolean any = false;
      for (Object o : entries) {
        if ("TIMEOUT".equals(o)) {
          for (RecordType t : RecordType.values()) {
            if (!served.contains(t)) {
              b.fail(name, t, DnsStatus.TIMEOUT);
            }
          }
          timedOut = true;
          break; // the driver stops at TIMEOUT
        }
        Map<String, Object> m = (Map<String, Object>) o;
        Map.Entry<String, Object> rr = m.entrySet().iterator().next();
        String type = rr.getKey();
        Object value = rr.getValue();
        any = true;
        if ("NONE".equals(value)) {
          continue;
        }
        switch (type) {
          case "A" -> {
            b.address(name, String.valueOf(value));
            served.add(RecordType.A);
          }
          case "AAAA" -> {
            b.address(name, String.valueOf(value));
            served.add(RecordType.AAAA);
          }
          case "MX" -> {
            List<Object> mx = (List<Object>) value;
            b.mx(name, ((Number) mx.get(0)).intValue(), String.valueOf(mx.get(1)));
            served.add(RecordType.MX);
          }
          case "PTR" -> {
            b.ptr(name, String.valueOf(value));
            served.add(RecordType.PTR);
          }
          case "CNAME" -> {
            b.cname(name, String.valueOf(value));
            served.add(RecordType.CNAME);
          }
          case "TXT" -> {
            b.txtBytes(name, strings(value));
            served.add(RecordType.TXT);
          }
          case "SPF" -> {
            if (!hasTxt) {
              generated.add(value); // served as TXT after every other entry, as the driver does
            }
          }
          default ->
              throw new IllegalArgumentException("unknown record type " + type + " at " + name);
        }
      }
      if (!timedOut) {
        for (Object value : generated) {
          b.txtBytes(name, strings(value));
        }
      }
      if (any) {
        b.exists(name);
      }
    }
    return b.build();
  }

  /** A TXT value (one string or a list of character-strings) as raw bytes. */
  private static byte[][] strings(Object value) {
    List<String> list = new ArrayList<>();
    if (value instanceof List<?> l) {
      l.forEach(s -> list.add(String.valueOf(s)));
    } else {
      list.add(String.valueOf(value));
    }
    byte[][] out = new byte[list.size()][];
    for (int i = 0; i < out.length; i++) {
      String s = list.get(i);
      boolean latin1 = s.chars().allMatch(c -> c <= 0xff);
      // YAML "\xEF" escapes stand for single bytes
      out[i] = s.getBytes(latin1 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
    }
    return out;
  }

  static SpfResult run(Checker<SpfResult> checker, Case c) {
    try {
      return checker
          .check(CheckContext.forTesting(c.session(), c.zone()))
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(c.name + " did not complete: " + e, e);
    }
  }

  static boolean judge(Case c, SpfResult r) {
    if (!c.results.contains(r.outcome().token())) {
      return false;
    }
    if (c.explanation != null) {
      return c.explanation.equals(r.explanation().orElse(null));
    }
    return true;
  }

  /** Runs the whole suite, prints per-scenario counts and a summary line, returns every outcome. */
  static List<Outcome> runAll(String suite, String engineName, Checker<SpfResult> checker) {
    List<Outcome> out = new ArrayList<>();
    Map<String, int[]> perScenario = new LinkedHashMap<>();
    for (Case c : load(suite)) {
      SpfResult r = run(checker, c);
      boolean ok = judge(c, r);
      out.add(new Outcome(c, r, ok));
      int[] counts = perScenario.computeIfAbsent(c.scenario, k -> new int[2]);
      counts[ok ? 0 : 1]++;
    }
    int passed = 0;
    int failed = 0;
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, int[]> e : perScenario.entrySet()) {
      b.append(
          String.format(
              "  %-45s %3d passed, %d failed%n", e.getKey(), e.getValue()[0], e.getValue()[1]));
      passed += e.getValue()[0];
      failed += e.getValue()[1];
    }
    for (Outcome o : out) {
      if (!o.passed) {
        b.append("  FAILED ").append(o.describe()).append('\n');
      }
    }
    System.out.print(b);
    System.out.println(suite + " " + engineName + ": " + passed + " passed, " + failed + " failed");
    return out;
  }

  static Set<String> failedNames(List<Outcome> outcomes) {
    Set<String> names = new TreeSet<>();
    for (Outcome o : outcomes) {
      if (!o.passed) {
        names.add(o.test.name);
      }
    }
    return names;
  }

  static Checker<SpfResult> checker(SpfEngine engine) {
    return Spf.builder().engine(engine).defaultExplanation("DEFAULT").build();
  }
}
