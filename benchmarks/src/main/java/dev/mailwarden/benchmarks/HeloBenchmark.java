package dev.mailwarden.benchmarks;

import com.google.common.net.InetAddresses;
import dev.mailwarden.CheckContext;
import dev.mailwarden.MailSession;
import dev.mailwarden.auth.helo.Helo;
import dev.mailwarden.auth.helo.HeloResult;
import dev.mailwarden.auth.helo.Iprev;
import dev.mailwarden.auth.helo.IprevResult;
import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsResolver;
import dev.mailwarden.dns.ZoneResolver;
import java.net.InetAddress;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
 * HELO sanity and iprev on one session, DNS answered by an in-memory zone whose futures are already
 * complete: this measures the checks' own work (parsing, PSL, patterns, futures), not the network.
 * No Java peer implements these checks, so there is no peer column.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HeloBenchmark {

  @Param({"bigSender", "residential", "literal", "invalid"})
  public String kind;

  private final Helo helo = Helo.check();
  private final Iprev iprev = Iprev.check();
  private CheckContext context;

  @Setup
  public void setUp() {
    ZoneResolver zone =
        ZoneResolver.builder()
            .address("mail-wm1-f41.google.com", "209.85.128.41")
            .ptr("41.128.85.209.in-addr.arpa", "mail-wm1-f41.google.com")
            .address("c-73-15-22-101.hsd1.ca.comcast.net", "73.15.22.101")
            .ptr("101.22.15.73.in-addr.arpa", "c-73-15-22-101.hsd1.ca.comcast.net")
            .build();
    // answers computed once and served as completed futures: ZoneResolver logs every query,
    // which would grow without bound over a benchmark run
    Map<String, CompletableFuture<DnsAnswer>> answers = new ConcurrentHashMap<>();
    DnsResolver dns =
        (n, t) ->
            answers.computeIfAbsent(
                n.toLowerCase(Locale.ROOT) + "|" + t,
                k -> CompletableFuture.completedFuture(zone.lookup(n, t).join()));
    String client;
    String name;
    switch (kind) {
      case "bigSender" -> {
        client = "209.85.128.41";
        name = "mail-wm1-f41.google.com";
      }
      case "residential" -> {
        client = "73.15.22.101";
        name = "c-73-15-22-101.hsd1.ca.comcast.net";
      }
      case "literal" -> {
        client = "73.15.22.101";
        name = "[192.168.1.10]";
      }
      default -> {
        client = "73.15.22.101";
        name = "bad_name.example";
      }
    }
    InetAddress ip = InetAddresses.forString(client);
    MailSession session =
        MailSession.builder().clientIp(ip).helo(name).mailFrom("a@example.com").build();
    context = CheckContext.forTesting(session, dns);
  }

  @Benchmark
  public HeloResult sanity_mailwarden() {
    return helo.check(context).join();
  }

  @Benchmark
  public IprevResult iprev_mailwarden() {
    return iprev.check(context).join();
  }
}
