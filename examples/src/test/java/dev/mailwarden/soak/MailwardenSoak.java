package dev.mailwarden.soak;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.CacheStats;
import dev.mailwarden.CheckReport;
import dev.mailwarden.DecisionLog;
import dev.mailwarden.Evaluation;
import dev.mailwarden.MailSession;
import dev.mailwarden.MailWarden;
import dev.mailwarden.MailwardenRuntime;
import dev.mailwarden.Outcome;
import dev.mailwarden.Ticker;
import dev.mailwarden.Verdict;
import dev.mailwarden.dns.DnsResolver;
import dev.mailwarden.dnsbl.Dnsbl;
import dev.mailwarden.dnsbl.DnsblChecker;
import dev.mailwarden.dnsbl.DnsblResult;
import dev.mailwarden.dnsbl.DnsblWeights;
import dev.mailwarden.ratelimit.Limit;
import dev.mailwarden.ratelimit.OutboundLimit;
import dev.mailwarden.ratelimit.OutboundLimitChecker;
import dev.mailwarden.ratelimit.OutboundLimitResult;
import dev.mailwarden.ratelimit.RateDecision;
import dev.mailwarden.ratelimit.RateKey;
import dev.mailwarden.ratelimit.RateLimiter;
import java.net.InetAddress;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * Soak: millions of distinct clients (half IPv4, half random IPv6) through one shared {@link
 * MailWarden} with two DNS blocklists over a small DNS cache and an outbound rate limiter keyed by
 * client IP with a small key cap. Not part of the default build; run it with the {@code soak}
 * profile (see examples/pom.xml):
 *
 * <pre>
 * mvn -B -ntp -Psoak -pl examples -am verify -DskipTests
 * </pre>
 *
 * <p>System properties: {@code mailwarden.soak.evaluations} (default 10,000,000, the CI value),
 * {@code mailwarden.soak.checkpoint} (default 1,000,000), {@code mailwarden.soak.deadlineMillis}
 * (default 2000), {@code mailwarden.soak.maxGrowthMiB} (default 8), {@code
 * mailwarden.soak.asyncOneIn} (default 0: every DNS answer completes at once; n: one in n arrives
 * on another thread, as from a network resolver).
 *
 * <p>What it proves:
 *
 * <ul>
 *   <li>every evaluation completes with the verdict predicted from the address alone: listed on the
 *       blocklist (weight 5) → REJECT; otherwise the policy list (2) and a rate-limit refusal (3)
 *       add up to TEMPFAIL (both), QUARANTINE (one) or ACCEPT (none);
 *   <li>the limiter behaves as documented under a flood of new keys: the first {@code maxKeys}
 *       clients start with a full bucket (granted unless they ask for more than its capacity); once
 *       the limiter holds {@code maxKeys} keys every new key starts empty and is refused, so
 *       rotating addresses never buys tokens;
 *   <li>the live heap after a full collection at the last checkpoint exceeds the one at the first
 *       by less than {@code maxGrowthMiB}. Every cache is full long before the first checkpoint
 *       (after about 10,000 clients), so from there on a correct library holds a constant amount; 8
 *       MiB over 9 million evaluations catches any leak of a byte or more per evaluation;
 *   <li>no OutOfMemoryError in a 512 MiB heap (the profile's {@code -Xmx512m}).
 * </ul>
 *
 * <p>Heap figures are printed at each checkpoint twice: "now", right after the evaluations, and
 * "settled", after waiting one deadline. The difference is the evaluations' deadline timers: each
 * evaluation schedules one in the JDK's shared delay queue, which keeps it (about 150 bytes) until
 * the deadline passes even when the evaluation finished long before, so "now" grows with throughput
 * × deadline. The growth bound applies to "settled".
 */
class MailwardenSoak {
  private static final long EVALUATIONS = Long.getLong("mailwarden.soak.evaluations", 10_000_000L);
  private static final long CHECKPOINT = Long.getLong("mailwarden.soak.checkpoint", 1_000_000L);
  private static final long DEADLINE_MILLIS =
      Long.getLong("mailwarden.soak.deadlineMillis", 2_000L);
  private static final long MAX_GROWTH_MIB = Long.getLong("mailwarden.soak.maxGrowthMiB", 8L);

  /** 0: every DNS answer at once; n: one answer in n arrives on another thread. */
  private static final int ASYNC_ONE_IN = Integer.getInteger("mailwarden.soak.asyncOneIn", 0);

  /** The DNS cache, the block list's result cache and the limiter's key cap. */
  private static final int CACHE_ENTRIES = 10_000;

  private static final int LIMIT_CAPACITY = 3;
  private static final double BLOCK_WEIGHT = 5.0;
  private static final double POLICY_WEIGHT = 2.0;
  private static final double LIMIT_SCORE = 3.0;

  private static final List<List<String>> RECIPIENTS =
      List.of(
          List.of("a@example.org"),
          List.of("a@example.org", "b@example.org"),
          List.of("a@example.org", "b@example.org", "c@example.net"),
          List.of("a@example.org", "b@example.org", "c@example.net", "d@example.net"));

  private final ClientAddresses clients = new ClientAddresses(0x5eed);
  private final ExecutorService dnsThread =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "fake-dns");
            t.setDaemon(true);
            return t;
          });
  private final SyntheticLists upstream =
      ASYNC_ONE_IN > 0
          ? SyntheticLists.partlyAsync(dnsThread, ASYNC_ONE_IN)
          : SyntheticLists.immediate();
  // the runtime's DNS cache, sized for about CACHE_ENTRIES answers; answers complete on the caller
  private final MailwardenRuntime runtime =
      MailwardenRuntime.builder()
          .dns(upstream)
          .executor(Runnable::run)
          .cacheMemory(CACHE_ENTRIES * 512L * 4 / 3)
          .build();
  private final DnsResolver dns = runtime.dns();
  private final DnsblChecker blockList =
      Dnsbl.builder()
          .name(SyntheticLists.BLOCK_ZONE)
          .list(Dnsbl.list(SyntheticLists.BLOCK_ZONE).codes("127.0.0.2").cacheSize(CACHE_ENTRIES))
          .build();
  private final DnsblWeights blockListWeights = DnsblWeights.listed(BLOCK_WEIGHT);
  // No result cache of its own: its answers are what fill the DNS cache (a list with a result
  // cache has the DNS cache serve but not keep its answers), so both kinds of cache are exercised.
  private final DnsblChecker policyList =
      Dnsbl.builder()
          .name(SyntheticLists.POLICY_ZONE)
          .list(Dnsbl.list(SyntheticLists.POLICY_ZONE).codes("127.0.0.10").cacheSize(0))
          .build();
  private final DnsblWeights policyListWeights = DnsblWeights.listed(POLICY_WEIGHT);
  // frozen time: nothing refills or expires, so every decision follows from the key count alone
  private final Ticker frozen = () -> 42_000_000_000L;
  private final RateLimiter limiter =
      RateLimiter.builder()
          .limit(Limit.of(LIMIT_CAPACITY).per(Duration.ofHours(1)))
          .maxKeys(CACHE_ENTRIES)
          .ticker(frozen)
          .build();
  private final OutboundLimitChecker perClient =
      OutboundLimit.builder(limiter, RateKey.clientIp()).build();
  private final MailWarden warden =
      MailWarden.builder(runtime)
          .decisionLog(
              DecisionLog.off()) // millions of evaluations: the line would be the test's whole cost
          .check(blockList, blockListWeights)
          .check(policyList, policyListWeights)
          .check(perClient, r -> r.smtpReply().isPresent() ? LIMIT_SCORE : 0.0)
          .rejectAt(5.0)
          .quarantineAt(2.0)
          .shortCircuit(false) // every check runs, so every evaluation debits the limiter
          .deadline(Duration.ofMillis(DEADLINE_MILLIS))
          .build();

  private final Map<Verdict, Long> verdicts = new EnumMap<>(Verdict.class);
  private long listedBlock;
  private long listedPolicy;
  private long granted;

  @Test
  void tenMillionDistinctClients_keepVerdictsExactAndHeapBounded() throws Exception {
    assertThat(EVALUATIONS).isGreaterThanOrEqualTo(CHECKPOINT);
    assertThat(CHECKPOINT)
        .isGreaterThanOrEqualTo(10L * CACHE_ENTRIES); // every cache is full by then
    System.out.printf(
        Locale.ROOT,
        "soak: %,d evaluations, checkpoint at %,d; caches %,d entries; deadline %d ms; %s; max heap %s%n",
        EVALUATIONS,
        CHECKPOINT,
        CACHE_ENTRIES,
        DEADLINE_MILLIS,
        upstream,
        HeapProbe.mib(Runtime.getRuntime().maxMemory()));

    long start = System.nanoTime();
    run(0, CHECKPOINT);
    double firstRate = CHECKPOINT / ((System.nanoTime() - start) / 1e9);
    Snapshot first = snapshot(CHECKPOINT, firstRate);

    long t1 = System.nanoTime();
    run(CHECKPOINT, EVALUATIONS);
    double restRate =
        EVALUATIONS == CHECKPOINT
            ? 0
            : (EVALUATIONS - CHECKPOINT) / ((System.nanoTime() - t1) / 1e9);
    Snapshot last = snapshot(EVALUATIONS, restRate);
    double totalSeconds = (System.nanoTime() - start) / 1e9;

    long growth = last.settled - first.settled;
    System.out.printf(
        Locale.ROOT,
        "soak result: %,d evaluations in %.0f s (%.0f/s overall, measurement pauses included); verdicts %s;"
            + " blocklisted %,d, policy-listed %,d, limiter grants %,d; upstream DNS queries %,d%n"
            + "soak heap: settled live heap %s at %,d -> %s at %,d: growth %s (bound %d MiB)%n",
        EVALUATIONS,
        totalSeconds,
        EVALUATIONS / totalSeconds,
        verdicts,
        listedBlock,
        listedPolicy,
        granted,
        upstream.queries(),
        HeapProbe.mib(first.settled),
        CHECKPOINT,
        HeapProbe.mib(last.settled),
        EVALUATIONS,
        HeapProbe.mib(growth),
        MAX_GROWTH_MIB);

    assertThat(upstream.unexpectedQueries()).as("queries outside the two zones").isZero();
    assertThat(limiter.estimatedKeys()).isLessThanOrEqualTo(CACHE_ENTRIES);
    // the DNS cache is bounded by bytes (three quarters of the runtime's budget), not by entries
    CacheStats dnsCache = runtime.dnsCacheStats();
    assertThat(dnsCache.bytes()).isLessThanOrEqualTo(runtime.cacheMemory() / 4 * 3);
    assertThat(dnsCache.evictions()).as("the cache filled and evicted").isPositive();
    assertThat(growth)
        .as("live heap growth from %,d to %,d evaluations", CHECKPOINT, EVALUATIONS)
        .isLessThan(MAX_GROWTH_MIB * 1024 * 1024);
  }

  private void run(long from, long to) {
    long reportEvery = Math.max(CHECKPOINT, 1);
    long t0 = System.nanoTime();
    for (long i = from; i < to; i++) {
      evaluateAndCheck(i);
      if ((i + 1) % reportEvery == 0 && i + 1 != to) {
        double rate = (i + 1 - from) / ((System.nanoTime() - t0) / 1e9);
        System.out.printf(
            Locale.ROOT,
            "soak: %,d evaluations, %.0f/s, heap in use (no GC) %s%n",
            i + 1,
            rate,
            HeapProbe.mib(Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()));
      }
    }
  }

  private void evaluateAndCheck(long i) {
    byte[] bytes = clients.bytes(i);
    InetAddress ip = clients.address(i);
    String label = SyntheticLists.label(bytes);
    boolean block = SyntheticLists.isBlockListed(label);
    boolean policy = SyntheticLists.isPolicyListed(label);
    int recipients = 1 + (int) ((SyntheticLists.mix(i) >>> 40) & 3);
    // the limiter holds exactly i keys before client i: full buckets until it holds maxKeys
    boolean freshBucketFull = i < CACHE_ENTRIES;
    boolean limited = !(freshBucketFull && recipients <= LIMIT_CAPACITY);
    Verdict expected = expectedVerdict(block, policy, limited);

    MailSession session =
        MailSession.builder()
            .clientIp(ip)
            .mailFrom("sender@example.com")
            .recipients(RECIPIENTS.get(recipients - 1))
            .build();
    Evaluation ev = warden.evaluate(session).join();

    if (ev.verdict() != expected) {
      fail(
          i,
          ip,
          "verdict "
              + ev.verdict()
              + ", expected "
              + expected
              + " (blocklisted "
              + block
              + ", policy-listed "
              + policy
              + ", limited "
              + limited
              + ")",
          ev);
    }
    for (CheckReport r : ev.checks()) {
      if (r.status() != CheckReport.Status.COMPLETED) {
        fail(i, ip, "check " + r.name() + " ended " + r.status(), ev);
      }
    }
    checkList(i, ip, ev, blockList, SyntheticLists.BLOCK_ZONE, label, block);
    checkList(i, ip, ev, policyList, SyntheticLists.POLICY_ZONE, label, policy);
    OutboundLimitResult lr = ev.result(perClient.key()).orElseThrow();
    if (lr.limited() != limited || lr.decisions().size() != 1) {
      fail(i, ip, "rate limit " + lr.decisions() + ", expected limited=" + limited, ev);
    }
    RateDecision d = lr.decisions().values().iterator().next();
    if (limited) {
      if (d.exceedsCapacity() != (recipients > LIMIT_CAPACITY)) {
        fail(i, ip, "refusal " + d + " for " + recipients + " recipients", ev);
      }
    } else {
      granted++;
      if (d.remaining(0) != LIMIT_CAPACITY - recipients) {
        fail(i, ip, "a new key granted " + recipients + " left " + d.remaining(0) + " tokens", ev);
      }
    }
    verdicts.merge(ev.verdict(), 1L, Long::sum);
    listedBlock += block ? 1 : 0;
    listedPolicy += policy ? 1 : 0;
  }

  static Verdict expectedVerdict(boolean block, boolean policy, boolean limited) {
    if (block) {
      return Verdict.REJECT; // weight 5 reaches the threshold and outweighs the rest: its 550
    }
    double score = (policy ? POLICY_WEIGHT : 0) + (limited ? LIMIT_SCORE : 0);
    if (score >= 5.0) {
      return Verdict.TEMPFAIL; // the rate limit is the largest contribution: its 450
    }
    return score >= 2.0 ? Verdict.QUARANTINE : Verdict.ACCEPT;
  }

  private void checkList(
      long i,
      InetAddress ip,
      Evaluation ev,
      DnsblChecker list,
      String zone,
      String label,
      boolean listed) {
    DnsblResult r = ev.result(list.key()).orElseThrow();
    if (r.outcome() != (listed ? Outcome.FAIL : Outcome.NONE) || r.lists().size() != 1) {
      fail(i, ip, zone + ": " + r + ", expected listed=" + listed, ev);
    }
    String query = r.lists().get(0).query();
    if (!query.equals(label + "." + zone)) {
      fail(i, ip, zone + ": query " + query + ", expected " + label + "." + zone, ev);
    }
  }

  private static void fail(long i, InetAddress ip, String what, Evaluation ev) {
    throw new AssertionError("client #" + i + " " + ip.getHostAddress() + ": " + what + "\n" + ev);
  }

  private record Snapshot(long now, long settled) {}

  private Snapshot snapshot(long evaluations, double rate) throws InterruptedException {
    long now = HeapProbe.liveBytes();
    System.out.print(
        "live objects now (before the deadline timers fire):\n" + HeapProbe.histogram(8));
    Thread.sleep(DEADLINE_MILLIS + 500); // let the finished evaluations' deadline timers fire
    long settled = HeapProbe.liveBytes();
    System.out.printf(
        Locale.ROOT,
        "soak checkpoint %,d: %.0f evaluations/s; live heap after full GC: now %s, settled %s;"
            + " limiter keys %,d; DNS cache %s%n",
        evaluations,
        rate,
        HeapProbe.mib(now),
        HeapProbe.mib(settled),
        limiter.estimatedKeys(),
        dns);
    System.out.print("live objects settled:\n" + HeapProbe.histogram(15));
    return new Snapshot(now, settled);
  }
}
