package dev.mailwarden.soak;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Measures the live heap of this JVM. {@link #liveBytes()} is the heap in use right after two full
 * collections ({@code System.gc()} is a full, compacting collection with G1 unless the JVM runs
 * with {@code -XX:+ExplicitGCInvokesConcurrent} or {@code -XX:+DisableExplicitGC}, which the soak
 * profile does not set), so it counts only reachable objects. {@link #histogram(int)} is the same
 * data the JDK tool {@code jcmd <pid> GC.class_histogram} prints (live objects only; it runs a full
 * collection itself), taken in-process through the DiagnosticCommand MBean.
 */
final class HeapProbe {
  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

  private HeapProbe() {}

  /** Heap bytes in use after full collections: the retained (reachable) heap. */
  static long liveBytes() {
    long used = Long.MAX_VALUE;
    // the second collection catches what the first made unreachable (e.g. finalizable objects)
    for (int i = 0; i < 3; i++) {
      System.gc();
      used = Math.min(used, MEMORY.getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  /** The first {@code rows} classes of the live-object histogram and its total line. */
  static String histogram(int rows) {
    try {
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      String text =
          (String)
              server.invoke(
                  new ObjectName("com.sun.management:type=DiagnosticCommand"),
                  "gcClassHistogram",
                  new Object[] {new String[0]},
                  new String[] {String[].class.getName()});
      String[] lines = text.split("\n");
      StringBuilder b = new StringBuilder();
      // two header lines, then rows, then the "Total" line at the end
      for (int i = 0; i < Math.min(lines.length, rows + 2); i++) {
        b.append(lines[i]).append('\n');
      }
      b.append(lines[lines.length - 1]).append('\n');
      return b.toString();
    } catch (Exception e) {
      return "(class histogram unavailable: " + e + ")\n";
    }
  }

  static String mib(long bytes) {
    return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
  }
}
