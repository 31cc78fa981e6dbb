package dev.mailwarden.benchmarks;

import dev.mailwarden.Outcome;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * {@link DkimBenchmark}'s {@code verify_mailwarden} against its {@code verify_floor}, interleaved
 * round by round on one thread and timed in that thread's CPU time. JMH measures the two one after
 * the other in wall time, so on a machine shared with other jobs a change in the background load
 * between them moves their ratio; here both sides of every round see the same load, and CPU time
 * leaves out the waiting for a CPU. The figure is the median over rounds of each round's ratio.
 *
 * <pre>
 * {@code java -cp benchmarks/target/benchmarks.jar dev.mailwarden.benchmarks.DkimFloorTiming \
 *     [algorithm=rsa] [size=4096] [rounds=30] [perRound=2000] [path=standalone|runtime|sign]}
 * </pre>
 *
 * <p>{@code path=runtime} times {@code verify_mailwarden_runtime} (a check on a runtime's context,
 * keys from its shared cache) instead of {@code verify_mailwarden}; {@code path=sign} times the
 * signing pair, {@code sign_mailwarden} against {@code sign_floor}.
 */
public final class DkimFloorTiming {
  private DkimFloorTiming() {}

  public static void main(String[] args) throws Exception {
    String algorithm = args.length > 0 ? args[0] : "rsa";
    int size = args.length > 1 ? Integer.parseInt(args[1]) : 4096;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 30;
    int perRound = args.length > 3 ? Integer.parseInt(args[3]) : 2000;
    String path = args.length > 4 ? args[4] : "standalone";
    boolean sign = path.equals("sign");
    DkimBenchmark.Input in = DkimBenchmark.Input.prepared(algorithm, size);
    DkimBenchmark b = new DkimBenchmark();
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    double[] ours = new double[rounds];
    double[] floor = new double[rounds];
    double[] ratio = new double[rounds];
    int sink = 0; // signatures' lengths, printed, so the signing is not optimized away
    int warmUp = Math.max(10, rounds / 2); // the verifier's code path takes seconds to compile
    for (int r = -warmUp; r < rounds; r++) {
      long c0 = mx.getCurrentThreadCpuTime();
      for (int i = 0; i < perRound; i++) {
        if (sign) {
          sink ^= b.sign_mailwarden(in).length;
          continue;
        }
        Outcome o =
            path.equals("runtime") ? b.verify_mailwarden_runtime(in) : b.verify_mailwarden(in);
        if (o != Outcome.PASS) {
          throw new IllegalStateException("the benchmark message did not verify");
        }
      }
      long c1 = mx.getCurrentThreadCpuTime();
      for (int i = 0; i < perRound; i++) {
        if (sign) {
          sink ^= b.sign_floor(in).length;
        } else if (!b.verify_floor(in)) {
          throw new IllegalStateException("the floor did not verify");
        }
      }
      long c2 = mx.getCurrentThreadCpuTime();
      if (r >= 0) {
        ours[r] = (c1 - c0) / 1e3 / perRound;
        floor[r] = (c2 - c1) / 1e3 / perRound;
        ratio[r] = floor[r] / ours[r];
      }
    }
    Arrays.sort(ours);
    Arrays.sort(floor);
    Arrays.sort(ratio);
    System.out.printf(
        Locale.ROOT,
        "%s %d B (%s): CPU per operation, median of %d rounds: ours %.1f us, floor %.1f us;"
            + " ours/floor throughput %.3f (rounds %.3f..%.3f), time %.2fx%n",
        algorithm,
        size,
        path,
        rounds,
        ours[rounds / 2],
        floor[rounds / 2],
        ratio[rounds / 2],
        ratio[0],
        ratio[rounds - 1],
        1 / ratio[rounds / 2]);
    in.closeRuntime();
    System.out.println("(sink " + sink + ")");
  }
}
