package dev.mailwarden.soak;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.CheckReport;
import dev.mailwarden.DecisionLog;
import dev.mailwarden.Evaluation;
import dev.mailwarden.MailSession;
import dev.mailwarden.MailWarden;
import dev.mailwarden.MailwardenRuntime;
import dev.mailwarden.Outcome;
import dev.mailwarden.Ticker;
import dev.mailwarden.Verdict;
import dev.mailwarden.Weights;
import dev.mailwarden.dnsbl.Dnsbl;
import dev.mailwarden.dnsbl.DnsblChecker;
import dev.mailwarden.dnsbl.DnsblResult;
import dev.mailwarden.dnsbl.DnsblWeights;
import dev.mailwarden.ratelimit.Limit;
import dev.mailwarden.ratelimit.OutboundLimit;
import dev.mailwarden.ratelimit.OutboundLimitChecker;
import dev.mailwarden.ratelimit.OutboundLimitResult;
import dev.mailwarden.ratelimit.RateKey;
import dev.mailwarden.ratelimit.RateLimiter;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One million evaluations at once from 16 threads on one shared {@link MailWarden}, one shared
 * caching resolver and two shared rate limiters, with at most {@value #IN_FLIGHT} evaluations in
 * flight. One DNS answer in {@value #ASYNC_ONE_IN} arrives on one of two other threads (like a
 * network resolver), so many evaluations complete on a thread other than the one that asked. The
 * DNS cache (20,000 answers) and the lists' result caches (5,000 addresses) are smaller than the
 * 50,000 clients, so entries are evicted and fetched again while other threads read them.
 *
 * <p>Time is frozen for both limiters, so nothing refills and the totals are exact whatever the
 * interleaving: each of the 50,000 clients sends 20 messages against a limit of 7, so exactly 7 are
 * granted per client; every message also counts against one site-wide key of capacity {@value
 * #SITE_CAPACITY}, which must grant exactly that many of the million. Every evaluation must
 * complete exactly once, with no exception, no timed-out check, the listings its address predicts
 * and a verdict consistent with them and with its own limiter results.
 */
class SharedInstancesConcurrencyIT {
  private static final int CLIENTS = 50_000;
  private static final int MESSAGES_PER_CLIENT = 20;
  private static final int EVALUATIONS = CLIENTS * MESSAGES_PER_CLIENT;
  private static final int SUBMITTERS = 16;
  private static final int IN_FLIGHT = 2_048;
  private static final int PER_CLIENT_CAPACITY = 7;
  private static final int SITE_CAPACITY = 123_457;

  /** One DNS answer in this many arrives on another thread. */
  private static final int ASYNC_ONE_IN = 8;

  private final ExecutorService dnsThreads =
      Executors.newFixedThreadPool(
          2,
          r -> {
            Thread t = new Thread(r, "fake-dns");
            t.setDaemon(true);
            return t;
          });
  private final ClientAddresses clients = new ClientAddresses(0xc0ffee);
  private final SyntheticLists upstream = SyntheticLists.partlyAsync(dnsThreads, ASYNC_ONE_IN);
  // the runtime's DNS cache, sized for about 20_000 answers; answers complete on the caller
  private final MailwardenRuntime runtime =
      MailwardenRuntime.builder()
          .dns(upstream)
          .executor(Runnable::run)
          .cacheMemory(20_000 * 512L * 4 / 3)
          .build();
  private final DnsblChecker blockList =
      Dnsbl.builder()
          .name(SyntheticLists.BLOCK_ZONE)
          .list(Dnsbl.list(SyntheticLists.BLOCK_ZONE).codes("127.0.0.2").cacheSize(5_000))
          .build();
  private final DnsblWeights blockListWeights = DnsblWeights.listed(5.0);
  private final DnsblChecker policyList =
      Dnsbl.builder()
          .name(SyntheticLists.POLICY_ZONE)
          .list(Dnsbl.list(SyntheticLists.POLICY_ZONE).codes("127.0.0.10").cacheSize(5_000))
          .build();
  private final DnsblWeights policyListWeights = DnsblWeights.listed(1.0);
  private final Ticker frozen = () -> 7_000_000_000L;
  private final RateLimiter perClientLimiter =
      RateLimiter.builder()
          .limit(Limit.of(PER_CLIENT_CAPACITY).per(Duration.ofHours(1)))
          .maxKeys(2L * CLIENTS) // room for every client: no eviction, so the totals are exact
          .ticker(frozen)
          .build();
  private final RateLimiter siteLimiter =
      RateLimiter.builder()
          .limit(Limit.of(SITE_CAPACITY).per(Duration.ofDays(1)))
          .ticker(frozen)
          .build();
  private final OutboundLimitChecker perClient =
      OutboundLimit.builder(perClientLimiter, RateKey.clientIp())
          .name("per-client")
          .costPerMessage()
          .build();
  private final OutboundLimitChecker site =
      OutboundLimit.builder(siteLimiter, RateKey.of("site", s -> Optional.of("all")))
          .name("site")
          .costPerMessage()
          .build();

  /** A refused message scores 1 (quarantine), not the default 100. */
  private static final Weights REFUSED_SCORES_1 = r -> r.smtpReply().isPresent() ? 1.0 : 0.0;

  private final MailWarden warden =
      MailWarden.builder(runtime)
          .decisionLog(
              DecisionLog.off()) // millions of evaluations: the line would be the test's whole cost
          .check(blockList, blockListWeights)
          .check(policyList, policyListWeights)
          .check(perClient, REFUSED_SCORES_1)
          .check(site, REFUSED_SCORES_1)
          .rejectAt(5.0)
          .quarantineAt(1.0)
          .shortCircuit(false) // every check runs, so every evaluation debits both limiters
          .build();

  private final AtomicIntegerArray completionsPerClient = new AtomicIntegerArray(CLIENTS);
  private final AtomicIntegerArray grantsPerClient = new AtomicIntegerArray(CLIENTS);
  private final AtomicLong siteGrants = new AtomicLong();
  private final AtomicLong completions = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final Queue<String> firstFailures = new ConcurrentLinkedQueue<>();

  @AfterEach
  void stopDnsThreads() {
    dnsThreads.shutdownNow();
  }

  @Test
  void aMillionConcurrentEvaluations_areAllCorrectAndLimiterTotalsExact() throws Exception {
    Semaphore inFlight = new Semaphore(IN_FLIGHT);
    CountDownLatch allDone = new CountDownLatch(EVALUATIONS);
    AtomicInteger next = new AtomicInteger();
    AtomicLong peakHeap = new AtomicLong();
    List<Thread> submitters = new ArrayList<>();
    long start = System.nanoTime();
    for (int t = 0; t < SUBMITTERS; t++) {
      Thread thread =
          new Thread(
              () -> {
                for (int e = next.getAndIncrement(); e < EVALUATIONS; e = next.getAndIncrement()) {
                  inFlight.acquireUninterruptibly();
                  if ((e & 0xffff) == 0) {
                    Runtime rt = Runtime.getRuntime();
                    peakHeap.accumulateAndGet(rt.totalMemory() - rt.freeMemory(), Math::max);
                  }
                  submit(e % CLIENTS, inFlight, allDone);
                }
              },
              "submitter-" + t);
      thread.start();
      submitters.add(thread);
    }
    for (Thread t : submitters) {
      t.join();
    }
    boolean finished = allDone.await(120, TimeUnit.SECONDS);
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "concurrency: %,d evaluations from %d threads (%,d in flight at most) in %.1f s, %.0f/s;"
            + " %,d completions, %,d failures; site grants %,d; upstream DNS queries %,d;"
            + " heap in use at most %.0f MiB (sampled, no GC)%n",
        EVALUATIONS,
        SUBMITTERS,
        IN_FLIGHT,
        seconds,
        EVALUATIONS / seconds,
        completions.get(),
        failures.get(),
        siteGrants.get(),
        upstream.queries(),
        peakHeap.get() / 1048576.0);

    assertThat(firstFailures).as("first failures of %,d", failures.get()).isEmpty();
    assertThat(finished)
        .as("all %,d evaluations completed within 120 s (%,d did)", EVALUATIONS, completions.get())
        .isTrue();
    assertThat(completions.get()).isEqualTo(EVALUATIONS);
    assertThat(inFlight.tryAcquire(IN_FLIGHT, 10, TimeUnit.SECONDS))
        .as("every permit came back")
        .isTrue();
    List<String> wrongClients = new ArrayList<>();
    for (int k = 0; k < CLIENTS && wrongClients.size() < 10; k++) {
      if (completionsPerClient.get(k) != MESSAGES_PER_CLIENT
          || grantsPerClient.get(k) != PER_CLIENT_CAPACITY) {
        wrongClients.add(
            "client "
                + k
                + ": "
                + completionsPerClient.get(k)
                + " completions, "
                + grantsPerClient.get(k)
                + " grants");
      }
    }
    assertThat(wrongClients)
        .as(
            "clients with %d completions and exactly %d grants expected",
            MESSAGES_PER_CLIENT, PER_CLIENT_CAPACITY)
        .isEmpty();
    assertThat(siteGrants.get()).as("grants of the site-wide key").isEqualTo(SITE_CAPACITY);
    assertThat(upstream.unexpectedQueries()).isZero();
    assertThat(perClientLimiter.estimatedKeys()).isEqualTo(CLIENTS);
  }

  private void submit(int client, Semaphore inFlight, CountDownLatch allDone) {
    InetAddress ip = clients.address(client);
    MailSession session =
        MailSession.builder()
            .clientIp(ip)
            .mailFrom("sender@example.com")
            .recipient("a@example.org")
            .build();
    try {
      warden
          .evaluate(session)
          .whenComplete(
              (ev, error) -> {
                try {
                  if (error != null) {
                    fail(client, ip, "evaluation failed: " + error);
                  } else {
                    check(client, ip, ev);
                  }
                } catch (RuntimeException | AssertionError e) {
                  fail(client, ip, "checking the evaluation threw " + e);
                } finally {
                  completionsPerClient.incrementAndGet(client);
                  completions.incrementAndGet();
                  inFlight.release();
                  allDone.countDown();
                }
              });
    } catch (RuntimeException e) {
      fail(client, ip, "evaluate threw " + e); // counted as lost: the completion count stays short
      inFlight.release();
    }
  }

  private void check(int client, InetAddress ip, Evaluation ev) {
    String label = SyntheticLists.label(ip);
    boolean block = SyntheticLists.isBlockListed(label);
    boolean policy = SyntheticLists.isPolicyListed(label);
    for (CheckReport r : ev.checks()) {
      if (r.status() != CheckReport.Status.COMPLETED) {
        fail(client, ip, "check " + r.name() + " ended " + r.status() + ": " + r.result().reason());
        return;
      }
    }
    if (listed(ev, blockList) != block || listed(ev, policyList) != policy) {
      fail(
          client,
          ip,
          "listings " + ev.checks() + ", expected block=" + block + " policy=" + policy);
      return;
    }
    OutboundLimitResult mine = ev.result(perClient.key()).orElseThrow();
    OutboundLimitResult all = ev.result(site.key()).orElseThrow();
    if (mine.outcome() == Outcome.TEMPERROR || all.outcome() == Outcome.TEMPERROR) {
      fail(client, ip, "limiter temperror: " + mine + " / " + all);
      return;
    }
    if (!mine.limited()) {
      grantsPerClient.incrementAndGet(client);
    }
    if (!all.limited()) {
      siteGrants.incrementAndGet();
    }
    Verdict expected =
        block
            ? Verdict.REJECT
            : policy || mine.limited() || all.limited() ? Verdict.QUARANTINE : Verdict.ACCEPT;
    if (ev.verdict() != expected) {
      fail(client, ip, "verdict " + ev.verdict() + ", expected " + expected + ": " + ev);
    }
  }

  private static boolean listed(Evaluation ev, DnsblChecker list) {
    DnsblResult r = ev.result(list.key()).orElseThrow();
    if (r.outcome() != Outcome.FAIL && r.outcome() != Outcome.NONE) {
      throw new AssertionError(list.name() + " ended " + r.outcome() + ": " + r.reason());
    }
    return r.outcome() == Outcome.FAIL;
  }

  private void fail(int client, InetAddress ip, String what) {
    if (failures.incrementAndGet() <= 10) {
      firstFailures.add("client " + client + " " + ip.getHostAddress() + ": " + what);
    }
  }
}
