package dev.mailwarden.benchmarks;

import com.google.common.net.InetAddresses;
import dev.mailwarden.CheckContext;
import dev.mailwarden.Checker;
import dev.mailwarden.MailSession;
import dev.mailwarden.auth.spf.Spf;
import dev.mailwarden.auth.spf.SpfEngine;
import dev.mailwarden.auth.spf.SpfResult;
import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsResolver;
import dev.mailwarden.dns.RecordType;
import dev.mailwarden.dns.ZoneResolver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.james.jspf.impl.DefaultSPF;
import org.apache.james.jspf.impl.SPF;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Master;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.SetResponse;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Zone;

/**
 * One SPF evaluation of a typical record chain: a record with ip4, ip6, two includes, a and mx,
 * every answer already cached, so this measures the engines and not the network.
 *
 * <ul>
 *   <li>{@code evaluate_mailwarden}: {@code Spf.check()} with the native engine over a resolver
 *       that hands out completed futures of answers computed once;
 *   <li>{@code evaluate_jspf}: the same checker with the jSPF engine (jSPF 1.0.5 behind our DNS
 *       service) over the same resolver, on a direct executor (no thread hand-off measured);
 *   <li>{@code evaluate_jspfshipped}: jSPF as shipped, {@code new DefaultSPF()} over its own
 *       dnsjava layer ({@code Lookup} with dnsjava's default cache). dnsjava's default resolver is
 *       an in-memory {@link Resolver} answering from a dnsjava {@link Zone} holding the same
 *       records: the closest honest equivalent of "a dnsjava resolver pointed at the same zone",
 *       since after the first (unmeasured) evaluation every answer comes from dnsjava's cache. With
 *       {@code -Dspf.nsd=127.0.0.1:PORT} (JMH: {@code -jvmArgsAppend}) dnsjava's default resolver
 *       is a {@code SimpleResolver} pointed at a real server serving {@link #ZONE}.
 * </ul>
 *
 * <p>Cases: {@code pass}: the client matches the last mechanism (mx), so the whole chain is
 * evaluated; {@code fail}: nothing matches and {@code -all} gives fail with the default
 * explanation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SpfBenchmark {
  static final String ZONE =
      """
      $ORIGIN example.com.
      $TTL 86400
      @      IN SOA ns.example.com. hostmaster.example.com. 1 3600 600 86400 86400
      @      IN NS  ns.example.com.
      ns     IN A   192.0.2.53
      @      IN TXT "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 include:_spf1.example.com include:_spf2.example.com a mx -all"
      _spf1  IN TXT "v=spf1 ip4:198.51.100.0/24 ip4:203.0.113.0/26 ip6:2001:db8:1::/48 ~all"
      _spf2  IN TXT "v=spf1 ip4:203.0.113.128/25 a:relay.example.com ~all"
      relay  IN A   203.0.113.90
      @      IN A   203.0.113.70
      @      IN MX  10 mx1.example.com.
      mx1    IN A   203.0.113.80
      """;

  @Param({"pass", "fail"})
  String result;

  private Checker<SpfResult> nativeChecker;
  private Checker<SpfResult> jspfChecker;
  private CheckContext context;
  private SPF shipped;
  private String ip;

  @Setup
  public void setup() throws IOException {
    ip = result.equals("pass") ? "203.0.113.80" : "198.18.0.1";
    MailSession session =
        MailSession.builder()
            .clientIp(InetAddresses.forString(ip))
            .helo("mail.example.net")
            .mailFrom("alice@example.com")
            .build();
    DnsResolver answers = new AnswersComputedOnce(ZoneResolver.of(ZONE));
    Executor direct = Runnable::run;
    context =
        CheckContext.builder(session, answers)
            .executor(direct)
            .deadline(Duration.ofDays(1))
            .build();
    nativeChecker = Spf.builder().engine(SpfEngine.nativeEngine()).build();
    jspfChecker = Spf.builder().engine(SpfEngine.jspf(direct)).build();

    String nsd = System.getProperty("spf.nsd"); // host:port of an NSD serving ZONE, optional
    if (nsd != null) {
      int colon = nsd.lastIndexOf(':');
      org.xbill.DNS.SimpleResolver server =
          new org.xbill.DNS.SimpleResolver(nsd.substring(0, colon));
      server.setPort(Integer.parseInt(nsd.substring(colon + 1)));
      Lookup.setDefaultResolver(server);
    } else {
      Lookup.setDefaultResolver(new InMemoryDnsjavaResolver(zone()));
    }
    shipped = new DefaultSPF();

    check(evaluate_mailwarden().outcome().token(), "mailwarden");
    check(evaluate_jspf().outcome().token(), "jspf");
    check(evaluate_jspfshipped(), "jspfshipped");
  }

  private void check(String got, String who) {
    if (!got.equals(result)) {
      throw new IllegalStateException(who + " gave " + got + ", expected " + result);
    }
  }

  @Benchmark
  public SpfResult evaluate_mailwarden() {
    return nativeChecker.check(context).join();
  }

  @Benchmark
  public SpfResult evaluate_jspf() {
    return jspfChecker.check(context).join();
  }

  @Benchmark
  public String evaluate_jspfshipped() {
    return shipped.checkSPF(ip, "alice@example.com", "mail.example.net").getResult();
  }

  private static Zone zone() throws IOException {
    List<Record> records = new ArrayList<>();
    try (Master m = new Master(new ByteArrayInputStream(ZONE.getBytes(StandardCharsets.UTF_8)))) {
      Record r;
      while ((r = m.nextRecord()) != null) {
        records.add(r);
      }
    }
    return new Zone(Name.fromString("example.com."), records.toArray(new Record[0]));
  }

  /** Completed futures of answers computed once per (name, type): "every answer cached". */
  static final class AnswersComputedOnce implements DnsResolver {
    private final DnsResolver zone;
    private final List<ConcurrentHashMap<String, CompletableFuture<DnsAnswer>>> byType =
        new ArrayList<>();

    AnswersComputedOnce(DnsResolver zone) {
      this.zone = zone;
      for (int i = 0; i < RecordType.values().length; i++) {
        byType.add(new ConcurrentHashMap<>());
      }
    }

    @Override
    public CompletableFuture<DnsAnswer> lookup(String name, RecordType type) {
      String key = name.toLowerCase(Locale.ROOT);
      ConcurrentHashMap<String, CompletableFuture<DnsAnswer>> map = byType.get(type.ordinal());
      CompletableFuture<DnsAnswer> f = map.get(key);
      return f != null ? f : map.computeIfAbsent(key, k -> zone.lookup(k, type));
    }
  }

  /** A dnsjava resolver answering authoritatively from a dnsjava zone in memory. */
  static final class InMemoryDnsjavaResolver implements Resolver {
    private final Zone zone;

    InMemoryDnsjavaResolver(Zone zone) {
      this.zone = zone;
    }

    @Override
    public CompletionStage<Message> sendAsync(Message query) {
      return CompletableFuture.completedFuture(answer(query));
    }

    @Override
    public CompletionStage<Message> sendAsync(Message query, Executor executor) {
      return CompletableFuture.completedFuture(answer(query));
    }

    private Message answer(Message query) {
      Record q = query.getQuestion();
      Message m = new Message(query.getHeader().getID());
      m.getHeader().setFlag(Flags.QR);
      m.getHeader().setFlag(Flags.AA);
      m.addRecord(q, Section.QUESTION);
      SetResponse sr =
          q.getName().subdomain(zone.getOrigin())
              ? zone.findRecords(q.getName(), q.getType())
              : null;
      if (sr == null || sr.isNXDOMAIN()) {
        m.getHeader().setRcode(Rcode.NXDOMAIN);
        m.addRecord(zone.getSOA(), Section.AUTHORITY);
      } else if (sr.isSuccessful()) {
        for (RRset set : sr.answers()) {
          for (Record r : set.rrs()) {
            m.addRecord(r, Section.ANSWER);
          }
        }
      } else {
        m.addRecord(zone.getSOA(), Section.AUTHORITY);
      }
      return m;
    }

    @Override
    public void setPort(int port) {}

    @Override
    public void setTCP(boolean flag) {}

    @Override
    public void setIgnoreTruncation(boolean flag) {}

    @Override
    public void setEDNS(int version, int payloadSize, int flags, List<EDNSOption> options) {}

    @Override
    public void setTSIGKey(TSIG key) {}

    @Override
    public void setTimeout(Duration timeout) {}
  }
}
