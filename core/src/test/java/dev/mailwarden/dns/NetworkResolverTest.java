package dev.mailwarden.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** The NIO transport; {@link DnsjavaNetworkResolverTest} runs the same tests over dnsjava's. */
class NetworkResolverTest {
  private final List<AutoCloseable> toClose = new ArrayList<>();

  /** The transport under test. */
  NetworkResolver.TransportKind kind() {
    return NetworkResolver.TransportKind.NIO;
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  FakeDnsServer server(FakeDnsServer.Handler handler) {
    FakeDnsServer s = new FakeDnsServer(handler);
    toClose.add(s);
    return s;
  }

  NetworkResolver resolver(Duration timeout, int tries, InetSocketAddress... servers) {
    NetworkResolver.Builder b =
        NetworkResolver.builder().timeout(timeout).tries(tries).transport(kind());
    for (InetSocketAddress s : servers) {
      b.server(s);
    }
    NetworkResolver r = b.build();
    toClose.add(r);
    return r;
  }

  NetworkResolver resolver(FakeDnsServer s) {
    return resolver(Duration.ofSeconds(2), 1, s.address());
  }

  static DnsAnswer get(CompletableFuture<DnsAnswer> f) throws Exception {
    return f.get(10, TimeUnit.SECONDS);
  }

  static Message response(Message query) {
    Message r = new Message(query.getHeader().getID());
    r.getHeader().setFlag(Flags.QR);
    r.getHeader().setFlag(Flags.RD);
    r.getHeader().setFlag(Flags.RA);
    r.addRecord(query.getQuestion(), Section.QUESTION);
    return r;
  }

  static Name name(String s) throws IOException {
    return Name.fromString(s, Name.root);
  }

  static Record a(String owner, long ttl, String ip) throws IOException {
    return new ARecord(name(owner), DClass.IN, ttl, InetAddress.getByName(ip));
  }

  static SOARecord soa(String zone, long ttl, long minimum) throws IOException {
    return new SOARecord(
        name(zone),
        DClass.IN,
        ttl,
        name("ns." + zone),
        name("admin." + zone),
        1,
        3600,
        600,
        86400,
        minimum);
  }

  /** Answers A queries for any name with 192.0.2.1, TTL 300. */
  /** A reply with the next ID and a forged address (203.0.113.66), then the real answer. */
  static List<byte[]> forgedIdThenRealAnswer(Message q) throws IOException {
    Message wrong = response(q);
    wrong.getHeader().setID((q.getHeader().getID() + 1) & 0xffff);
    wrong.addRecord(a("example.com", 300, "203.0.113.66"), Section.ANSWER);
    return List.of(wrong.toWire(), answerA(q).get(0));
  }

  /** The real answer with its last three bytes cut off: it does not parse. */
  static List<byte[]> cutShort(Message q) throws IOException {
    byte[] wire = answerA(q).get(0);
    return List.of(java.util.Arrays.copyOf(wire, wire.length - 3));
  }

  static List<byte[]> answerA(Message q) throws IOException {
    Message r = response(q);
    r.addRecord(a(q.getQuestion().getName().toString(), 300, "192.0.2.1"), Section.ANSWER);
    return List.of(r.toWire());
  }

  @Test
  void noerror_returnsRecords_withSmallestTtl() throws Exception {
    FakeDnsServer s =
        server(
            q -> {
              Message r = response(q);
              r.addRecord(a("mail.example.com", 300, "192.0.2.1"), Section.ANSWER);
              r.addRecord(a("mail.example.com", 120, "192.0.2.2"), Section.ANSWER);
              return List.of(r.toWire());
            });

    DnsAnswer answer = get(resolver(s).lookup("mail.example.com", RecordType.A));

    assertThat(answer.status()).isEqualTo(DnsStatus.NOERROR);
    assertThat(answer.addresses())
        .containsExactly(InetAddress.getByName("192.0.2.1"), InetAddress.getByName("192.0.2.2"));
    assertThat(answer.ttlSeconds()).isEqualTo(120);
    assertThat(answer.name()).isEqualTo("mail.example.com");
  }

  @Test
  void query_isAbsolute_withRecursionDesired_andOneQuestion() throws Exception {
    FakeDnsServer s = server(NetworkResolverTest::answerA);

    get(resolver(s).lookup("host", RecordType.A));

    Message q = s.udpQueries.get(0);
    assertThat(q.getHeader().getFlag(Flags.RD)).isTrue();
    assertThat(q.getQuestion().getName()).isEqualTo(name("host"));
    assertThat(q.getQuestion().getType()).isEqualTo(Type.A);
    assertThat(q.getQuestion().getDClass()).isEqualTo(DClass.IN);
  }

  @Test
  void queryIds_andSourcePorts_vary() throws Exception {
    FakeDnsServer s = server(NetworkResolverTest::answerA);
    NetworkResolver r = resolver(s);

    for (int i = 0; i < 40; i++) {
      get(r.lookup("n" + i + ".example", RecordType.A));
    }

    Set<Integer> ids = new HashSet<>();
    for (Message q : s.udpQueries) {
      ids.add(q.getHeader().getID());
    }
    assertThat(ids).hasSizeGreaterThan(30);
    assertThat(new HashSet<>(s.udpSourcePorts)).hasSizeGreaterThan(2);
  }

  @Test
  void replyWithWrongId_isIgnored_andTheRightOneAccepted() throws Exception {
    FakeDnsServer s = server(NetworkResolverTest::forgedIdThenRealAnswer);

    DnsAnswer answer = get(resolver(s).lookup("example.com", RecordType.A));

    assertThat(answer.addresses()).containsExactly(InetAddress.getByName("192.0.2.1"));
  }

  @Test
  void replyForAnotherQuestion_isNeverUsed() throws Exception {
    FakeDnsServer s =
        server(
            q -> {
              Message other = new Message(q.getHeader().getID());
              other.getHeader().setFlag(Flags.QR);
              other.addRecord(
                  Record.newRecord(name("evil.example"), Type.A, DClass.IN), Section.QUESTION);
              other.addRecord(a("evil.example", 300, "203.0.113.66"), Section.ANSWER);
              Message otherType = response(q);
              otherType.removeAllRecords(Section.QUESTION);
              otherType.addRecord(
                  Record.newRecord(q.getQuestion().getName(), Type.TXT, DClass.IN),
                  Section.QUESTION);
              return List.of(other.toWire(), otherType.toWire());
            });

    DnsAnswer answer =
        get(resolver(Duration.ofMillis(300), 1, s.address()).lookup("example.com", RecordType.A));

    assertThat(answer.status()).isEqualTo(DnsStatus.TIMEOUT);
  }

  @Test
  void questionName_isComparedWithoutCase() throws Exception {
    FakeDnsServer s =
        server(
            q -> {
              Message r = new Message(q.getHeader().getID());
              r.getHeader().setFlag(Flags.QR);
              r.addRecord(
                  Record.newRecord(name("EXAMPLE.Com"), Type.A, DClass.IN), Section.QUESTION);
              r.addRecord(a("EXAMPLE.Com", 300, "192.0.2.7"), Section.ANSWER);
              return List.of(r.toWire());
            });

    DnsAnswer answer = get(resolver(s).lookup("example.com", RecordType.A));

    assertThat(answer.addresses()).containsExactly(InetAddress.getByName("192.0.2.7"));
  }

  @Test
  void replyFromAnotherPort_isIgnored() throws Exception {
    FakeDnsServer s = server(NetworkResolverTest::answerA);
    DatagramSocket spoofer =
        new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    toClose.add(spoofer);
    s.replyFrom = spoofer;

    DnsAnswer answer =
        get(resolver(Duration.ofMillis(300), 1, s.address()).lookup("example.com", RecordType.A));

    assertThat(answer.status()).isEqualTo(DnsStatus.TIMEOUT);
  }

  @Test
  void truncatedReply_isRetriedOverTcp() throws Exception {
    FakeDnsServer s =
        server(
            q -> {
              Message r = response(q);
              r.getHeader().setFlag(Flags.TC);
              return List.of(r.toWire());
            });
    s.tcpHandler =
        q -> {
          Message r = response(q);
          for (int i = 0; i < 20; i++) {
            r.addRecord(
                new TXTRecord(q.getQuestion().getName(), DClass.IN, 300, "x".repeat(200) + i),
                Section.ANSWER);
          }
          return List.of(r.toWire());
        };

    DnsAnswer answer = get(resolver(s).lookup("big.example", RecordType.TXT));

    assertThat(answer.status()).isEqualTo(DnsStatus.NOERROR);
    assertThat(answer.txts()).hasSize(20);
    assertThat(s.tcpQueries).hasSize(1);
  }

  @Test
  void malformedReply_isServfail_withDetail() throws Exception {
    FakeDnsServer s = server(NetworkResolverTest::cutShort);

    DnsAnswer answer = get(resolver(s).lookup("example.com", RecordType.A));

    assertThat(answer.status()).isEqualTo(DnsStatus.SERVFAIL);
    assertThat(answer.detail()).get().asString().contains("malformed");
  }

  @Test
  void tinyGarbage_isIgnored_untilTimeout() throws Exception {
    FakeDnsServer s = server(q -> List.of(new byte[] {1, 2, 3}));

    DnsAnswer answer =
        get(resolver(Duration.ofMillis(200), 1, s.address()).lookup("example.com", RecordType.A));

    assertThat(answer.status()).isEqualTo(DnsStatus.TIMEOUT);
  }

  @Test
  void silence_isTimeout_afterAllTries_withinTheTimeouts() throws Exception {
    FakeDnsServer s = server(q -> List.of());
    NetworkResolver r = resolver(Duration.ofMillis(200), 2, s.address());

    long start = System.nanoTime();
    DnsAnswer answer = get(r.lookup("example.com", RecordType.A));
    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(answer.status()).isEqualTo(DnsStatus.TIMEOUT);
    assertThat(answer.detail()).get().asString().contains("2 tries");
    assertThat(s.udpQueries).hasSize(2);
    assertThat(elapsedMs).isBetween(350L, 2_000L);
  }

  @Test
  void silentFirstServer_fallsBackToTheNext() throws Exception {
    FakeDnsServer silent = server(q -> List.of());
    FakeDnsServer good = server(NetworkResolverTest::answerA);

    DnsAnswer answer =
        get(
            resolver(Duration.ofMillis(200), 1, silent.address(), good.address())
                .lookup("example.com", RecordType.A));

    assertThat(answer.status()).isEqualTo(DnsStatus.NOERROR);
    assertThat(silent.udpQueries).hasSize(1);
  }

  @Test
  void servfail_andRefused_areStatuses() throws Exception {
    for (int rcode : new int[] {Rcode.SERVFAIL, Rcode.REFUSED}) {
      FakeDnsServer s =
          server(
              q -> {
                Message r = response(q);
                r.getHeader().setRcode(rcode);
                return List.of(r.toWire());
              });

      DnsAnswer answer = get(resolver(s).lookup("example.com", RecordType.A));

      assertThat(answer.status())
          .isEqualTo(rcode == Rcode.SERVFAIL ? DnsStatus.SERVFAIL : DnsStatus.REFUSED);
    }
  }

  @Test
  void refusingFirstServer_fallsBackToTheNext() throws Exception {
    FakeDnsServer refusing =
        server(
            q -> {
              Message r = response(q);
              r.getHeader().setRcode(Rcode.REFUSED);
              return List.of(r.toWire());
            });
    FakeDnsServer good = server(NetworkResolverTest::answerA);

    DnsAnswer answer =
        get(
            resolver(Duration.ofSeconds(2), 2, refusing.address(), good.address())
                .lookup("example.com", RecordType.A));

    assertThat(answer.status()).isEqualTo(DnsStatus.NOERROR);
    assertThat(refusing.udpQueries).hasSize(1);
  }

  @Test
  void nxdomain_carriesTheSoaNegativeTtl() throws Exception {
    FakeDnsServer s =
        server(
            q -> {
              Message r = response(q);
              r.getHeader().setRcode(Rcode.NXDOMAIN);
              r.addRecord(soa("example.com", 900, 120), Section.AUTHORITY);
              return List.of(r.toWire());
            });

    DnsAnswer answer = get(resolver(s).lookup("nope.example.com", RecordType.A));

    assertThat(answer.status()).isEqualTo(DnsStatus.NXDOMAIN);
    assertThat(answer.ttlSeconds()).isEqualTo(120);
  }

  @Test
  void nodata_takesTheSmallerOfSoaTtlAndMinimum_orZeroWithoutSoa() throws Exception {
    AtomicReference<Boolean> withSoa = new AtomicReference<>(true);
    FakeDnsServer s =
        server(
            q -> {
              Message r = response(q);
              if (withSoa.get()) {
                r.addRecord(soa("example.com", 60, 3600), Section.AUTHORITY);
              }
              return List.of(r.toWire());
            });
    NetworkResolver r = resolver(s);

    DnsAnswer answer = get(r.lookup("example.com", RecordType.AAAA));
    withSoa.set(false);
    DnsAnswer bare = get(r.lookup("example.com", RecordType.AAAA));

    assertThat(answer.status()).isEqualTo(DnsStatus.NODATA);
    assertThat(answer.ttlSeconds()).isEqualTo(60);
    assertThat(bare.status()).isEqualTo(DnsStatus.NODATA);
    assertThat(bare.ttlSeconds()).isZero();
  }

  @Test
  void cnameChain_isFollowedInsideTheAnswer() throws Exception {
    FakeDnsServer s =
        server(
            q -> {
              Message r = response(q);
              r.addRecord(
                  new CNAMERecord(name("www.example.com"), DClass.IN, 300, name("web.example.net")),
                  Section.ANSWER);
              r.addRecord(
                  new CNAMERecord(name("web.example.net"), DClass.IN, 60, name("cdn.example.org")),
                  Section.ANSWER);
              r.addRecord(a("cdn.example.org", 600, "192.0.2.80"), Section.ANSWER);
              r.addRecord(a("unrelated.example", 600, "203.0.113.1"), Section.ANSWER);
              return List.of(r.toWire());
            });

    DnsAnswer answer = get(resolver(s).lookup("www.example.com", RecordType.A));

    assertThat(answer.addresses()).containsExactly(InetAddress.getByName("192.0.2.80"));
    assertThat(answer.ttlSeconds()).isEqualTo(60);
  }

  @Test
  void txt_keepsRawBytes_andMx_hasNoTrailingDot() throws Exception {
    FakeDnsServer s =
        server(
            q -> {
              Message r = response(q);
              if (q.getQuestion().getType() == Type.TXT) {
                r.addRecord(
                    new TXTRecord(
                        q.getQuestion().getName(),
                        DClass.IN,
                        300,
                        List.of("caf\\195\\169", "\\255end")),
                    Section.ANSWER);
              } else {
                r.addRecord(
                    new MXRecord(
                        q.getQuestion().getName(), DClass.IN, 300, 10, name("mx1.example.com")),
                    Section.ANSWER);
              }
              return List.of(r.toWire());
            });
    NetworkResolver r = resolver(s);

    DnsAnswer txt = get(r.lookup("example.com", RecordType.TXT));
    DnsAnswer mx = get(r.lookup("example.com.", RecordType.MX));

    DnsRecord.Txt t = txt.txts().get(0);
    assertThat(t.stringCount()).isEqualTo(2);
    assertThat(t.string(0)).isEqualTo("café".getBytes(StandardCharsets.UTF_8));
    assertThat(t.string(1)).containsExactly((byte) 0xff, 'e', 'n', 'd');
    assertThat(mx.mxs()).containsExactly(new DnsRecord.Mx(10, "mx1.example.com"));
    assertThat(mx.name()).isEqualTo("example.com");
  }

  @Test
  void invalidName_isNxdomain_withoutAQuery() throws Exception {
    FakeDnsServer s = server(NetworkResolverTest::answerA);

    DnsAnswer answer = get(resolver(s).lookup("a..b", RecordType.A));
    DnsAnswer tooLong = get(resolver(s).lookup("x".repeat(64) + ".example", RecordType.A));

    assertThat(answer.status()).isEqualTo(DnsStatus.NXDOMAIN);
    assertThat(tooLong.status()).isEqualTo(DnsStatus.NXDOMAIN);
    assertThat(s.udpQueries).isEmpty();
  }

  @Test
  void answers_completeOnTheGivenExecutor() throws Exception {
    // the answer comes late, so the continuation below is attached before it completes (an answer
    // that beat it would run the continuation on this thread, which says nothing of the executor)
    FakeDnsServer s =
        server(
            q -> {
              try {
                Thread.sleep(200);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return answerA(q);
            });
    ExecutorService executor =
        Executors.newSingleThreadExecutor(r -> new Thread(r, "test-completion"));
    toClose.add(executor::shutdownNow);
    NetworkResolver r =
        NetworkResolver.builder().server(s.address()).executor(executor).transport(kind()).build();
    toClose.add(r);

    String thread =
        r.lookup("example.com", RecordType.A)
            .thenApply(a -> Thread.currentThread().getName())
            .get(10, TimeUnit.SECONDS);

    assertThat(thread).isEqualTo("test-completion");
  }

  @Test
  void close_completesPendingLookupsWithTimeout_andLaterOnesToo() throws Exception {
    FakeDnsServer s = server(q -> List.of());
    NetworkResolver r = resolver(Duration.ofSeconds(30), 1, s.address());
    CompletableFuture<DnsAnswer> pending = r.lookup("example.com", RecordType.A);

    r.close();

    assertThat(get(pending).status()).isEqualTo(DnsStatus.TIMEOUT);
    assertThat(get(r.lookup("example.com", RecordType.A)).status()).isEqualTo(DnsStatus.TIMEOUT);
    r.close(); // idempotent
  }

  @Test
  void corruptedReplies_neverFailTheFuture() throws Exception {
    java.util.Random random = new java.util.Random(7);
    FakeDnsServer s =
        server(
            q -> {
              Message r = response(q);
              r.addRecord(soa("example.com", 60, 60), Section.AUTHORITY);
              r.addRecord(
                  new MXRecord(
                      q.getQuestion().getName(), DClass.IN, 300, 10, name("mx.example.com")),
                  Section.ANSWER);
              byte[] wire = r.toWire();
              synchronized (random) {
                int flips = 1 + random.nextInt(6);
                for (int i = 0; i < flips; i++) {
                  int at =
                      2 + random.nextInt(wire.length - 2); // keep the ID so the reply is considered
                  wire[at] = (byte) random.nextInt(256);
                }
                if (random.nextBoolean()) {
                  wire = java.util.Arrays.copyOf(wire, 12 + random.nextInt(wire.length - 12));
                }
              }
              return List.of(wire);
            });
    NetworkResolver r = resolver(Duration.ofMillis(300), 1, s.address());
    List<CompletableFuture<DnsAnswer>> futures = new ArrayList<>();

    for (int i = 0; i < 300; i++) {
      futures.add(r.lookup("n" + i + ".example.com", RecordType.MX));
    }

    Set<DnsStatus> seen = new HashSet<>();
    for (CompletableFuture<DnsAnswer> f : futures) {
      seen.add(get(f).status()); // get() throws if a future failed
    }
    assertThat(seen).contains(DnsStatus.SERVFAIL);
  }

  @Test
  void sourceSockets_areRotated_afterManyQueries() throws Exception {
    FakeDnsServer s = server(NetworkResolverTest::answerA);
    NetworkResolver r = resolver(Duration.ofSeconds(2), 3, s.address());

    int total = 8 * 4096 + 4096;
    for (int batch = 0; batch < total / 256; batch++) {
      List<CompletableFuture<DnsAnswer>> futures = new ArrayList<>();
      for (int i = 0; i < 256; i++) {
        futures.add(r.lookup("h.example", RecordType.A));
      }
      for (CompletableFuture<DnsAnswer> f : futures) {
        assertThat(get(f).status()).isEqualTo(DnsStatus.NOERROR);
      }
    }

    assertThat(new HashSet<>(s.udpSourcePorts)).hasSizeGreaterThan(8);
  }

  @Test
  void manyConcurrentQueries_allAnswered() throws Exception {
    FakeDnsServer s = server(NetworkResolverTest::answerA);
    NetworkResolver r = resolver(s);
    List<CompletableFuture<DnsAnswer>> futures = new ArrayList<>();

    for (int i = 0; i < 200; i++) {
      futures.add(r.lookup("n" + i + ".example", RecordType.A));
    }

    for (int i = 0; i < futures.size(); i++) {
      DnsAnswer a = get(futures.get(i));
      assertThat(a.status()).isEqualTo(DnsStatus.NOERROR);
      assertThat(a.name()).isEqualTo("n" + i + ".example");
    }
  }
}
