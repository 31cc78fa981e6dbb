package dev.mailwarden.benchmarks.guard;

import dev.mailwarden.benchmarks.CachedResolverBenchmark;
import dev.mailwarden.dns.DnsAnswer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The guarded DNS cache hit (inherits {@code hit_mailwarden} and {@code hit_chm} with their setup)
 * plus two deliberately broken versions of it, for {@link BenchmarkGuardTest}: the guard must fail
 * them with the thresholds it ships.
 */
public class SlowedCacheHitBenchmark extends CachedResolverBenchmark {
  /** The same cache hit, then work worth some hundreds of nanoseconds: a lost lead. */
  @Benchmark
  public DnsAnswer hit_slowed(Cursor c) {
    Blackhole.consumeCPU(256);
    return hit_mailwarden(c);
  }

  /** The same cache hit, then 256 bytes allocated and kept past the call: a hit that allocates. */
  @Benchmark
  public DnsAnswer hit_allocating(Cursor c, Blackhole bh) {
    bh.consume(new byte[256]);
    return hit_mailwarden(c);
  }
}
