package dev.mailwarden.auth.spf;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.net.InetAddresses;
import dev.mailwarden.CheckContext;
import dev.mailwarden.MailSession;
import dev.mailwarden.Outcome;
import dev.mailwarden.dns.DnsResolver;
import dev.mailwarden.dns.DnsStatus;
import dev.mailwarden.dns.ZoneResolver;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile DNS data against both engines: loops, too many terms, void answers and MX names, huge
 * records, answers that never come. Every case must end with a bounded number of queries, in
 * bounded time, with the result RFC 7208 section 4.6.4 asks for.
 */
class SpfAdversarialDnsTest {
  private static final ExecutorService POOL =
      Executors.newFixedThreadPool(
          2,
          r -> {
            Thread t = new Thread(r, "spf-test");
            t.setDaemon(true);
            return t;
          });

  @AfterAll
  static void stop() {
    POOL.shutdownNow();
  }

  static Stream<SpfEngine> engines() {
    return Stream.of(SpfEngine.nativeEngine(), SpfEngine.jspf(POOL));
  }

  static SpfResult check(SpfEngine engine, DnsResolver dns, String mailFrom, Duration deadline)
      throws Exception {
    MailSession s =
        MailSession.builder()
            .clientIp(InetAddresses.forString("192.0.2.1"))
            .helo("mail.example.net")
            .mailFrom(mailFrom)
            .build();
    CheckContext ctx = CheckContext.builder(s, dns).deadline(deadline).build();
    return Spf.builder().engine(engine).build().check(ctx).get(10, TimeUnit.SECONDS);
  }

  static SpfResult check(SpfEngine engine, DnsResolver dns, String mailFrom) throws Exception {
    return check(engine, dns, mailFrom, Duration.ofSeconds(5));
  }

  @ParameterizedTest
  @MethodSource("engines")
  void includeLoop_isPermerror_withBoundedQueries(SpfEngine engine) throws Exception {
    ZoneResolver dns =
        ZoneResolver.builder()
            .txt("a.example.com", "v=spf1 include:b.example.com -all")
            .txt("b.example.com", "v=spf1 include:a.example.com -all")
            .build();
    SpfResult r = check(engine, dns, "x@a.example.com");
    assertThat(r.outcome()).isEqualTo(Outcome.PERMERROR);
    assertThat(dns.queryCount()).isLessThanOrEqualTo(12);
  }

  @ParameterizedTest
  @MethodSource("engines")
  void elevenIncludes_isPermerror(SpfEngine engine) throws Exception {
    ZoneResolver.Builder b = ZoneResolver.builder();
    StringBuilder record = new StringBuilder("v=spf1");
    for (int i = 1; i <= 11; i++) {
      record.append(" include:i").append(i).append(".example.com");
      b.txt("i" + i + ".example.com", "v=spf1 ip4:198.51.100." + i + " -all");
    }
    ZoneResolver dns = b.txt("many.example.com", record + " +all").build();
    SpfResult r = check(engine, dns, "x@many.example.com");
    assertThat(r.outcome()).isEqualTo(Outcome.PERMERROR);
    assertThat(dns.queryCount()).isLessThanOrEqualTo(12);
  }

  @ParameterizedTest
  @MethodSource("engines")
  void tenIncludes_areAllowed(SpfEngine engine) throws Exception {
    ZoneResolver.Builder b = ZoneResolver.builder();
    StringBuilder record = new StringBuilder("v=spf1");
    for (int i = 1; i <= 10; i++) {
      record.append(" include:i").append(i).append(".example.com");
      b.txt("i" + i + ".example.com", "v=spf1 ip4:198.51.100." + i + " -all");
    }
    ZoneResolver dns = b.txt("ten.example.com", record + " +all").build();
    assertThat(check(engine, dns, "x@ten.example.com").outcome()).isEqualTo(Outcome.PASS);
  }

  @ParameterizedTest
  @MethodSource("engines")
  void threeVoidLookups_isPermerror(SpfEngine engine) throws Exception {
    ZoneResolver dns =
        ZoneResolver.builder()
            .txt(
                "voids.example.com",
                "v=spf1 a:n1.example.com mx:n2.example.com exists:n3.example.com +all")
            .build();
    SpfResult r = check(engine, dns, "x@voids.example.com");
    assertThat(r.outcome()).isEqualTo(Outcome.PERMERROR);
    assertThat(r.voidLookups()).isEqualTo(3);
  }

  @ParameterizedTest
  @MethodSource("engines")
  void twoVoidLookups_areAllowed(SpfEngine engine) throws Exception {
    ZoneResolver dns =
        ZoneResolver.builder()
            .txt("voids.example.com", "v=spf1 a:n1.example.com exists:n3.example.com +all")
            .build();
    SpfResult r = check(engine, dns, "x@voids.example.com");
    assertThat(r.outcome()).isEqualTo(Outcome.PASS);
    assertThat(r.voidLookups()).isEqualTo(2);
  }

  @ParameterizedTest
  @MethodSource("engines")
  void elevenMxNames_isPermerror(SpfEngine engine) throws Exception {
    ZoneResolver.Builder b = ZoneResolver.builder().txt("mx.example.com", "v=spf1 mx -all");
    for (int i = 0; i < 11; i++) {
      b.mx("mx.example.com", i, "m" + i + ".example.com")
          .address("m" + i + ".example.com", "198.51.100." + i);
    }
    SpfResult r = check(engine, b.build(), "x@mx.example.com");
    assertThat(r.outcome()).isEqualTo(Outcome.PERMERROR);
  }

  @ParameterizedTest
  @MethodSource("engines")
  void hugeTxtRecords_areEvaluated(SpfEngine engine) throws Exception {
    // 60 KB of unrelated TXT plus an SPF record of 1,500 ip4 terms split into 255-byte strings
    StringBuilder spf = new StringBuilder("v=spf1");
    for (int i = 0; i < 1500; i++) {
      spf.append(" ip4:10.").append(i / 256).append('.').append(i % 256).append(".1");
    }
    spf.append(" -all");
    byte[] all = spf.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[][] strings = new byte[(all.length + 254) / 255][];
    for (int i = 0; i < strings.length; i++) {
      strings[i] = java.util.Arrays.copyOfRange(all, i * 255, Math.min(all.length, (i + 1) * 255));
    }
    ZoneResolver dns =
        ZoneResolver.builder()
            .txt("huge.example.com", "x".repeat(60_000))
            .txtBytes("huge.example.com", strings)
            .build();
    long t0 = System.nanoTime();
    SpfResult r = check(engine, dns, "x@huge.example.com");
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    assertThat(dns.queryCount()).isLessThanOrEqualTo(2);
  }

  @ParameterizedTest
  @MethodSource("engines")
  void answersThatNeverCome_endInTemperrorAtTheDeadline(SpfEngine engine) throws Exception {
    ZoneResolver dns =
        ZoneResolver.builder()
            .txt("slow.example.com", "v=spf1 include:hang.example.com -all")
            .hang("hang.example.com")
            .build();
    long t0 = System.nanoTime();
    SpfResult r = check(engine, dns, "x@slow.example.com", Duration.ofMillis(300));
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    assertThat(r.outcome()).isEqualTo(Outcome.TEMPERROR);
    assertThat(took)
        .isGreaterThanOrEqualTo(Duration.ofMillis(250))
        .isLessThan(Duration.ofSeconds(3));
    assertThat(dns.queryCount()).isLessThanOrEqualTo(2);
  }

  @ParameterizedTest
  @MethodSource("engines")
  void slowAnswers_stopQueryingOnceTheDeadlinePassed(SpfEngine engine) throws Exception {
    // each answer takes 40 ms; 10 a: terms would need 400 ms, the deadline is 150 ms
    ZoneResolver zone =
        ZoneResolver.builder()
            .txt(
                "slow.example.com",
                "v=spf1 a:s1.example.com a:s2.example.com a:s3.example.com"
                    + " a:s4.example.com a:s5.example.com a:s6.example.com a:s7.example.com"
                    + " a:s8.example.com a:s9.example.com -all")
            .address("s1.example.com", "198.51.100.1")
            .address("s2.example.com", "198.51.100.2")
            .address("s3.example.com", "198.51.100.3")
            .address("s4.example.com", "198.51.100.4")
            .address("s5.example.com", "198.51.100.5")
            .address("s6.example.com", "198.51.100.6")
            .address("s7.example.com", "198.51.100.7")
            .address("s8.example.com", "198.51.100.8")
            .address("s9.example.com", "198.51.100.9")
            .build();
    java.util.concurrent.ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor();
    try {
      DnsResolver slow =
          (name, type) -> {
            CompletableFuture<dev.mailwarden.dns.DnsAnswer> f = new CompletableFuture<>();
            timer.schedule(
                () -> zone.lookup(name, type).thenAccept(f::complete), 40, TimeUnit.MILLISECONDS);
            return f;
          };
      long t0 = System.nanoTime();
      SpfResult r = check(engine, slow, "x@slow.example.com", Duration.ofMillis(150));
      assertThat(r.outcome()).isEqualTo(Outcome.TEMPERROR);
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
      Thread.sleep(200); // let anything still running finish
      assertThat(zone.queryCount()).isLessThanOrEqualTo(6);
    } finally {
      timer.shutdownNow();
    }
  }

  @ParameterizedTest
  @MethodSource("engines")
  void dnsErrorInExists_isTemperror(SpfEngine engine) throws Exception {
    ZoneResolver dns =
        ZoneResolver.builder()
            .txt("e.example.com", "v=spf1 exists:%{i}.bl.example.com -all")
            .fail("192.0.2.1.bl.example.com", DnsStatus.SERVFAIL)
            .build();
    assertThat(check(engine, dns, "x@e.example.com").outcome()).isEqualTo(Outcome.TEMPERROR);
  }

  @ParameterizedTest
  @MethodSource("engines")
  void expAtANonexistentDomain_givesFailPromptly(SpfEngine engine) throws Exception {
    // jSPF's asynchronous executor hangs forever on this record; ours must not
    ZoneResolver dns =
        ZoneResolver.builder().txt("x.example.com", "v=spf1 exp=nowhere.example.net -all").build();
    SpfResult r = check(engine, dns, "a@x.example.com", Duration.ofSeconds(2));
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(r.explanation()).isPresent();
  }

  @ParameterizedTest
  @MethodSource("engines")
  void resolverThatThrows_givesTemperror(SpfEngine engine) throws Exception {
    DnsResolver broken =
        (name, type) -> CompletableFuture.failedFuture(new IllegalStateException("boom"));
    assertThat(check(engine, broken, "a@x.example.com").outcome()).isEqualTo(Outcome.TEMPERROR);
  }

  @org.junit.jupiter.api.Test
  void nativeEngine_returnsWhileDnsIsOutstanding_andFinishesOnTheAnsweringThread()
      throws Exception {
    ZoneResolver zone =
        ZoneResolver.builder()
            .txt("a.example.com", "v=spf1 include:b.example.com -all")
            .txt("b.example.com", "v=spf1 ip4:192.0.2.0/24 -all")
            .build();
    java.util.List<Runnable> pending = new java.util.concurrent.CopyOnWriteArrayList<>();
    DnsResolver manual =
        (name, type) -> {
          CompletableFuture<dev.mailwarden.dns.DnsAnswer> f = new CompletableFuture<>();
          pending.add(() -> f.complete(zone.lookup(name, type).join()));
          return f;
        };
    MailSession s =
        MailSession.builder()
            .clientIp(InetAddresses.forString("192.0.2.1"))
            .helo("h.example.net")
            .mailFrom("x@a.example.com")
            .build();
    CompletableFuture<SpfResult> f = Spf.check().check(CheckContext.forTesting(s, manual));
    assertThat(f).isNotDone();
    assertThat(pending).hasSize(1); // only the first TXT query is out; nothing waits for it
    Thread answering = new Thread(() -> pending.get(0).run(), "answer-1");
    answering.start();
    answering.join();
    assertThat(f).isNotDone();
    assertThat(pending).hasSize(2); // the include's query, sent from the answering thread
    pending.get(1).run();
    assertThat(f.get(1, TimeUnit.SECONDS).outcome()).isEqualTo(Outcome.PASS);
  }

  @org.junit.jupiter.api.Test
  void jspfEngine_runsOffTheCallersThread() throws Exception {
    ZoneResolver zone =
        ZoneResolver.builder().txt("a.example.com", "v=spf1 ip4:192.0.2.0/24 -all").build();
    CompletableFuture<Void> release = new CompletableFuture<>();
    java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
    DnsResolver gated =
        (name, type) -> {
          threads.add(Thread.currentThread().getName());
          return release.thenCompose(v -> zone.lookup(name, type));
        };
    MailSession s =
        MailSession.builder()
            .clientIp(InetAddresses.forString("192.0.2.1"))
            .helo("h.example.net")
            .mailFrom("x@a.example.com")
            .build();
    CompletableFuture<SpfResult> f =
        Spf.builder().engine(SpfEngine.jspf(POOL)).build().check(CheckContext.forTesting(s, gated));
    assertThat(f).isNotDone();
    release.complete(null);
    assertThat(f.get(5, TimeUnit.SECONDS).outcome()).isEqualTo(Outcome.PASS);
    assertThat(threads).allMatch(t -> t.startsWith("spf-test"));
  }

  private static String repeated(String unit, int octets) {
    StringBuilder b = new StringBuilder();
    while (b.length() < octets) {
      b.append(unit);
    }
    return b.toString();
  }

  @ParameterizedTest
  @MethodSource("engines")
  void hugeTerms_givePermerror_neverAStackOverflow(SpfEngine engine) throws Exception {
    // jSPF's term parser recurses once per character: a long term once ended in a
    // StackOverflowError and a temperror; both engines now answer permerror, each naming its cap
    ZoneResolver dns =
        ZoneResolver.builder()
            .txt("mac.example", "v=spf1 exists:" + repeated("%{l}.", 16_384) + "x.example -all")
            .txt("inc.example", "v=spf1 include:mac.example -all")
            .build();
    for (String from : new String[] {"bob@mac.example", "bob@inc.example"}) {
      SpfResult r = check(engine, dns, from);
      assertThat(r.outcome()).as(r.toString()).isEqualTo(Outcome.PERMERROR);
      assertThat(r.problem().orElseThrow())
          .as(r.toString())
          .containsAnyOf("maxMacroExpansion", "jSPF engine's cap");
    }
  }

  @org.junit.jupiter.api.Test
  void jspf_longLiteralTerm_isPermerrorNamingTheCap_andATermAtTheCapIsRead() throws Exception {
    String atCap = repeated("abcdefgh.", 500).substring(0, 500); // "exists:" + 500 < 512
    ZoneResolver dns =
        ZoneResolver.builder()
            .txt("lit.example", "v=spf1 exists:" + repeated("abcdefgh.", 2048) + "x.example -all")
            .txt("ok.example", "v=spf1 exists:" + atCap + "x -all")
            .build();
    SpfResult over = check(SpfEngine.jspf(POOL), dns, "bob@lit.example");
    assertThat(over.outcome()).isEqualTo(Outcome.PERMERROR);
    assertThat(over.problem().orElseThrow()).contains("more than 512 (the jSPF engine's cap)");
    SpfResult under = check(SpfEngine.jspf(POOL), dns, "bob@ok.example");
    assertThat(under.outcome()).as(under.toString()).isEqualTo(Outcome.FAIL);
  }

  @ParameterizedTest
  @MethodSource("engines")
  void hugeExplanation_leavesTheFailStanding(SpfEngine engine) throws Exception {
    // RFC 7208 section 6.2: trouble with the explanation never changes the result
    ZoneResolver dns =
        ZoneResolver.builder()
            .txt("exp.example", "v=spf1 -all exp=why.exp.example")
            .txt("why.exp.example", repeated("%{l} ", 16_384))
            .build();
    SpfResult r = check(engine, dns, "bob@exp.example");
    assertThat(r.outcome()).as(r.toString()).isEqualTo(Outcome.FAIL);
  }
}
