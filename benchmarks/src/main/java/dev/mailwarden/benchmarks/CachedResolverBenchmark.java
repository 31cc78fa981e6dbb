package dev.mailwarden.benchmarks;

import dev.mailwarden.MailwardenRuntime;
import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsRecord;
import dev.mailwarden.dns.DnsResolver;
import dev.mailwarden.dns.RecordType;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A cache hit of the runtime's DNS cache against a plain {@code ConcurrentHashMap.get} holding the
 * same answers. Both walk the same pre-built key array, so both pay the same memory misses at large
 * sizes. The upstream is a completed-future fake: this measures the cache, not the network. Target:
 * {@code hit_mailwarden} at most 3x {@code hit_chm}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CachedResolverBenchmark {
  private MailwardenRuntime runtime;

  @Param({"1000", "100000"})
  int entries;

  private String[] keys;
  private DnsResolver cached;
  private ConcurrentHashMap<String, DnsAnswer> chm;

  @State(Scope.Thread)
  public static class Cursor {
    int next;
  }

  @Setup
  public void setup() throws UnknownHostException {
    int size = Integer.highestOneBit(entries * 2 - 1); // a power of two >= entries
    keys = new String[size];
    for (int i = 0; i < size; i++) {
      keys[i] = "host" + (i % entries) + ".example.com";
    }
    java.util.Collections.shuffle(java.util.Arrays.asList(keys), new java.util.Random(42));
    DnsRecord record = new DnsRecord.Address(InetAddress.getByName("192.0.2.1"));
    DnsResolver upstream =
        (name, type) ->
            CompletableFuture.completedFuture(DnsAnswer.of(name, type, List.of(record), 3600));
    // as deployed: the runtime's cache on the system ticker (so with its coarse clock)
    runtime = MailwardenRuntime.builder().dns(upstream).cacheMemory(entries * 2048L).build();
    cached = runtime.dns();
    chm = new ConcurrentHashMap<>();
    for (int i = 0; i < entries; i++) {
      String name = "host" + i + ".example.com";
      DnsAnswer a = cached.lookup(name, RecordType.A).join();
      chm.put(name, a);
    }
    if (!cached.lookup(keys[0], RecordType.A).join().fromCache()) {
      throw new IllegalStateException("setup did not fill the cache");
    }
  }

  @TearDown
  public void close() {
    runtime.close();
  }

  @Benchmark
  public DnsAnswer hit_mailwarden(Cursor c) {
    String key = keys[c.next++ & (keys.length - 1)];
    return cached.lookup(key, RecordType.A).getNow(null);
  }

  @Benchmark
  public DnsAnswer hit_chm(Cursor c) {
    String key = keys[c.next++ & (keys.length - 1)];
    return chm.get(key);
  }
}
