package dev.mailwarden.examples.logs;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Locale;

/**
 * Plain throughput benchmark of {@code mailwarden logs}' analyzer: reads FILE RUNS times (one
 * thread), prints MB per CPU-second of the reading thread (the wall clock on a shared machine
 * counts other processes' time too), the median, and the live heap after a full GC at the end of
 * each run (the analyzer still alive), which must not grow with the file.
 *
 * <pre>
 * java -XX:+UseSerialGC -Xmx256m -cp examples/target/test-classes:examples/target/mailwarden.jar \
 *     dev.mailwarden.examples.logs.MailLogThroughput /tmp/mail-1g.log 3</pre>
 */
public final class MailLogThroughput {
  private MailLogThroughput() {}

  public static void main(String[] args) throws IOException {
    Path file = Path.of(args[0]);
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    double[] mbps = new double[runs];
    LogReport last = null;
    long live = 0;
    for (int i = 0; i < runs; i++) {
      MailLogAnalyzer a =
          MailLogAnalyzer.withDefaults(Clock.system(java.time.ZoneId.systemDefault()));
      long t0 = System.nanoTime();
      long c0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
      try (InputStream in = Files.newInputStream(file)) {
        a.read(file.toString(), in);
      }
      last = a.report();
      double s = (System.nanoTime() - t0) / 1e9;
      // what the analyzer holds at the end of the file: the heap left after a full GC while it is
      // alive
      System.gc();
      Runtime rt = Runtime.getRuntime();
      live = Math.max(live, rt.totalMemory() - rt.freeMemory());
      if (a.report().totals().received() < 0) {
        throw new AssertionError(); // keeps the analyzer reachable until after the measurement
      }
      double cpu = (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - c0) / 1e9;
      // on a shared machine the wall clock counts other processes' time: MB per CPU-second of this
      // thread
      mbps[i] = last.input().bytes() / 1e6 / cpu;
      System.out.printf(
          Locale.ROOT,
          "run %d: %.0f MB, %.2f s wall, %.2f s CPU = %.1f MB/s per CPU-second (%.1f MB/s wall, %d lines)%n",
          i + 1,
          last.input().bytes() / 1e6,
          s,
          cpu,
          mbps[i],
          last.input().bytes() / 1e6 / s,
          last.input().lines());
    }
    double[] sorted = mbps.clone();
    Arrays.sort(sorted);
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    System.out.printf(
        Locale.ROOT,
        "median %.1f MB/s per CPU-second over %d runs; live heap after GC at the end %.1f MB (peak heap incl. garbage %.0f MB); received %d, delivered %d, rejected %d%n",
        sorted[runs / 2],
        runs,
        live / 1e6,
        peak / 1e6,
        last.totals().received(),
        last.totals().delivered(),
        last.totals().rejected());
  }
}
