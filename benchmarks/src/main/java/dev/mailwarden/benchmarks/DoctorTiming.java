package dev.mailwarden.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * A timed run of {@link DoctorBenchmark}'s examinations that also reports the calling thread's CPU
 * time per examination: on a cached resolver every answer completes at once, so the whole
 * examination runs on this thread, and CPU time stays meaningful on a machine shared with other
 * jobs, where wall time mostly measures waiting for a CPU.
 *
 * <pre>
 * {@code java -cp benchmarks/target/benchmarks.jar dev.mailwarden.benchmarks.DoctorTiming [rounds] [perRound]}
 * </pre>
 */
public final class DoctorTiming {
  private DoctorTiming() {}

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    int perRound = args.length > 1 ? Integer.parseInt(args[1]) : 500;
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    for (String kind : new String[] {"healthy", "problems"}) {
      DoctorBenchmark b = new DoctorBenchmark();
      b.kind = kind;
      b.setUp();
      double[] wall = new double[rounds];
      double[] cpu = new double[rounds];
      for (int r = -5; r < rounds; r++) { // five rounds of warm-up
        long w0 = System.nanoTime();
        long c0 = mx.getCurrentThreadCpuTime();
        for (int i = 0; i < perRound; i++) {
          if (b.examine_mailwarden().findings().isEmpty() == kind.equals("problems")) {
            throw new IllegalStateException("unexpected report");
          }
        }
        if (r >= 0) {
          wall[r] = (System.nanoTime() - w0) / 1e3 / perRound;
          cpu[r] = (mx.getCurrentThreadCpuTime() - c0) / 1e3 / perRound;
        }
      }
      Arrays.sort(wall);
      Arrays.sort(cpu);
      System.out.printf(
          Locale.ROOT,
          "%-8s wall median %.1f us (min %.1f, max %.1f); CPU median %.1f us (min %.1f, max %.1f)%n",
          kind,
          wall[rounds / 2],
          wall[0],
          wall[rounds - 1],
          cpu[rounds / 2],
          cpu[0],
          cpu[rounds - 1]);
    }
  }
}
