package dev.mailwarden.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * Two or more builds of mailwarden side by side in one JVM: each build's classes are loaded by a
 * class loader of their own, {@link DkimBenchmark}'s methods of every build run interleaved round
 * by round on one thread, timed in that thread's CPU time. Separate JVMs of one build differ by
 * more than most single changes (JIT decisions, heap sizing), and the machine's speed drifts
 * between runs; here every build sees the same JVM and the same minutes, so before and after can be
 * told apart to a few tenths of a microsecond. Each figure is the median over rounds.
 *
 * <pre>
 * {@code java -cp benchmarks/target/benchmarks.jar dev.mailwarden.benchmarks.DkimBuildsTiming \
 *     algorithm size rounds perRound methods label=classpath...}
 * e.g. rsa 4096 30 1000 verify,floor before=/tmp/before.jar after=benchmarks/target/benchmarks.jar
 * </pre>
 *
 * <p>{@code methods}, comma-separated: {@code verify} ({@code verify_mailwarden}), {@code runtime}
 * ({@code verify_mailwarden_runtime}), {@code floor} ({@code verify_floor}, timed for the first
 * build only: it is the same JDK and BouncyCastle code in every build), {@code sign} ({@code
 * sign_mailwarden}). A classpath is a benchmarks jar (or its classes before it, separated by {@code
 * :}) of any build that has {@code DkimBenchmark.Input.prepared}.
 */
public final class DkimBuildsTiming {
  private DkimBuildsTiming() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 6) {
      throw new IllegalArgumentException(
          "usage: algorithm size rounds perRound methods label=classpath...");
    }
    String algorithm = args[0];
    int size = Integer.parseInt(args[1]);
    int rounds = Integer.parseInt(args[2]);
    int perRound = Integer.parseInt(args[3]);
    String[] methods = args[4].split(",");
    Map<String, IntSupplier> ops = new LinkedHashMap<>();
    for (int k = 5; k < args.length; k++) {
      String[] build = args[k].split("=", 2);
      ClassLoader loader = new BuildLoader(build[1]);
      for (String method : methods) {
        if (method.equals("floor") && k > 5) {
          continue;
        }
        Object runner =
            loader
                .loadClass(Runner.class.getName())
                .getConstructor(String.class, int.class, String.class)
                .newInstance(algorithm, size, method);
        ops.put(build[0] + " " + method, (IntSupplier) runner);
      }
    }
    CpuRounds times = CpuRounds.time(ops, rounds, perRound);
    System.out.printf(
        Locale.ROOT,
        "%s %d B: CPU per operation, median of %d rounds of %d (quartiles)%n",
        algorithm,
        size,
        rounds,
        perRound);
    for (Map.Entry<String, double[]> t : times.sortedMicros().entrySet()) {
      double[] d = t.getValue();
      System.out.printf(
          Locale.ROOT,
          "  %-24s %8.2f us  (%.2f, %.2f)%n",
          t.getKey(),
          d[rounds / 2],
          d[rounds / 4],
          d[3 * rounds / 4]);
    }
    printRatios(times, rounds);
    System.out.println("(sink " + times.sink() + ")");
    for (IntSupplier op : ops.values()) {
      ((AutoCloseable) op).close();
    }
  }

  /**
   * Each build's throughput against the floor's, round by round (floor time / its time in the same
   * round): the machine's speed changes between minutes, and a ratio of two medians can pair a fast
   * minute with a slow one.
   */
  private static void printRatios(CpuRounds times, int rounds) {
    String floor = null;
    for (String name : times.roundMicros().keySet()) {
      if (name.endsWith(" floor")) {
        floor = name;
      }
    }
    if (floor == null) {
      return;
    }
    double[] f = times.roundMicros().get(floor);
    System.out.println("  against the floor, per round: median (quartiles)");
    for (Map.Entry<String, double[]> t : times.roundMicros().entrySet()) {
      if (t.getKey().equals(floor)) {
        continue;
      }
      double[] ratio = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        ratio[r] = f[r] / t.getValue()[r];
      }
      Arrays.sort(ratio);
      System.out.printf(
          Locale.ROOT,
          "  %-24s %8.3f     (%.3f, %.3f)%n",
          t.getKey(),
          ratio[rounds / 2],
          ratio[rounds / 4],
          ratio[3 * rounds / 4]);
    }
  }

  /**
   * Loads one build: its classpath first, then the platform's classes (not this JVM's classpath),
   * and {@link Runner} from this jar's bytes, so it links against that build's classes.
   */
  private static final class BuildLoader extends URLClassLoader {
    BuildLoader(String classpath) throws IOException {
      super(urls(classpath), ClassLoader.getPlatformClassLoader());
    }

    private static URL[] urls(String classpath) throws IOException {
      List<URL> urls = new ArrayList<>();
      for (String entry : classpath.split(":")) {
        urls.add(Path.of(entry).toUri().toURL());
      }
      return urls.toArray(new URL[0]);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (!name.startsWith(Runner.class.getName())) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> c = findLoadedClass(name);
        if (c == null) {
          String resource = name.replace('.', '/') + ".class";
          try (InputStream in =
              DkimBuildsTiming.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
              throw new ClassNotFoundException(name);
            }
            byte[] bytes = in.readAllBytes();
            c = defineClass(name, bytes, 0, bytes.length);
          } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
          }
        }
        return c;
      }
    }
  }

  /** One method of one build, on an input that build prepared. */
  public static final class Runner implements IntSupplier, AutoCloseable {
    private final DkimBenchmark.Input in;
    private final IntSupplier op;

    public Runner(String algorithm, int size, String method) throws Exception {
      DkimBenchmark b = new DkimBenchmark();
      DkimBenchmark.Input in = DkimBenchmark.Input.prepared(algorithm, size);
      this.in = in;
      op =
          switch (method) {
            case "verify" -> () -> b.verify_mailwarden(in).ordinal();
            case "runtime" -> () -> b.verify_mailwarden_runtime(in).ordinal();
            case "sign" -> () -> b.sign_mailwarden(in).length;
            case "floor" ->
                () -> {
                  try {
                    return b.verify_floor(in) ? 1 : 0;
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                };
            default -> throw new IllegalArgumentException("unknown method " + method);
          };
    }

    @Override
    public int getAsInt() {
      return op.getAsInt();
    }

    @Override
    public void close() {
      in.closeRuntime();
    }
  }
}
