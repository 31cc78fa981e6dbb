package dev.mailwarden.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The hostile-input corpus: one file per attack under a module's test resources ({@code
 * src/test/resources/<package>/hostile/}), each opening with header lines and then the payload:
 *
 * <pre>
 * # attacks: what the input attacks, in one sentence
 * # target: which parser or check reads it (e.g. spf-check, dkim-message)
 * # expect: the defined result (an outcome token, then a phrase the reason must contain)
 * # twin: the benign input of the same shape (for HostileInputBenchmark), optional
 * # twin-expect: the twin's result, as expect (the test proves the twin benign), optional
 * payload
 * </pre>
 *
 * <p>The payload keeps its line ends (LF); {@code {{N*text}}} stands for {@code text} repeated N
 * times and {@code {{N#text}}} for N copies with {@code %} replaced by 0, 1, 2..., so attacks of
 * megabytes stay a few lines in the repository.
 */
public final class HostileCorpus {
  /** One attack. */
  public record Attack(
      String name,
      String attacks,
      String target,
      String expect,
      Map<String, String> keys,
      String payload) {
    /** The first word of {@code expect}: the outcome or status. */
    public String expectedOutcome() {
      int sp = expect.indexOf(' ');
      return sp < 0 ? expect : expect.substring(0, sp);
    }

    /** What follows the first word of {@code expect}: a phrase the reason must contain. */
    public String expectedPhrase() {
      int sp = expect.indexOf(' ');
      return sp < 0 ? "" : expect.substring(sp + 1).strip();
    }

    /** The benign twin, expanded like the payload. */
    public Optional<String> twin() {
      return Optional.ofNullable(keys.get("twin")).map(t -> expand(t.replace("\\n", "\n")));
    }

    /** Another header key, e.g. {@code sender}. */
    public Optional<String> key(String name) {
      return Optional.ofNullable(keys.get(name)).map(HostileCorpus::expand);
    }

    @Override
    public String toString() {
      return name + " (" + attacks + ")";
    }
  }

  private HostileCorpus() {}

  /**
   * Every attack in the classpath folder {@code resourceDir}, e.g. {@code
   * /dev/mailwarden/auth/hostile}. Tests in a named module (on the module path) call {@link
   * #load(URL)} with {@code MyTest.class.getResource(dir)} instead: from the class path this class
   * cannot see resources in another module's packages.
   */
  public static List<Attack> load(String resourceDir) {
    URL url = HostileCorpus.class.getResource(resourceDir);
    if (url == null) {
      throw new IllegalStateException("no hostile corpus at " + resourceDir);
    }
    return load(url);
  }

  /** Every attack in the folder {@code directory} (a file or jar URL). */
  public static List<Attack> load(URL directory) {
    try {
      java.net.URI uri = Objects.requireNonNull(directory, "directory (no such resource?)").toURI();
      if ("jar".equals(uri.getScheme())) { // the benchmarks' shaded jar
        try (java.nio.file.FileSystem fs = java.nio.file.FileSystems.newFileSystem(uri, Map.of())) {
          return list(fs.provider().getPath(uri));
        }
      }
      return list(Path.of(uri));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Attack> list(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      List<Attack> out = new ArrayList<>();
      for (Path f : files.sorted().toList()) {
        out.add(read(f));
      }
      return out;
    }
  }

  /** The attacks of one target. */
  public static List<Attack> load(String resourceDir, String target) {
    return load(resourceDir).stream().filter(a -> a.target().equals(target)).toList();
  }

  static Attack read(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.ISO_8859_1);
    Map<String, String> keys = new LinkedHashMap<>();
    int i = 0;
    while (text.startsWith("# ", i)) {
      int eol = text.indexOf('\n', i);
      String line = text.substring(i + 2, eol < 0 ? text.length() : eol);
      int colon = line.indexOf(':');
      if (colon > 0) {
        keys.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
      }
      i = eol < 0 ? text.length() : eol + 1;
    }
    String payload = text.substring(i);
    if (payload.endsWith("\n")) {
      payload = payload.substring(0, payload.length() - 1);
    }
    for (String required : List.of("attacks", "target", "expect")) {
      if (!keys.containsKey(required)) {
        throw new IllegalStateException(file.getFileName() + " lacks '# " + required + ":'");
      }
    }
    if (!text.startsWith("# attacks:")) {
      throw new IllegalStateException(
          file.getFileName() + ": the first line must say what it attacks");
    }
    return new Attack(
        file.getFileName().toString(),
        keys.get("attacks"),
        keys.get("target"),
        keys.get("expect"),
        keys,
        expand(payload));
  }

  /** Expands {@code {{N*text}}} and {@code {{N#text}}}; linear in the output. */
  public static String expand(String s) {
    StringBuilder out = new StringBuilder(s.length());
    int i = 0;
    while (true) {
      int open = s.indexOf("{{", i);
      if (open < 0) {
        return out.append(s, i, s.length()).toString();
      }
      int close = s.indexOf("}}", open);
      int star = s.indexOf('*', open);
      int hash = s.indexOf('#', open);
      boolean numbered = hash >= 0 && hash < close && (star < 0 || hash < star);
      int sep = numbered ? hash : star;
      if (close < 0 || sep < 0 || sep > close) {
        return out.append(s, i, s.length()).toString();
      }
      out.append(s, i, open);
      int n = Integer.parseInt(s.substring(open + 2, sep).strip());
      String unit = s.substring(sep + 1, close);
      if (numbered) {
        for (int k = 0; k < n; k++) {
          out.append(unit.replace("%", Integer.toString(k)));
        }
      } else {
        out.append(unit.repeat(n));
      }
      i = close + 2;
    }
  }
}
