package dev.mailwarden.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailwarden.Ticker;
import dev.mailwarden.dns.internal.CachingResolver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

class CachingResolverTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  /** Counts calls per "name TYPE" and answers with a function of the question. */
  static final class CountingUpstream implements DnsResolver {
    final AtomicInteger calls = new AtomicInteger();
    final Map<String, AtomicInteger> perQuestion = new ConcurrentHashMap<>();
    final BiFunction<String, RecordType, CompletableFuture<DnsAnswer>> answers;

    CountingUpstream(BiFunction<String, RecordType, CompletableFuture<DnsAnswer>> answers) {
      this.answers = answers;
    }

    static CountingUpstream answering(BiFunction<String, RecordType, DnsAnswer> answers) {
      return new CountingUpstream((n, t) -> CompletableFuture.completedFuture(answers.apply(n, t)));
    }

    @Override
    public CompletableFuture<DnsAnswer> lookup(String name, RecordType type) {
      calls.incrementAndGet();
      perQuestion.computeIfAbsent(name + " " + type, k -> new AtomicInteger()).incrementAndGet();
      return answers.apply(name, type);
    }
  }

  private CacheSpec spec() {
    return CacheSpec.defaults()
        .withMinTtl(Duration.ZERO)
        .withMaxTtl(Duration.ofDays(1))
        .withMaxNegativeTtl(Duration.ofHours(1))
        .withErrorTtl(Duration.ZERO);
  }

  /** The cache under test: fake time, room for about 1000 answers. */
  private DnsResolver cached(DnsResolver up, CacheSpec spec) {
    return new CachingResolver(up, spec, now::get, 1000L * ENTRY);
  }

  /** The weight of one test answer ({@code a("nN.example", A, ttl)}), the unit of the bounds. */
  private static final int ENTRY =
      CachingResolver.weigh("n00.example", a("n00.example", RecordType.A, 1));

  private static DnsAnswer a(String name, RecordType type, long ttl) {
    return DnsAnswer.of(name, type, List.of(DnsRecord.Txt.of("v=" + name)), ttl);
  }

  private void advanceSeconds(long s) {
    now.addAndGet(TimeUnit.SECONDS.toNanos(s));
  }

  @Test
  void hit_withinTtl_doesNotAskUpstream_andIsMarkedCached() {
    CountingUpstream up = CountingUpstream.answering((n, t) -> a(n, t, 60));
    DnsResolver dns = cached(up, spec());

    DnsAnswer first = dns.lookup("example.com", RecordType.TXT).join();
    DnsAnswer second = dns.lookup("example.com", RecordType.TXT).join();

    assertThat(first.fromCache()).isFalse();
    assertThat(second.fromCache()).isTrue();
    assertThat(second.records()).isEqualTo(first.records());
    assertThat(up.calls).hasValue(1);
  }

  @Test
  void hit_returnsTheSameStoredFuture_soAHitAllocatesNoAnswer() {
    CountingUpstream up = CountingUpstream.answering((n, t) -> a(n, t, 60));
    DnsResolver dns = cached(up, spec());
    dns.lookup("example.com", RecordType.TXT).join();

    assertThat(dns.lookup("example.com", RecordType.TXT))
        .isSameAs(dns.lookup("example.com", RecordType.TXT));
  }

  @Test
  void sharedHitFuture_refusesObtrude_andIgnoresComplete() {
    CountingUpstream up = CountingUpstream.answering((n, t) -> a(n, t, 60));
    DnsResolver dns = cached(up, spec());
    dns.lookup("example.com", RecordType.TXT).join();
    CompletableFuture<DnsAnswer> hit = dns.lookup("example.com", RecordType.TXT);

    assertThat(hit.complete(null)).isFalse();
    assertThat(hit.cancel(true)).isFalse();
    assertThatThrownBy(() -> hit.obtrudeValue(null))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(dns.lookup("example.com", RecordType.TXT).join().records()).hasSize(1);
  }

  @Test
  void keys_areCaseInsensitive_andIgnoreTheTrailingDot() {
    CountingUpstream up = CountingUpstream.answering((n, t) -> a(n, t, 60));
    DnsResolver dns = cached(up, spec());

    dns.lookup("Example.COM.", RecordType.TXT).join();
    assertThat(dns.lookup("example.com", RecordType.TXT).join().fromCache()).isTrue();
    assertThat(dns.lookup("EXAMPLE.com", RecordType.TXT).join().fromCache()).isTrue();
    assertThat(dns.lookup("example.com.", RecordType.TXT).join().fromCache()).isTrue();
    assertThat(up.calls).hasValue(1);
  }

  @Test
  void types_areCachedSeparately() {
    CountingUpstream up = CountingUpstream.answering((n, t) -> a(n, t, 60));
    DnsResolver dns = cached(up, spec());

    dns.lookup("example.com", RecordType.TXT).join();
    DnsAnswer mx = dns.lookup("example.com", RecordType.MX).join();

    assertThat(mx.fromCache()).isFalse();
    assertThat(mx.type()).isEqualTo(RecordType.MX);
    assertThat(up.calls).hasValue(2);
  }

  @Test
  void entry_expiresAfterItsTtl() {
    CountingUpstream up = CountingUpstream.answering((n, t) -> a(n, t, 60));
    DnsResolver dns = cached(up, spec());
    dns.lookup("example.com", RecordType.TXT).join();

    advanceSeconds(59);
    assertThat(dns.lookup("example.com", RecordType.TXT).join().fromCache()).isTrue();
    advanceSeconds(1);
    assertThat(dns.lookup("example.com", RecordType.TXT).join().fromCache()).isFalse();
    assertThat(up.calls).hasValue(2);
  }

  @Test
  void ttl_belowMinimum_isRaisedToMinTtl() {
    CountingUpstream up = CountingUpstream.answering((n, t) -> a(n, t, 0));
    DnsResolver dns = cached(up, spec().withMinTtl(Duration.ofSeconds(30)));
    dns.lookup("example.com", RecordType.TXT).join();

    advanceSeconds(29);
    assertThat(dns.lookup("example.com", RecordType.TXT).join().fromCache()).isTrue();
    advanceSeconds(1);
    assertThat(dns.lookup("example.com", RecordType.TXT).join().fromCache()).isFalse();
  }

  @Test
  void ttl_aboveMaximum_isCutToMaxTtl() {
    CountingUpstream up = CountingUpstream.answering((n, t) -> a(n, t, 86_400));
    DnsResolver dns = cached(up, spec().withMaxTtl(Duration.ofSeconds(100)));
    dns.lookup("example.com", RecordType.TXT).join();

    advanceSeconds(99);
    assertThat(dns.lookup("example.com", RecordType.TXT).join().fromCache()).isTrue();
    advanceSeconds(1);
    assertThat(dns.lookup("example.com", RecordType.TXT).join().fromCache()).isFalse();
  }

  @Test
  void nxdomain_isCachedForItsNegativeTtl() {
    CountingUpstream up = CountingUpstream.answering((n, t) -> DnsAnswer.nxdomain(n, t, 120));
    DnsResolver dns = cached(up, spec());
    dns.lookup("nope.example.com", RecordType.A).join();

    advanceSeconds(119);
    DnsAnswer cached = dns.lookup("nope.example.com", RecordType.A).join();
    assertThat(cached.status()).isEqualTo(DnsStatus.NXDOMAIN);
    assertThat(cached.fromCache()).isTrue();
    advanceSeconds(1);
    assertThat(dns.lookup("nope.example.com", RecordType.A).join().fromCache()).isFalse();
  }

  @Test
  void nodata_negativeTtl_isCutToMaxNegativeTtl() {
    CountingUpstream up = CountingUpstream.answering((n, t) -> DnsAnswer.nodata(n, t, 86_400));
    DnsResolver dns = cached(up, spec().withMaxNegativeTtl(Duration.ofSeconds(10)));
    dns.lookup("example.com", RecordType.AAAA).join();

    advanceSeconds(9);
    assertThat(dns.lookup("example.com", RecordType.AAAA).join().status())
        .isEqualTo(DnsStatus.NODATA);
    assertThat(up.calls).hasValue(1);
    advanceSeconds(1);
    dns.lookup("example.com", RecordType.AAAA).join();
    assertThat(up.calls).hasValue(2);
  }

  @Test
  void negativeTtl_isNotRaisedToMinTtl() {
    CountingUpstream up = CountingUpstream.answering((n, t) -> DnsAnswer.nxdomain(n, t, 0));
    DnsResolver dns = cached(up, spec().withMinTtl(Duration.ofSeconds(30)));
    dns.lookup("nope.example", RecordType.A).join();
    dns.lookup("nope.example", RecordType.A).join();
    assertThat(up.calls).hasValue(2);
  }

  @Test
  void errors_areNotCached_whenErrorTtlIsZero() {
    CountingUpstream up =
        CountingUpstream.answering((n, t) -> DnsAnswer.error(n, t, DnsStatus.SERVFAIL, "test"));
    DnsResolver dns = cached(up, spec().withErrorTtl(Duration.ZERO));

    dns.lookup("example.com", RecordType.A).join();
    DnsAnswer again = dns.lookup("example.com", RecordType.A).join();

    assertThat(again.status()).isEqualTo(DnsStatus.SERVFAIL);
    assertThat(again.fromCache()).isFalse();
    assertThat(up.calls).hasValue(2);
  }

  @Test
  void errors_areCachedOnlyForErrorTtl() {
    for (DnsStatus status : List.of(DnsStatus.SERVFAIL, DnsStatus.TIMEOUT, DnsStatus.REFUSED)) {
      CountingUpstream up =
          CountingUpstream.answering((n, t) -> DnsAnswer.error(n, t, status, "test"));
      DnsResolver dns = cached(up, spec().withErrorTtl(Duration.ofSeconds(5)));
      dns.lookup("example.com", RecordType.A).join();

      advanceSeconds(4);
      assertThat(dns.lookup("example.com", RecordType.A).join().fromCache())
          .as("%s", status)
          .isTrue();
      advanceSeconds(1);
      assertThat(dns.lookup("example.com", RecordType.A).join().fromCache())
          .as("%s", status)
          .isFalse();
      assertThat(up.calls).hasValue(2);
    }
  }

  @Test
  void exceptionalUpstream_becomesServfail_andIsNotCachedPastErrorTtl() {
    AtomicInteger mode = new AtomicInteger();
    CountingUpstream up =
        new CountingUpstream(
            (n, t) ->
                mode.get() == 0
                    ? CompletableFuture.failedFuture(new IllegalStateException("boom"))
                    : CompletableFuture.completedFuture(a(n, t, 60)));
    DnsResolver dns = cached(up, spec().withErrorTtl(Duration.ZERO));

    DnsAnswer failed = dns.lookup("example.com", RecordType.TXT).join();
    assertThat(failed.status()).isEqualTo(DnsStatus.SERVFAIL);
    assertThat(failed.detail()).get().asString().contains("boom");

    mode.set(1);
    DnsAnswer ok = dns.lookup("example.com", RecordType.TXT).join();
    assertThat(ok.status()).isEqualTo(DnsStatus.NOERROR);
    assertThat(up.calls).hasValue(2);
  }

  @Test
  void throwingUpstream_becomesServfail() {
    CountingUpstream up =
        new CountingUpstream(
            (n, t) -> {
              throw new IllegalStateException("thrown");
            });
    DnsResolver dns = cached(up, spec());

    CompletableFuture<DnsAnswer> f = dns.lookup("example.com", RecordType.TXT);
    assertThat(f).isCompleted();
    assertThat(f.join().status()).isEqualTo(DnsStatus.SERVFAIL);
    // not cached: the next lookup asks again
    dns.lookup("example.com", RecordType.TXT).join();
    assertThat(up.calls).hasValue(2);
  }

  @Test
  void concurrentIdenticalQueries_shareOneUpstreamRequest() throws Exception {
    CompletableFuture<DnsAnswer> upstreamAnswer = new CompletableFuture<>();
    CountingUpstream up = new CountingUpstream((n, t) -> upstreamAnswer);
    DnsResolver dns = cached(up, spec());
    int threads = 16;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<CompletableFuture<DnsAnswer>>> submitted = new ArrayList<>();
    try {
      for (int i = 0; i < threads; i++) {
        submitted.add(
            pool.submit(
                () -> {
                  start.await();
                  return dns.lookup(i2name(), RecordType.TXT);
                }));
      }
      start.countDown();
      List<CompletableFuture<DnsAnswer>> futures = new ArrayList<>();
      for (Future<CompletableFuture<DnsAnswer>> f : submitted) {
        futures.add(f.get(10, TimeUnit.SECONDS));
      }
      assertThat(futures).allSatisfy(f -> assertThat(f).isNotDone());
      upstreamAnswer.complete(a("example.com", RecordType.TXT, 60));
      for (CompletableFuture<DnsAnswer> f : futures) {
        assertThat(f.get(10, TimeUnit.SECONDS).status()).isEqualTo(DnsStatus.NOERROR);
      }
      assertThat(up.calls).hasValue(1);
    } finally {
      pool.shutdownNow();
    }
  }

  private static String i2name() {
    return "example.com";
  }

  @Test
  void oneCallersTimeout_doesNotCompleteTheSharedRequestForOthers() {
    CompletableFuture<DnsAnswer> upstreamAnswer = new CompletableFuture<>();
    CountingUpstream up = new CountingUpstream((n, t) -> upstreamAnswer);
    DnsResolver dns = cached(up, spec());

    CompletableFuture<DnsAnswer> impatient = dns.lookup("example.com", RecordType.TXT);
    CompletableFuture<DnsAnswer> patient = dns.lookup("example.com", RecordType.TXT);
    impatient.cancel(true);
    upstreamAnswer.complete(a("example.com", RecordType.TXT, 60));

    assertThat(patient.join().status()).isEqualTo(DnsStatus.NOERROR);
    assertThat(dns.lookup("example.com", RecordType.TXT).join().fromCache()).isTrue();
    assertThat(up.calls).hasValue(1);
  }

  @Test
  void expiredEntry_isRefreshedOnce_forConcurrentCallers() {
    List<CompletableFuture<DnsAnswer>> upstreamCalls = new ArrayList<>();
    CountingUpstream up =
        new CountingUpstream(
            (n, t) -> {
              CompletableFuture<DnsAnswer> f = new CompletableFuture<>();
              upstreamCalls.add(f);
              return f;
            });
    DnsResolver dns = cached(up, spec());
    CompletableFuture<DnsAnswer> first = dns.lookup("example.com", RecordType.TXT);
    upstreamCalls.get(0).complete(a("example.com", RecordType.TXT, 10));
    first.join();
    advanceSeconds(11);

    CompletableFuture<DnsAnswer> x = dns.lookup("example.com", RecordType.TXT);
    CompletableFuture<DnsAnswer> y = dns.lookup("example.com", RecordType.TXT);
    assertThat(upstreamCalls).hasSize(2);
    upstreamCalls.get(1).complete(a("example.com", RecordType.TXT, 10));
    assertThat(x.join().fromCache()).isFalse();
    assertThat(y.join().status()).isEqualTo(DnsStatus.NOERROR);
    assertThat(y.join().fromCache()).as("a joiner cost no query").isTrue();
  }

  @Test
  void bound_isRespected_andOldestUnusedAnswersAreEvicted() {
    CountingUpstream up = CountingUpstream.answering((n, t) -> a(n, t, 3600));
    long budget = 10L * ENTRY;
    CachingResolver bounded = new CachingResolver(up, CacheSpec.defaults(), now::get, budget);

    bounded.lookup("hot.example", RecordType.A).join();
    for (int i = 0; i < 100; i++) {
      bounded.lookup("n" + i + ".example", RecordType.A).join();
      bounded.lookup("hot.example", RecordType.A).join(); // keeps it referenced
      assertThat(bounded.bytes()).isLessThanOrEqualTo(budget);
    }
    // names of one or two digits weigh at most one ENTRY: about ten answers fit
    assertThat(bounded.size()).isBetween(9L, 11L);
    int before = up.perQuestion.get("hot.example A").get();
    assertThat(before).isEqualTo(1);
    // the oldest cold names were evicted: asking again goes upstream
    bounded.lookup("n0.example", RecordType.A).join();
    assertThat(up.perQuestion.get("n0.example A")).hasValue(2);
    // the most recent one is still there
    assertThat(bounded.lookup("n99.example", RecordType.A).join().fromCache()).isTrue();
  }

  @Test
  void bound_holdsUnderConcurrentMisses() throws Exception {
    CountingUpstream up = CountingUpstream.answering((n, t) -> a(n, t, 3600));
    long budget = 50L * ENTRY;
    CachingResolver bounded = new CachingResolver(up, CacheSpec.defaults(), now::get, budget);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> jobs = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int base = t * 10_000;
        jobs.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 2_000; i++) {
                    bounded.lookup("n" + (base + i) + ".example", RecordType.A).join();
                  }
                }));
      }
      for (Future<?> j : jobs) {
        j.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(bounded.bytes()).isLessThanOrEqualTo(budget);
    assertThat(bounded.size()).isLessThanOrEqualTo(60);
  }

  @Test
  void systemTicker_hitsAndExpiresInRealTime() throws Exception {
    CountingUpstream up =
        CountingUpstream.answering((n, t) -> DnsAnswer.error(n, t, DnsStatus.SERVFAIL, "test"));
    DnsResolver dns =
        new CachingResolver(
            up,
            CacheSpec.defaults().withErrorTtl(Duration.ofMillis(50)),
            Ticker.system(),
            10L * ENTRY);

    dns.lookup("example.com", RecordType.A).join();
    assertThat(dns.lookup("example.com", RecordType.A).join().fromCache()).isTrue();
    Thread.sleep(200);
    assertThat(dns.lookup("example.com", RecordType.A).join().fromCache()).isFalse();
    assertThat(up.calls).hasValue(2);
  }

  @Test
  void nullArguments_areRejected() {
    DnsResolver dns = cached(CountingUpstream.answering((n, t) -> a(n, t, 60)), spec());
    assertThatThrownBy(() -> dns.lookup(null, RecordType.A))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> dns.lookup("x", null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void lookupWithoutStoring_missAsksUpstream_andKeepsNothing() {
    CountingUpstream up = CountingUpstream.answering((n, t) -> a(n, t, 60));
    CachingResolver dns = new CachingResolver(up, spec(), now::get, 1000L * ENTRY);

    DnsAnswer first = dns.lookupWithoutStoring("example.com", RecordType.TXT).join();
    DnsAnswer second = dns.lookupWithoutStoring("example.com", RecordType.TXT).join();
    DnsAnswer third = dns.lookup("example.com", RecordType.TXT).join();

    assertThat(first.fromCache()).isFalse();
    assertThat(second.fromCache()).isFalse();
    assertThat(third.fromCache()).isFalse(); // nothing was kept for the ordinary lookup either
    assertThat(up.calls).hasValue(3);
    assertThat(dns.misses()).isEqualTo(3);
  }

  @Test
  void lookupWithoutStoring_isServedByAStoredAnswer_andByALookupInFlight() {
    CompletableFuture<DnsAnswer> slow = new CompletableFuture<>();
    CountingUpstream up =
        new CountingUpstream(
            (n, t) -> n.startsWith("slow") ? slow : CompletableFuture.completedFuture(a(n, t, 60)));
    CachingResolver dns = new CachingResolver(up, spec(), now::get, 1000L * ENTRY);

    dns.lookup("stored.example", RecordType.TXT).join();
    DnsAnswer hit = dns.lookupWithoutStoring("stored.example", RecordType.TXT).join();
    assertThat(hit.fromCache()).isTrue();

    CompletableFuture<DnsAnswer> owner = dns.lookup("slow.example", RecordType.TXT);
    CompletableFuture<DnsAnswer> joined = dns.lookupWithoutStoring("slow.example", RecordType.TXT);
    slow.complete(a("slow.example", RecordType.TXT, 60));
    assertThat(owner.join().fromCache()).isFalse();
    assertThat(joined.join().fromCache()).isTrue();
    assertThat(up.calls).hasValue(2);
    assertThat(dns.size()).isEqualTo(2);
  }

  @Test
  void lookupWithoutStoring_upstreamFailure_isAServfailAnswer() {
    CountingUpstream up =
        new CountingUpstream(
            (n, t) -> CompletableFuture.failedFuture(new IllegalStateException("closed")));
    DnsResolver dns = cached(up, spec());

    DnsAnswer answer = dns.lookupWithoutStoring("example.com", RecordType.A).join();

    assertThat(answer.status()).isEqualTo(DnsStatus.SERVFAIL);
    assertThat(answer.detail()).hasValueSatisfying(d -> assertThat(d).contains("closed"));
  }

  @Test
  void lookupWithoutStoring_concurrentMissesShareOneQuery_andLeaveNothingBehind() {
    CompletableFuture<DnsAnswer> slow = new CompletableFuture<>();
    CountingUpstream up = new CountingUpstream((n, t) -> slow);
    CachingResolver dns = new CachingResolver(up, spec(), now::get, 1000L * ENTRY);

    CompletableFuture<DnsAnswer> first = dns.lookupWithoutStoring("a.example", RecordType.A);
    CompletableFuture<DnsAnswer> second = dns.lookupWithoutStoring("a.example", RecordType.A);
    slow.complete(a("a.example", RecordType.A, 60));

    assertThat(first.join().fromCache()).isFalse();
    assertThat(second.join().fromCache()).isTrue(); // joined: cost no query
    assertThat(up.calls).hasValue(1);
    assertThat(dns.size()).isZero();
    assertThat(dns.bytes()).isZero();
    dns.lookupWithoutStoring("a.example", RecordType.A).join();
    assertThat(up.calls).hasValue(2); // nothing was kept
  }

  @Test
  void aTickerThatThrowsWhileStoring_leavesNoCallerWaiting_andNoEntryBehind() {
    CompletableFuture<DnsAnswer> slow = new CompletableFuture<>();
    CountingUpstream up =
        new CountingUpstream(
            (n, t) ->
                firstLabel(n).equals("first")
                    ? slow
                    : CompletableFuture.completedFuture(a(n, t, 60)));
    java.util.concurrent.atomic.AtomicBoolean broken =
        new java.util.concurrent.atomic.AtomicBoolean();
    Ticker ticker =
        () -> {
          if (broken.get()) {
            throw new IllegalStateException("clock failed");
          }
          return now.get();
        };
    CachingResolver dns = new CachingResolver(up, spec(), ticker, 1000L * ENTRY);

    CompletableFuture<DnsAnswer> owner = dns.lookup("first.example", RecordType.A);
    CompletableFuture<DnsAnswer> joined = dns.lookup("first.example", RecordType.A);
    broken.set(true);
    slow.complete(a("first.example", RecordType.A, 60));

    assertThat(owner).isCompleted();
    assertThat(joined).isCompleted();
    assertThat(owner.join().status()).isEqualTo(DnsStatus.NOERROR);
    assertThat(joined.join().fromCache()).isTrue();
    broken.set(false);
    assertThat(dns.size()).isZero();
    dns.lookup("first.example", RecordType.A).join(); // not stuck on a half-stored entry
    assertThat(up.calls).hasValue(2);
  }

  private static String firstLabel(String name) {
    return name.substring(0, name.indexOf('.'));
  }
}
