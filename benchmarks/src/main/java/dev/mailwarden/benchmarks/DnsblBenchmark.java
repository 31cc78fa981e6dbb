package dev.mailwarden.benchmarks;

import dev.mailwarden.CheckContext;
import dev.mailwarden.CheckResult;
import dev.mailwarden.MailSession;
import dev.mailwarden.Weights;
import dev.mailwarden.dns.ZoneResolver;
import dev.mailwarden.dnsbl.Dnsbl;
import dev.mailwarden.dnsbl.DnsblChecker;
import dev.mailwarden.dnsbl.DnsblResult;
import dev.mailwarden.dnsbl.DnsblWeights;
import dev.mailwarden.dnsbl.Dnswl;
import java.net.InetAddress;
import java.net.UnknownHostException;
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

/**
 * A cached lookup of one client address against three lists, and its score.
 *
 * <ul>
 *   <li>{@code evaluate_mailwarden}: the library's real per-check path, what {@code MailWarden}
 *       calls for a registered DNSBL checker: {@code checker.check(ctx)} on {@code
 *       Dnsbl.check(spamhausZen, bl.example, dnswl)} (health probes on, as configured by default),
 *       then its registration weights {@code DnsblWeights} (5, 2, -1) score the result. The answers
 *       are cached (the group's per-address result cache was filled in setup), so this is the hit
 *       path a gateway sees for a returning client: address key, one cache read, one ticker read,
 *       the due-probe check. The evaluation orchestration of {@code MailWarden} itself is not
 *       included (it is the same for every checker and is the core's own benchmark).
 *   <li>{@code evaluate_naive}: the usual hand-written DNSBL code: for each of the three zones,
 *       build the query name with {@code String.split} and concatenation, look it up in a {@code
 *       ConcurrentHashMap} cache of answers, add the weight if it is a listing.
 * </ul>
 *
 * Both score the same answers (listed in ZEN, not listed in the other two).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DnsblBenchmark {
  private static final String[] ZONES = {"zen.spamhaus.org", "bl.example", "list.dnswl.example"};
  private static final double[] WEIGHTS = {5.0, 2.0, -1.0};

  @Param({"v4", "v6"})
  String family;

  private InetAddress client;
  private DnsblChecker group;
  private CheckContext context;
  private Weights weights;
  private ConcurrentHashMap<String, String> naiveCache;

  @Setup
  public void setup() throws UnknownHostException {
    client = InetAddress.getByName(family.equals("v4") ? "192.0.2.1" : "2001:db8:1:2:3:4:567:89ab");
    String testPoints =
        "2.0.0.127 3600 IN A 127.0.0.2\n"
            + "2.0.0.0.0.0.f.7.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0 3600 IN A 127.0.0.2\n";
    StringBuilder zones = new StringBuilder();
    for (String z : ZONES) {
      zones
          .append("$ORIGIN ")
          .append(z)
          .append(".\n")
          .append("@ 3600 IN SOA ns hostmaster 1 3600 600 86400 3600\n")
          .append(testPoints);
    }
    String zenName = naiveQueryName(client, ZONES[0]);
    zones.append("$ORIGIN .\n").append(zenName).append(". 3600 IN A 127.0.0.2\n");
    ZoneResolver dns = ZoneResolver.builder().zone(zones.toString()).build();

    group =
        Dnsbl.check(
            Dnsbl.spamhausZen().txtReason(false),
            Dnsbl.parse("bl.example"),
            Dnswl.parse("list.dnswl.example"));
    context = CheckContext.builder(MailSession.builder().clientIp(client).build(), dns).build();
    // the naive baseline's weights (WEIGHTS), given at registration
    weights =
        DnsblWeights.builder()
            .list("zen.spamhaus.org", 5.0)
            .list("bl.example", 2.0)
            .list("list.dnswl.example", -1.0)
            .build();
    DnsblResult warm = group.check(context).join();
    if (weights.score(warm) != 5.0) {
      throw new IllegalStateException("unexpected warm-up result: " + warm + " " + warm.lists());
    }

    naiveCache = new ConcurrentHashMap<>();
    for (String z : ZONES) {
      String name = naiveQueryName(client, z);
      naiveCache.put(name, name.equals(zenName) ? "127.0.0.2" : "NXDOMAIN");
    }
    if (evaluate_naive() != 5.0) {
      throw new IllegalStateException("naive baseline scores differently");
    }
  }

  @Benchmark
  public double evaluate_mailwarden() {
    CheckResult r = group.check(context).join();
    return weights.score(r);
  }

  @Benchmark
  public double evaluate_naive() {
    double score = 0;
    for (int i = 0; i < ZONES.length; i++) {
      String answer = naiveCache.get(naiveQueryName(client, ZONES[i]));
      if (answer != null && answer.startsWith("127.")) {
        score += WEIGHTS[i];
      }
    }
    return score;
  }

  /** The query name the way most hand-written DNSBL code builds it. */
  static String naiveQueryName(InetAddress ip, String zone) {
    String text = ip.getHostAddress();
    if (text.indexOf(':') < 0) {
      String[] o = text.split("\\.");
      return o[3] + "." + o[2] + "." + o[1] + "." + o[0] + "." + zone;
    }
    String[] groups = text.split(":");
    String hex = "";
    for (String g : groups) {
      hex += String.format("%4s", g).replace(' ', '0');
    }
    String name = "";
    for (int i = hex.length() - 1; i >= 0; i--) {
      name += hex.charAt(i) + ".";
    }
    return name + zone;
  }
}
