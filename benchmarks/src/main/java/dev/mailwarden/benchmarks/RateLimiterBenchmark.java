package dev.mailwarden.benchmarks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.mailwarden.ratelimit.Limit;
import dev.mailwarden.ratelimit.RateDecision;
import dev.mailwarden.ratelimit.RateLimiter;
import io.github.bucket4j.Bucket;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code tryAcquire} on one hot key (run with {@code -t 1} and {@code -t 2}) and over 1,000,000
 * keys: ours against Bucket4j (lock-free local bucket; Caffeine + Bucket4j for many keys) and
 * Guava's {@code RateLimiter} (single key only). Limits never run out during a run, so every call
 * measures the granted path.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar RateLimiterBenchmark -t 1 -prof gc
 * java -jar benchmarks/target/benchmarks.jar RateLimiterBenchmark.acquire -t 2 -prof gc
 * java -cp benchmarks/target/benchmarks.jar dev.mailwarden.benchmarks.RateLimiterBenchmark 1000000
 * </pre>
 *
 * The last command measures retained heap per key (see {@link #main}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RateLimiterBenchmark {

  /** One key, shared by every benchmark thread. */
  @State(Scope.Benchmark)
  public static class HotKey {
    RateLimiter mailwarden;
    Bucket bucket4j;
    com.google.common.util.concurrent.RateLimiter guava;

    @Setup
    public void setUp() {
      // a billion tokens per second: never empty, every call takes the granted path
      // the limiter with one key: its key lookup is part of what a caller pays (TokenBucket is
      // gone)
      mailwarden =
          RateLimiter.builder().limit(Limit.of(1_000_000_000L).per(Duration.ofSeconds(1))).build();
      bucket4j =
          Bucket.builder()
              .addLimit(
                  l ->
                      l.capacity(1_000_000_000L)
                          .refillGreedy(1_000_000_000L, Duration.ofSeconds(1)))
              .build();
      guava = com.google.common.util.concurrent.RateLimiter.create(1e9);
    }
  }

  /** 1,000,000 keys, all present before measuring, visited in random order. */
  @State(Scope.Benchmark)
  public static class ManyKeys {
    @Param({"1000000"})
    public int keys;

    String[] names;
    int[] order;
    RateLimiter mailwarden;
    Cache<String, Bucket> bucket4j;
    final Function<String, Bucket> newBucket = k -> newBucket4j();

    @Setup
    public void setUp() {
      names = new String[keys];
      for (int i = 0; i < keys; i++) {
        names[i] = "user:" + i + "@example.com";
      }
      order = new int[1 << 22];
      Random rnd = new Random(42);
      for (int i = 0; i < order.length; i++) {
        order[i] = rnd.nextInt(keys);
      }
      mailwarden =
          RateLimiter.builder()
              .limit(Limit.parse("1000000/1h"))
              .limit(Limit.parse("10000000/1d"))
              .maxKeys(2L * keys)
              .build();
      bucket4j =
          Caffeine.newBuilder()
              .maximumSize(2L * keys)
              .expireAfterAccess(Duration.ofDays(1))
              .executor(Runnable::run)
              .build();
      for (String n : names) {
        mailwarden.tryAcquire(n, 1);
        bucket4j.get(n, newBucket).tryConsume(1);
      }
    }

    static Bucket newBucket4j() {
      return Bucket.builder()
          .addLimit(l -> l.capacity(1_000_000L).refillGreedy(1_000_000L, Duration.ofHours(1)))
          .addLimit(l -> l.capacity(10_000_000L).refillGreedy(10_000_000L, Duration.ofDays(1)))
          .build();
    }
  }

  /** Each thread walks the shared random order from its own offset. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;

    @Setup(Level.Iteration)
    public void setUp() {
      next = (int) (Thread.currentThread().getId() * 7_919) & ((1 << 22) - 1);
    }

    int advance(int[] order) {
      int i = next;
      next = (i + 1) & (order.length - 1);
      return order[i];
    }
  }

  @Benchmark
  public RateDecision acquire_mailwarden(HotKey s) {
    return s.mailwarden.tryAcquire("hot", 1);
  }

  @Benchmark
  public boolean acquire_bucket4j(HotKey s) {
    return s.bucket4j.tryConsume(1);
  }

  @Benchmark
  public boolean acquire_guava(HotKey s) {
    return s.guava.tryAcquire();
  }

  @Benchmark
  public RateDecision manykeys_mailwarden(ManyKeys s, Cursor c) {
    return s.mailwarden.tryAcquire(s.names[c.advance(s.order)], 1);
  }

  @Benchmark
  public boolean manykeys_bucket4j(ManyKeys s, Cursor c) {
    return s.bucket4j.get(s.names[c.advance(s.order)], s.newBucket).tryConsume(1);
  }

  /** The floor: the Caffeine lookup alone (same cache as manykeys_bucket4j), no bucket work. */
  @Benchmark
  public Bucket manykeys_caffeine(ManyKeys s, Cursor c) {
    return s.bucket4j.get(s.names[c.advance(s.order)], s.newBucket);
  }

  /**
   * Retained heap per key: fills N keys (default 1,000,000) into our limiter and into Caffeine +
   * Bucket4j, and reports the heap growth after full GCs divided by N. The key strings are made
   * before the first reading, so they are not counted (they are the caller's and cost the same for
   * both); their own size is printed too. Run with a fixed heap, e.g. {@code -Xms2g -Xmx2g}.
   */
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    long before = usedAfterGc();
    String[] names = new String[n];
    for (int i = 0; i < n; i++) {
      names[i] = "user:" + i + "@example.com";
    }
    long keysBytes = usedAfterGc() - before;
    System.out.printf("key strings: %.1f bytes each (not counted below)%n", keysBytes / (double) n);

    long base = usedAfterGc();
    RateLimiter ours =
        RateLimiter.builder()
            .limit(Limit.parse("100/1h"))
            .limit(Limit.parse("1000/1d"))
            .maxKeys(2L * n)
            .build();
    for (String k : names) {
      ours.tryAcquire(k, 1);
    }
    long oursBytes = usedAfterGc() - base;
    System.out.printf(
        "mailwarden RateLimiter (2 limits): %.1f bytes per key (%d keys)%n",
        oursBytes / (double) n, ours.estimatedKeys());
    ours.close();
    ours = null;

    base = usedAfterGc();
    Function<String, Bucket> create =
        k ->
            Bucket.builder()
                .addLimit(l -> l.capacity(100).refillGreedy(100, Duration.ofHours(1)))
                .addLimit(l -> l.capacity(1000).refillGreedy(1000, Duration.ofDays(1)))
                .build();
    Cache<String, Bucket> peer =
        Caffeine.newBuilder()
            .maximumSize(2L * n)
            .expireAfterAccess(Duration.ofDays(1))
            .executor(Runnable::run)
            .build();
    for (String k : names) {
      peer.get(k, create).tryConsume(1);
    }
    long peerBytes = usedAfterGc() - base;
    System.out.printf(
        "Caffeine + Bucket4j (2 limits): %.1f bytes per key (%d keys)%n",
        peerBytes / (double) n, peer.estimatedSize());
    if (names.length != n) {
      throw new AssertionError(); // keeps the key strings reachable until here
    }
  }

  private static long usedAfterGc() throws InterruptedException {
    Runtime rt = Runtime.getRuntime();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 6; i++) {
      System.gc();
      Thread.sleep(100);
      used = Math.min(used, rt.totalMemory() - rt.freeMemory());
    }
    return used;
  }
}
