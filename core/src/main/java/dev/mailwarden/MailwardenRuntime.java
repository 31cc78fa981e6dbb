package dev.mailwarden;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.dns.CacheSpec;
import dev.mailwarden.dns.DnsResolver;
import dev.mailwarden.dns.NetworkResolver;
import dev.mailwarden.dns.internal.CachingResolver;
import dev.mailwarden.internal.CoarseTicker;
import dev.mailwarden.internal.Scheduler;
import dev.mailwarden.internal.WeightedCache;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The one owner of everything that outlives an evaluation, in the spirit of {@code OkHttpClient}:
 * the DNS resolver and its cache, the cache that checks share, all under one memory budget in
 * bytes, the {@link Ticker} and clock, the timer of deadlines and probes, and the executor that
 * runs checks' CPU work. Make one per application, give it to every {@link MailWarden}, and {@link
 * #close()} it at shutdown: that ends every thread it started.
 *
 * <pre>{@code
 * MailwardenRuntime runtime = MailwardenRuntime.builder()   // resolv.conf servers, 64 MiB
 *     .cacheMemory(128L << 20)
 *     .build();
 * MailWarden inbound = MailWarden.builder(runtime)
 *     .check(Spf.check())
 *     .build();
 * ...
 * runtime.close();
 * }</pre>
 *
 * <p>In tests, give it a {@link dev.mailwarden.dns.ZoneResolver} and a direct executor: {@code
 * MailwardenRuntime.builder().dns(zone).executor(Runnable::run).build()}.
 *
 * <p>Threads: the network resolver's I/O thread (when the runtime builds it), a worker pool (unless
 * an executor is given) whose threads end after a minute idle, and one timer thread that ends after
 * a second without pending timers, except that it ticks the DNS cache's coarse clock while the
 * runtime runs on the system ticker with a DNS cache. Nothing is static.
 */
public final class MailwardenRuntime implements AutoCloseable {
  /** Default total memory for caches: 64 MiB. */
  public static final long DEFAULT_CACHE_MEMORY = 64L << 20;

  private final DnsResolver dns;
  private final @Nullable CachingResolver dnsCache;
  private final @Nullable NetworkResolver network;
  private final Ticker ticker;
  private final Clock clock;
  private final Executor executor;
  private final Scheduler scheduler;
  private final WeightedCache sharedCache;
  private final long cacheMemory;
  private final List<AutoCloseable> owned;
  private final String description;
  private final AtomicBoolean closed = new AtomicBoolean();

  private MailwardenRuntime(Builder b) {
    List<AutoCloseable> own = new ArrayList<>();
    this.ticker = b.ticker;
    this.clock = b.clock;
    this.scheduler = new Scheduler("mailwarden-timer");
    own.add(scheduler);
    if (b.executor != null) {
      this.executor = b.executor;
    } else {
      ExecutorService pool = workerPool(Math.max(2, Runtime.getRuntime().availableProcessors()));
      own.add(pool::shutdownNow);
      this.executor = pool;
    }
    DnsResolver upstream;
    if (b.dns != null) {
      upstream = b.dns;
      this.network = null;
    } else {
      NetworkResolver.Builder network = b.network != null ? b.network : NetworkResolver.builder();
      NetworkResolver resolver = network.executor(executor).ticker(ticker).build();
      own.add(resolver);
      upstream = resolver;
      this.network = resolver;
    }
    this.cacheMemory = b.cacheMemory;
    // Answers are most of what a gateway keeps; parsed records and keys derive from them.
    long dnsBytes = b.cacheSpec == null ? 0 : cacheMemory / 4 * 3;
    this.sharedCache = new WeightedCache(cacheMemory - dnsBytes);
    if (b.cacheSpec == null) {
      this.dnsCache = null;
      this.dns = upstream;
    } else {
      Ticker hitClock = ticker;
      if (ticker == Ticker.system()) {
        CoarseTicker coarse = new CoarseTicker(scheduler);
        own.add(coarse);
        hitClock = coarse;
      }
      this.dnsCache = new CachingResolver(upstream, b.cacheSpec, hitClock, dnsBytes);
      this.dns = dnsCache;
    }
    // closed in reverse: the resolver before the executor it completes on, the timer last
    java.util.Collections.reverse(own);
    this.owned = List.copyOf(own);
    this.description =
        "MailwardenRuntime[dns="
            + upstream
            + (dnsCache == null ? ", no DNS cache" : ", cached")
            + ", cacheMemory="
            + cacheMemory
            + ", ticker="
            + ticker
            + "]";
  }

  public static Builder builder() {
    return new Builder();
  }

  /** DNS as checks see it: the runtime's cache (when on) in front of its resolver. */
  public DnsResolver dns() {
    return dns;
  }

  /** The monotonic time every check, cache and limiter of this runtime reads. */
  public Ticker ticker() {
    return ticker;
  }

  /** Wall-clock time, for timestamps in signatures and reports. */
  public Clock clock() {
    return clock;
  }

  /** Where checks run CPU work and where evaluations complete. */
  public Executor executor() {
    return executor;
  }

  /** The total memory budget of the runtime's caches, in bytes. */
  public long cacheMemory() {
    return cacheMemory;
  }

  /** Bytes the caches hold now: DNS answers plus parsed records; for monitoring. */
  public long cachedBytes() {
    return dnsCacheStats().bytes() + sharedCache.weightedBytes();
  }

  /** The DNS answer cache ({@link CacheStats#NONE} when it is off). */
  public CacheStats dnsCacheStats() {
    return dnsCache == null
        ? CacheStats.NONE
        : new CacheStats(
            dnsCache.size(), dnsCache.bytes(), dnsCache.misses(), dnsCache.evictions());
  }

  /** The cache of parsed records (SPF records, DKIM and ARC keys, ...) that checks share. */
  public CacheStats recordCacheStats() {
    return new CacheStats(
        sharedCache.entries(),
        sharedCache.weightedBytes(),
        sharedCache.misses(),
        sharedCache.evictions());
  }

  /**
   * The counters of the network resolver the runtime built; empty when given one with {@link
   * Builder#dns}.
   */
  public Optional<NetworkResolver.Stats> resolverStats() {
    return network == null ? Optional.empty() : Optional.of(network.stats());
  }

  /** The cache checks share ({@link CheckContext#cache()}). */
  SharedCache sharedCache() {
    return sharedCache;
  }

  /** The timer of deadlines and probes. */
  Scheduler scheduler() {
    return scheduler;
  }

  /**
   * Closes what the runtime started: the network resolver it built (pending lookups end as
   * TIMEOUT), its worker pool and its timer. A resolver or executor given to the builder is the
   * caller's to close. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    RuntimeException failure = null;
    for (AutoCloseable c : owned) {
      try {
        c.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new IllegalStateException("closing the runtime failed", e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public String toString() {
    return description;
  }

  private static ExecutorService workerPool(int threads) {
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "mailwarden-worker-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /** Builds a {@link MailwardenRuntime}. Each setting may be set once. */
  public static final class Builder {
    private @Nullable DnsResolver dns;
    private NetworkResolver.@Nullable Builder network;
    private @Nullable CacheSpec cacheSpec = CacheSpec.defaults();
    private long cacheMemory = DEFAULT_CACHE_MEMORY;
    private Ticker ticker = Ticker.system();
    private Clock clock = Clock.systemUTC();
    private @Nullable Executor executor;
    private final java.util.Set<String> set = new java.util.HashSet<>();

    private Builder() {}

    private void once(String setting) {
      if (!set.add(setting)) {
        throw new IllegalStateException(setting + " was already set");
      }
    }

    /**
     * The resolver to cache in front of, e.g. a {@link dev.mailwarden.dns.ZoneResolver} in tests.
     * The caller owns it (closes it if it must be closed). Default: a {@link NetworkResolver} on
     * the servers of {@code /etc/resolv.conf}, owned by the runtime.
     */
    public Builder dns(DnsResolver resolver) {
      once("dns");
      if (network != null) {
        throw new IllegalStateException("dns(...) and network(...) exclude each other");
      }
      this.dns = requireNonNull(resolver, "resolver");
      return this;
    }

    /**
     * A network resolver the runtime builds from {@code builder}, giving it the runtime's executor
     * and ticker, and closes with itself.
     */
    public Builder network(NetworkResolver.Builder builder) {
      once("network");
      if (dns != null) {
        throw new IllegalStateException("dns(...) and network(...) exclude each other");
      }
      this.network = requireNonNull(builder, "builder");
      return this;
    }

    /** How long DNS answers are cached (default {@link CacheSpec#defaults()}). */
    public Builder dnsCache(CacheSpec spec) {
      once("dnsCache");
      this.cacheSpec = requireNonNull(spec, "spec");
      return this;
    }

    /**
     * No DNS cache: every lookup goes to the resolver (e.g. tests that count queries). The shared
     * cache of parsed records stays.
     */
    public Builder withoutDnsCache() {
      once("dnsCache");
      this.cacheSpec = null;
      return this;
    }

    /**
     * The memory all caches may hold, in bytes (default 64 MiB): three quarters for DNS answers, a
     * quarter for what checks derive from them (parsed SPF records, DKIM keys, DNSBL results).
     */
    public Builder cacheMemory(long bytes) {
      once("cacheMemory");
      if (bytes < 4096) {
        throw new IllegalArgumentException("cacheMemory must be at least 4096 bytes: " + bytes);
      }
      this.cacheMemory = bytes;
      return this;
    }

    /** Monotonic time (default {@link Ticker#system()}). */
    public Builder ticker(Ticker ticker) {
      once("ticker");
      this.ticker = requireNonNull(ticker, "ticker");
      return this;
    }

    /** Wall-clock time (default UTC system clock). */
    public Builder clock(Clock clock) {
      once("clock");
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Where checks run CPU work, DNS answers complete and evaluations finish; the caller owns it.
     * Default: a pool of max(2, processors) daemon threads owned by the runtime. Never the common
     * pool; {@code Runnable::run} makes tests deterministic.
     */
    public Builder executor(Executor executor) {
      once("executor");
      this.executor = requireNonNull(executor, "executor");
      return this;
    }

    public MailwardenRuntime build() {
      return new MailwardenRuntime(this);
    }
  }
}
