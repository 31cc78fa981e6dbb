package dev.mailwarden.benchmarks;

import dev.mailwarden.CheckContext;
import dev.mailwarden.CheckReport;
import dev.mailwarden.CheckResult;
import dev.mailwarden.Checker;
import dev.mailwarden.Evaluation;
import dev.mailwarden.MailSession;
import dev.mailwarden.MailWarden;
import dev.mailwarden.MailwardenRuntime;
import dev.mailwarden.Outcome;
import dev.mailwarden.Verdict;
import dev.mailwarden.auth.dkim.Dkim;
import dev.mailwarden.auth.dkim.DkimKeyPair;
import dev.mailwarden.auth.dkim.DkimKeys;
import dev.mailwarden.auth.dkim.DkimResult;
import dev.mailwarden.auth.dkim.DkimSigner;
import dev.mailwarden.auth.dkim.DkimVerifier;
import dev.mailwarden.auth.dmarc.Dmarc;
import dev.mailwarden.auth.dmarc.DmarcResult;
import dev.mailwarden.auth.helo.Helo;
import dev.mailwarden.auth.helo.HeloResult;
import dev.mailwarden.auth.helo.Iprev;
import dev.mailwarden.auth.helo.IprevResult;
import dev.mailwarden.auth.spf.Spf;
import dev.mailwarden.auth.spf.SpfResult;
import dev.mailwarden.dns.CacheSpec;
import dev.mailwarden.dns.ZoneResolver;
import dev.mailwarden.dnsbl.Dnsbl;
import dev.mailwarden.dnsbl.DnsblChecker;
import dev.mailwarden.dnsbl.DnsblResult;
import dev.mailwarden.dnsbl.DnsblWeights;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One whole inbound evaluation with every DNS answer cached: three DNS lists (one checker), HELO
 * sanity, iprev, SPF, DKIM (RSA-2048, relaxed/relaxed, a 4 KB message) and DMARC, the checks of
 * {@code GatewayExample} at DATA. The session is a legitimate sender, so nothing short-circuits:
 * every check runs to completion and the verdict is ACCEPT.
 *
 * <ul>
 *   <li>{@code evaluate_mailwarden}: {@code MailWarden.evaluate(session).join()} on a shared
 *       instance (direct executor: the whole evaluation runs on the calling thread, so the figure
 *       is CPU work and engine bookkeeping, not thread hand-offs);
 *   <li>{@code evaluate_sequential}: the same checkers called one after the other with {@code
 *       checker.check(ctx).join()} and their default weights summed, without the engine. {@code
 *       evaluate_mailwarden − evaluate_sequential} is what the engine costs (futures per check,
 *       deadline timer, DNS accounting, reports, verdict);
 *   <li>{@code dnsbl_mailwarden} (the three lists), {@code helo_mailwarden}, {@code
 *       iprev_mailwarden}, {@code spf_mailwarden}, {@code dkim_mailwarden}, {@code
 *       dmarc_mailwarden}: one checker each, called directly, for the share of each in the total.
 * </ul>
 *
 * <p>The resolver is the runtime's DNS cache in front of a {@code ZoneResolver} with a minimum TTL
 * of one hour, warmed in setup; teardown fails the run if any measured operation reached the zone
 * (a cache miss).
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar PipelineBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PipelineBenchmark {
  static final String RECEIVER = "mx.receiver.example.org";

  /** The DNS of the sending domain and the three lists, as a recursive resolver would return it. */
  static final String ZONE =
      String.join(
          "\n",
          "$TTL 3600",
          "example.com.                 IN TXT \"v=spf1 include:_spf.example.net mx -all\"",
          "example.com.                 IN MX  10 mail.example.com.",
          "_spf.example.net.            IN TXT \"v=spf1 ip4:198.51.100.0/24 -all\"",
          "mail.example.com.            IN A   192.0.2.10",
          "10.2.0.192.in-addr.arpa.     IN PTR mail.example.com.",
          "_dmarc.example.com.          IN TXT \"v=DMARC1; p=reject; rua=mailto:dmarc@example.com\"",
          // RFC 5782 test points, for the lists' health probes
          "2.0.0.127.zen.spamhaus.org.  IN A   127.0.0.2",
          "2.0.0.127.bl.example.        IN A   127.0.0.2",
          "2.0.0.127.bl2.example.       IN A   127.0.0.2",
          "");

  private static final Duration FOREVER = Duration.ofDays(1);

  private ZoneResolver zone;
  private MailwardenRuntime runtime;
  private MailWarden warden;
  private MailSession session;

  /** The three lists in one checker: ZEN scores 5 per listing, the others 1 (the default). */
  private DnsblChecker dnsbl;

  private static final DnsblWeights DNSBL_WEIGHTS =
      DnsblWeights.builder().list("zen.spamhaus.org", 5.0).build();
  private Helo helo;
  private Iprev iprev;
  private Checker<SpfResult> spf;
  private DkimVerifier dkim;
  private Dmarc dmarc;
  private List<Checker<?>> sequence;

  private CheckContext direct;
  private CheckContext dmarcContext;
  private int zoneQueriesAfterWarmUp;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    DkimKeyPair key = DkimKeys.rsa(2048);
    zone =
        ZoneResolver.builder()
            .zone(ZONE)
            .txt(DkimKeyPair.recordName("bench", "example.com"), key.txtRecord())
            .build();
    runtime =
        MailwardenRuntime.builder()
            .dns(zone)
            .dnsCache(CacheSpec.defaults().withMinTtl(Duration.ofHours(1)))
            .executor(Runnable::run) // the whole evaluation on the calling thread
            .build();

    byte[] message =
        DkimSigner.builder()
            .domain("example.com")
            .selector("bench")
            .privateKey(key.privateKey())
            .clock(Clock.systemUTC())
            .expireAfter(Duration.ofDays(30))
            .build()
            .signMessage(DkimBenchmark.unsignedMessage(4096));
    session =
        MailSession.builder()
            .clientIp(InetAddress.getByName("192.0.2.10"))
            .helo("mail.example.com")
            .mailFrom("alice@example.com")
            .recipient("bob@receiver.example.org")
            .message(message)
            .build();

    dnsbl = Dnsbl.check(Dnsbl.spamhausZen(), Dnsbl.list("bl.example"), Dnsbl.list("bl2.example"));
    helo = Helo.check();
    iprev = Iprev.check();
    spf = Spf.builder().receiver(RECEIVER).build();
    dkim = Dkim.check();
    dmarc = Dmarc.check();

    MailWarden.Builder b = MailWarden.builder(runtime);
    b.check(dnsbl, DNSBL_WEIGHTS);
    warden =
        b.check(iprev)
            .check(helo)
            .require(spf)
            .check(dkim)
            .check(dmarc)
            .quarantineAt(3.0)
            .rejectAt(5.0)
            .deadline(Duration.ofSeconds(8))
            .build();
    sequence = List.of(dnsbl, iprev, helo, spf, dkim);

    direct = CheckContext.builder(session, runtime).deadline(FOREVER).build();

    // warm the cache (and the lists' result caches) and check that every check passes
    Evaluation ev = warden.evaluateAndWait(session);
    if (ev.verdict() != Verdict.ACCEPT || ev.checks().size() != 6) {
      throw new IllegalStateException(
          "benchmark session is not accepted by every check:\n" + ev.summary());
    }
    for (CheckReport r : ev.checks()) {
      if (r.status() != CheckReport.Status.COMPLETED
          || r.outcome() == Outcome.TEMPERROR
          || r.outcome() == Outcome.FAIL
          || r.outcome() == Outcome.PERMERROR) {
        throw new IllegalStateException("unexpected result of " + r + "\n" + ev.summary());
      }
    }
    SpfResult spfResult = spf.check(direct).join();
    DkimResult dkimResult = dkim.check(direct).join();
    if (spfResult.outcome() != Outcome.PASS || dkimResult.outcome() != Outcome.PASS) {
      throw new IllegalStateException("SPF/DKIM do not pass: " + spfResult + " " + dkimResult);
    }
    dmarcContext =
        CheckContext.builder(session, runtime)
            .deadline(FOREVER)
            .result(Spf.KEY, spfResult)
            .result(Dkim.KEY, dkimResult)
            .build();
    if (dmarc_mailwarden().outcome() != Outcome.PASS) {
      throw new IllegalStateException("DMARC does not pass: " + dmarc_mailwarden());
    }
    double sequential = evaluate_sequential();
    if (sequential != ev.score()) {
      throw new IllegalStateException(
          "sequential score " + sequential + " differs from " + ev.score());
    }
    zoneQueriesAfterWarmUp = zone.queryCount();
  }

  @TearDown(Level.Trial)
  public void allCacheHits() {
    runtime.close();
    int misses = zone.queryCount() - zoneQueriesAfterWarmUp;
    if (misses != 0) {
      throw new IllegalStateException(
          misses
              + " measured lookups missed the cache: "
              + zone.queries().subList(zoneQueriesAfterWarmUp, zone.queryCount()));
    }
  }

  @Benchmark
  public Evaluation evaluate_mailwarden() {
    return warden.evaluate(session).join();
  }

  /** Every checker in turn, without the engine; DMARC gets this run's SPF and DKIM results. */
  @Benchmark
  public double evaluate_sequential() {
    double score = 0;
    SpfResult spfResult = null;
    DkimResult dkimResult = null;
    CheckContext ctx = CheckContext.builder(session, runtime).build();
    for (Checker<?> c : sequence) {
      CheckResult r = c.check(ctx).join();
      score += (c == dnsbl ? DNSBL_WEIGHTS : c.defaultWeights()).score(r);
      if (r instanceof SpfResult s) {
        spfResult = s;
      } else if (r instanceof DkimResult d) {
        dkimResult = d;
      }
    }
    CheckContext withAuth =
        CheckContext.builder(session, runtime)
            .result(Spf.KEY, spfResult)
            .result(Dkim.KEY, dkimResult)
            .build();
    DmarcResult d = dmarc.check(withAuth).join();
    return score + dmarc.defaultWeights().score(d);
  }

  @Benchmark
  public double dnsbl_mailwarden() {
    DnsblResult r = dnsbl.check(direct).join();
    return DNSBL_WEIGHTS.score(r);
  }

  @Benchmark
  public HeloResult helo_mailwarden() {
    return helo.check(direct).join();
  }

  @Benchmark
  public IprevResult iprev_mailwarden() {
    return iprev.check(direct).join();
  }

  @Benchmark
  public SpfResult spf_mailwarden() {
    return spf.check(direct).join();
  }

  @Benchmark
  public DkimResult dkim_mailwarden() {
    return dkim.check(direct).join();
  }

  @Benchmark
  public DmarcResult dmarc_mailwarden() {
    return dmarc.check(dmarcContext).join();
  }
}
