package dev.mailwarden.benchmarks;

import dev.mailwarden.CheckReport;
import dev.mailwarden.Evaluation;
import dev.mailwarden.MailSession;
import dev.mailwarden.MailWarden;
import dev.mailwarden.MailwardenRuntime;
import dev.mailwarden.Outcome;
import dev.mailwarden.dns.NetworkResolver;
import dev.mailwarden.dnsbl.DnsList;
import dev.mailwarden.dnsbl.Dnsbl;
import dev.mailwarden.testing.FaultyDnsProxy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * Cold-cache DNSBL throughput against a real rbldnsd on 127.0.0.1:53: each evaluation is a client
 * address never seen before (except in {@code halfHitEvaluate_mailwarden}), looked up in three
 * lists, with {@code concurrency} evaluations in flight. One invocation starts {@link #BATCH}
 * evaluations, each as soon as one of the {@code concurrency} permits is free; the permits are held
 * across invocations, so the pipeline never drains between invocations and a slow evaluation (a 1 s
 * retry) holds one slot, not the whole batch. The score, evaluations started per second, is in
 * steady state the rate at which they complete.
 *
 * <ul>
 *   <li>{@code coldEvaluate_mailwarden}: a shared {@code MailWarden} with one {@code Dnsbl} checker
 *       of three lists over the runtime's DNS cache in front of a {@code NetworkResolver} (fresh
 *       per trial; every name is new, so every lookup is a miss that goes to rbldnsd), at most
 *       {@code concurrency} {@code evaluate()} futures outstanding, no thread per evaluation. The
 *       lists keep their results per address, so the DNS cache does not keep their answers;
 *   <li>{@code coldEvaluate_storing}: the same with the lists' result cache off ({@code
 *       cacheSize(0)}): the DNS cache stores every answer, as {@code coldEvaluate_mailwarden} did
 *       before;
 *   <li>{@code coldEvaluate_bare}: the same without the DNS cache ({@code withoutDnsCache()}): the
 *       floor of the cache's miss path (issue 18);
 *   <li>{@code halfHitEvaluate_mailwarden}: the same as {@code coldEvaluate_mailwarden}, but every
 *       other evaluation is for an address evaluated a moment earlier (2 &times; concurrency + 64
 *       first-time evaluations before), so half the lookups are DNS cache hits; the DNSBL checker's
 *       own per-address result cache is off ({@code cacheSize(0)}) so that the hits are the DNS
 *       cache's;
 *   <li>{@code coldEvaluate_inetaddress}: what Apache James's DNSRBLHandler does: for each list,
 *       {@code InetAddress.getByName(reversed-ip.zone)} one after the other (an {@code
 *       UnknownHostException} means not listed), on a pool of {@code concurrency} threads.
 * </ul>
 *
 * <p>Both ask exactly three A queries per evaluation (run with {@code
 * -Djava.net.preferIPv4Stack=true} so that getaddrinfo does not add AAAA queries) with a 1 s
 * timeout and 2 tries. Query names are distinct for every evaluation of the whole run, so the JVM's
 * own address cache never answers (its default TTLs are left as they are).
 *
 * <p>Latency is measured per evaluation, from the moment it gets its permit to its result; the
 * evaluations that complete during measurement iterations are summarized at the end of the trial
 * (p50/p90/p99/max, errors, and the UDP datagrams the kernel dropped because a receive buffer was
 * full, in total and on rbldnsd's socket, and the benchmark JVM's CPU time per evaluation) and
 * appended as a CSV line to {@code -Dcoldcache.latencies=FILE}.
 *
 * <p>{@code InetAddress} can only ask the servers of {@code /etc/resolv.conf} on port 53, so run
 * {@code coldEvaluate_inetaddress} through {@code benchmarks/coldcache.sh}, which gives the JVM a
 * private network and mount namespace whose resolv.conf names 127.0.0.1. The other methods run
 * anywhere with {@code -Dcoldcache.port=} a free port (the check that the system resolver reaches
 * rbldnsd is made only for the baseline).
 *
 * <p>{@code -Dcoldcache.delayMillis=20} puts the test-jar's {@code FaultyDnsProxy} on {@code
 * coldcache.port} in front of rbldnsd (which then listens on a free port), holding every query 20
 * ms: DNS as if it were a network away, for both methods alike (issue 18, item 5).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ColdCacheBenchmark {
  /** Evaluations per invocation. */
  static final int BATCH = 2048;

  static final List<String> ZONES = List.of("bl1.example", "bl2.example", "bl3.example");

  /** The next client address; 10.0.0.0/8 gives 16 M distinct names per zone. */
  private static final AtomicInteger NEXT_CLIENT = new AtomicInteger(1);

  @Param({"1", "64", "512"})
  public int concurrency;

  /** How far a half-hit evaluation looks back for an address, at least (see halfHit...). */
  private static final int RECENT = 4096;

  private LocalRbldnsd rbldnsd;
  private @Nullable FaultyDnsProxy delayProxy;
  private MailwardenRuntime network; // the runtime owning the network resolver
  private MailWarden warden;

  /** Client numbers of recent first-time evaluations (half-hit method; benchmark thread only). */
  private final int[] recent = new int[RECENT];

  private long firstTimes;
  private long started;
  private ExecutorService pool;

  /** At most {@code concurrency} evaluations in flight, across invocation boundaries. */
  private Semaphore inFlight;

  /** Latencies of evaluations completed during measurement iterations. */
  private final long[] samples = new long[4_000_000];

  private final AtomicInteger sampleCount = new AtomicInteger();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong listed = new AtomicLong();
  private volatile boolean measuring;
  private long rcvbufErrorsAtStart;
  private long serverDrops;
  private long cpuAtFirstMeasurement = -1;
  private long cpuAtEnd;
  private long cacheMisses;

  @Setup(Level.Trial)
  public void startServers(BenchmarkParams params) throws Exception {
    String method = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
    int port = Integer.getInteger("coldcache.port", 53);
    long delayMillis = Long.getLong("coldcache.delayMillis", 0);
    rcvbufErrorsAtStart = udpRcvbufErrors();
    List<String> data = List.of("127.0.0.2", "10.200.0.0/16"); // test point + a listed block
    Map<String, List<String>> zones =
        Map.of(ZONES.get(0), data, ZONES.get(1), data, ZONES.get(2), data);
    if (delayMillis > 0) {
      // rbldnsd behind the delaying proxy, which takes the port both clients ask
      rbldnsd = LocalRbldnsd.start(zones);
      delayProxy =
          FaultyDnsProxy.start(rbldnsd.address(), port).delay(Duration.ofMillis(delayMillis));
    } else {
      rbldnsd = LocalRbldnsd.start(zones, port);
    }
    MailwardenRuntime.Builder rb =
        MailwardenRuntime.builder()
            .network(
                NetworkResolver.builder()
                    .server(new InetSocketAddress("127.0.0.1", port))
                    // 1 s like the baseline's resolv.conf (glibc's minimum);
                    // -Dcoldcache.timeoutMillis
                    // shows what a timeout fitted to a loopback server changes (ours only)
                    .timeout(Duration.ofMillis(Long.getLong("coldcache.timeoutMillis", 1000)))
                    .tries(2))
            // -Dcoldcache.cacheMemory (bytes): how much of the cache-on cost is what it retains
            .cacheMemory(
                Long.getLong("coldcache.cacheMemory", MailwardenRuntime.DEFAULT_CACHE_MEMORY));
    // as deployed: behind the cache (every lookup here is a miss); coldEvaluate_bare (or
    // -Dcoldcache.cache=false for every method) measures the bare resolver
    boolean bare =
        method.equals("coldEvaluate_bare")
            || !Boolean.parseBoolean(System.getProperty("coldcache.cache", "true"));
    if (bare) {
      rb.withoutDnsCache();
    }
    network = rb.build();
    MailWarden.Builder b =
        MailWarden.builder(network)
            .deadline(Duration.ofSeconds(8))
            .rejectAt(100); // never short-circuit: every evaluation asks all three lists
    Dnsbl.Builder lists = Dnsbl.builder();
    boolean halfHits = method.startsWith("halfHit");
    boolean listCacheOff = halfHits || method.equals("coldEvaluate_storing");
    for (String zone : ZONES) {
      DnsList list = Dnsbl.list(zone).txtReason(false); // the baseline does not fetch TXT reasons
      // half-hit: repeated addresses must reach the DNS cache, not the checker's result cache
      lists.list(listCacheOff ? list.cacheSize(0) : list);
    }
    b.check(lists.build()); // one checker: the three zones at once, one cache entry per address
    warden = b.build();
    pool = Executors.newFixedThreadPool(concurrency);
    inFlight = new Semaphore(concurrency);

    try {
      checkLibraryReachesRbldnsd();
      if (method.endsWith("_inetaddress")) {
        checkSystemResolverReachesRbldnsd();
      }
    } catch (RuntimeException | UnknownHostException e) {
      pool.shutdownNow(); // JMH skips the teardown when setup fails: stop what we started
      network.close();
      if (delayProxy != null) {
        delayProxy.close();
      }
      rbldnsd.close();
      throw e;
    }
  }

  /** The library must see rbldnsd: a listed address answers 127.0.0.2 in every list. */
  private void checkLibraryReachesRbldnsd() throws UnknownHostException {
    InetAddress probe = InetAddress.getByName("10.200.0.1");
    Evaluation ev = warden.evaluateAndWait(MailSession.builder().clientIp(probe).build());
    if (ev.score() != 3.0) {
      throw new IllegalStateException("rbldnsd does not answer the library: " + ev.summary());
    }
  }

  /** The baseline must see rbldnsd through /etc/resolv.conf (the namespace of coldcache.sh). */
  private static void checkSystemResolverReachesRbldnsd() {
    String name = "1.0.200.10." + ZONES.get(0);
    try {
      InetAddress.getByName(name);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(
          "the system resolver does not reach rbldnsd on 127.0.0.1:53 ("
              + e.getMessage()
              + "): run this benchmark with benchmarks/coldcache.sh",
          e);
    }
  }

  @Setup(Level.Iteration)
  public void startIteration(IterationParams iteration) {
    measuring = iteration.getType() == IterationType.MEASUREMENT;
    if (measuring && cpuAtFirstMeasurement < 0) {
      cpuAtFirstMeasurement = processCpuNanos();
    }
  }

  @TearDown(Level.Trial)
  public void stopServers(BenchmarkParams params) throws Exception {
    measuring = false;
    cpuAtEnd = processCpuNanos();
    if (!inFlight.tryAcquire(
        concurrency, 10, TimeUnit.SECONDS)) { // let the last evaluations finish
      throw new IllegalStateException("evaluations still in flight 10 s after the last iteration");
    }
    serverDrops = serverSocketDrops(rbldnsd.port());
    cacheMisses = network.dnsCacheStats().misses();
    pool.shutdownNow();
    network.close();
    if (delayProxy != null) {
      delayProxy.close();
    }
    rbldnsd.close();
    report(params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1));
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void coldEvaluate_mailwarden() throws InterruptedException {
    evaluateBatch(false);
  }

  /**
   * The cached pipeline with the lists' own result cache off, so the DNS cache stores every answer
   * (what {@code coldEvaluate_mailwarden} did before the lists asked it not to keep answers they
   * cache themselves): the cost of the DNS cache's storing miss path on all-new names.
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void coldEvaluate_storing() throws InterruptedException {
    evaluateBatch(false);
  }

  /** The same pipeline without the DNS cache: the floor of the cache's miss path. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void coldEvaluate_bare() throws InterruptedException {
    evaluateBatch(false);
  }

  /** The cached pipeline with every other evaluation for an address seen a moment earlier. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void halfHitEvaluate_mailwarden() throws InterruptedException {
    evaluateBatch(true);
  }

  private void evaluateBatch(boolean halfHits) throws InterruptedException {
    for (int i = 0; i < BATCH; i++) {
      InetAddress client = halfHits ? halfHitClient() : nextClient();
      MailSession session = MailSession.builder().clientIp(client).build();
      inFlight.acquire();
      long start = System.nanoTime();
      warden
          .evaluate(session)
          .whenComplete(
              (ev, failure) -> {
                record(System.nanoTime() - start);
                if (failure != null) {
                  errors.incrementAndGet();
                } else {
                  count(ev);
                }
                inFlight.release();
              });
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void coldEvaluate_inetaddress() throws InterruptedException {
    for (int i = 0; i < BATCH; i++) {
      InetAddress client = nextClient();
      inFlight.acquire();
      long start = System.nanoTime();
      pool.execute(
          () -> {
            byte[] ip = client.getAddress();
            String reversed =
                (ip[3] & 0xff)
                    + "."
                    + (ip[2] & 0xff)
                    + "."
                    + (ip[1] & 0xff)
                    + "."
                    + (ip[0] & 0xff)
                    + ".";
            int hits = 0;
            for (String zone : ZONES) {
              try {
                InetAddress.getByName(reversed + zone);
                hits++;
              } catch (UnknownHostException e) {
                // "not known" is not listed; a temporary failure is a DNS error
                if (e.getMessage() != null && e.getMessage().contains("Temporary failure")) {
                  errors.incrementAndGet();
                }
              }
            }
            if (hits > 0) {
              listed.incrementAndGet();
            }
            record(System.nanoTime() - start);
            inFlight.release();
          });
    }
  }

  private void count(Evaluation ev) {
    for (CheckReport r : ev.checks()) {
      if (r.outcome() == Outcome.TEMPERROR || r.status() != CheckReport.Status.COMPLETED) {
        errors.incrementAndGet();
        return;
      }
    }
    if (ev.score() > 0) {
      listed.incrementAndGet();
    }
  }

  /** A client address no evaluation of this run has used. */
  private static InetAddress nextClient() {
    return client(NEXT_CLIENT.getAndIncrement());
  }

  /**
   * Every other call: an address first evaluated {@code 2 * concurrency + 64} first-time
   * evaluations ago (finished by now: at most {@code concurrency} are in flight), so its three
   * answers are in the DNS cache; otherwise a new one.
   */
  private InetAddress halfHitClient() {
    long lag = 2L * concurrency + 64;
    if ((started++ & 1) == 1 && firstTimes > lag) {
      return client(recent[(int) ((firstTimes - lag) % RECENT)]);
    }
    int n = NEXT_CLIENT.getAndIncrement();
    recent[(int) (firstTimes++ % RECENT)] = n;
    return client(n);
  }

  private static InetAddress client(int number) {
    int n = number & 0x00ff_ffff;
    byte[] ip = {10, (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
    try {
      return InetAddress.getByAddress(ip);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // four bytes are always an address
    }
  }

  private void record(long nanos) {
    if (measuring) {
      int i = sampleCount.getAndIncrement();
      if (i < samples.length) {
        samples[i] = nanos;
      }
    }
  }

  /** Prints the latency percentiles of the measured evaluations and appends them to the CSV. */
  private synchronized void report(String method) throws IOException {
    int total = Math.min(sampleCount.get(), samples.length);
    long[] all = Arrays.copyOf(samples, total);
    Arrays.sort(all);
    String line =
        String.format(
            Locale.ROOT,
            "%s,%d,%d,%.1f,%.1f,%.1f,%.1f,%d,%d,%d,%d,%.1f,%d,%d",
            method,
            concurrency,
            total,
            micros(all, 0.50),
            micros(all, 0.90),
            micros(all, 0.99),
            total == 0 ? 0.0 : all[total - 1] / 1000.0,
            errors.get(),
            listed.get(),
            udpRcvbufErrors() - rcvbufErrorsAtStart,
            serverDrops,
            total == 0 ? 0.0 : (cpuAtEnd - cpuAtFirstMeasurement) / 1000.0 / total,
            cacheMisses,
            Long.getLong("coldcache.delayMillis", 0));
    System.out.println();
    System.out.println(
        "latency (method,concurrency,evaluations,p50_us,p90_us,p99_us,max_us,errors,listed,udp_rcvbuf_drops,rbldnsd_drops,jvm_cpu_us_per_eval,dns_cache_misses,delay_ms): "
            + line);
    String file = System.getProperty("coldcache.latencies");
    if (file != null) {
      Path path = Path.of(file);
      boolean fresh = !Files.exists(path);
      String text =
          (fresh
                  ? "method,concurrency,evaluations,p50_us,p90_us,p99_us,max_us,errors,listed,udp_rcvbuf_drops,rbldnsd_drops,jvm_cpu_us_per_eval,dns_cache_misses,delay_ms\n"
                  : "")
              + line
              + "\n";
      try {
        Files.writeString(
            path,
            text,
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * Datagrams the kernel dropped in this network namespace because a socket's receive buffer was
   * full (rbldnsd's or a client's): each costs a retry after the 1 s timeout.
   */
  private static long udpRcvbufErrors() {
    try {
      List<String> udp =
          Files.readAllLines(Path.of("/proc/net/snmp")).stream()
              .filter(l -> l.startsWith("Udp:"))
              .toList();
      List<String> names = List.of(udp.get(0).split(" "));
      return Long.parseLong(udp.get(1).split(" ")[names.indexOf("RcvbufErrors")]);
    } catch (IOException | RuntimeException e) {
      return -1; // not Linux: unknown
    }
  }

  /** CPU time of the whole benchmark JVM (every thread), to compare the cost per evaluation. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /**
   * The drop count of the UDP socket bound to 127.0.0.1:{@code port} (rbldnsd's), from
   * /proc/net/udp.
   */
  private static long serverSocketDrops(int port) {
    String local = String.format(Locale.ROOT, "0100007F:%04X", port);
    try {
      for (String line : Files.readAllLines(Path.of("/proc/net/udp"))) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 12 && f[1].equals(local)) {
          return Long.parseLong(f[f.length - 1]);
        }
      }
      return -1;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static double micros(long[] sorted, double quantile) {
    if (sorted.length == 0) {
      return 0;
    }
    int index = (int) Math.ceil(quantile * sorted.length) - 1;
    return sorted[Math.max(0, index)] / 1000.0;
  }
}
