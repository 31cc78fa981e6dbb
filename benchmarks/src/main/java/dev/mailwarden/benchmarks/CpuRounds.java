package dev.mailwarden.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * Operations timed in this thread's CPU time, interleaved round by round so that every one sees the
 * same load and JIT state: as many warm-up rounds as measured ones, then per operation the
 * microseconds per call of each measured round, sorted (median at {@code rounds / 2}) and in round
 * order (to compare two operations round by round, in the same minutes). What the operations return
 * is summed into {@link #sink} so that none is optimized away.
 */
record CpuRounds(Map<String, double[]> sortedMicros, Map<String, double[]> roundMicros, int sink) {

  static CpuRounds time(Map<String, IntSupplier> ops, int rounds, int perRound) {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Map<String, double[]> times = new LinkedHashMap<>();
    ops.keySet().forEach(name -> times.put(name, new double[rounds]));
    int sink = 0;
    for (int r = -rounds; r < rounds; r++) {
      for (Map.Entry<String, IntSupplier> op : ops.entrySet()) {
        IntSupplier run = op.getValue();
        long c0 = mx.getCurrentThreadCpuTime();
        for (int i = 0; i < perRound; i++) {
          sink += run.getAsInt();
        }
        long c1 = mx.getCurrentThreadCpuTime();
        if (r >= 0) {
          times.get(op.getKey())[r] = (c1 - c0) / 1e3 / perRound;
        }
      }
    }
    Map<String, double[]> sorted = new LinkedHashMap<>();
    times.forEach((name, t) -> sorted.put(name, sorted(t)));
    return new CpuRounds(sorted, times, sink);
  }

  private static double[] sorted(double[] t) {
    double[] s = t.clone();
    Arrays.sort(s);
    return s;
  }
}
