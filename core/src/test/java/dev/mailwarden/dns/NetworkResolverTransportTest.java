package dev.mailwarden.dns;

import static dev.mailwarden.dns.NetworkResolverTest.a;
import static dev.mailwarden.dns.NetworkResolverTest.answerA;
import static dev.mailwarden.dns.NetworkResolverTest.name;
import static dev.mailwarden.dns.NetworkResolverTest.response;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** The NIO transport's back-pressure, spoofing resistance, loss handling, rotation and stats. */
class NetworkResolverTransportTest {
  private static final InetAddress REAL = addr("192.0.2.1");
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private static InetAddress addr(String ip) {
    try {
      return InetAddress.getByName(ip);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private <T extends AutoCloseable> T closing(T c) {
    toClose.add(c);
    return c;
  }

  private static DnsAnswer get(CompletableFuture<DnsAnswer> f) throws Exception {
    return f.get(20, TimeUnit.SECONDS);
  }

  @Test
  void backPressure_excessQueriesWaitForASlot_andOverflowIsRefusedAtOnce() throws Exception {
    AtomicInteger seen = new AtomicInteger();
    // silent to the first two queries, so their first tries hold both slots for one timeout
    FakeDnsServer s =
        closing(new FakeDnsServer(q -> seen.incrementAndGet() <= 2 ? List.of() : answerA(q)));
    NetworkResolver r =
        closing(
            NetworkResolver.builder()
                .server(s.address())
                .timeout(Duration.ofMillis(400))
                .tries(2)
                .maxInFlight(2)
                .maxWaiting(2)
                .build());

    List<CompletableFuture<DnsAnswer>> admitted = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      admitted.add(r.lookup("q" + i + ".example", RecordType.A));
    }
    CompletableFuture<DnsAnswer> overflow = r.lookup("overflow.example", RecordType.A);

    DnsAnswer refused = overflow.getNow(null);
    assertThat(refused).isNotNull();
    assertThat(refused.status()).isEqualTo(DnsStatus.TIMEOUT);
    assertThat(refused.detail()).get().asString().contains("overloaded");
    Thread.sleep(150);
    assertThat(s.udpQueries).hasSize(2); // the waiting two are not sent yet
    NetworkResolver.Stats during = r.stats();
    assertThat(during.inFlight()).isEqualTo(2);
    assertThat(during.waiting()).isEqualTo(2);
    for (int i = 0; i < 4; i++) {
      DnsAnswer a = get(admitted.get(i));
      assertThat(a.status()).isEqualTo(DnsStatus.NOERROR);
      assertThat(a.name()).isEqualTo("q" + i + ".example");
    }
    assertThat(s.udpQueries).hasSize(6); // 2 silent first tries, 2 retries, 2 former waiters
    NetworkResolver.Stats after = r.stats();
    assertThat(after.inFlight()).isZero();
    assertThat(after.waiting()).isZero();
    assertThat(after.overloaded()).isEqualTo(1);
    assertThat(after.timeouts()).isEqualTo(2);
  }

  @Test
  void waitingQuery_endsWithinItsBudget_whenNoSlotFrees() throws Exception {
    FakeDnsServer s = closing(new FakeDnsServer(q -> List.of()));
    long budgetMs = 300;
    NetworkResolver r =
        closing(
            NetworkResolver.builder()
                .server(s.address())
                .timeout(Duration.ofMillis(budgetMs))
                .tries(1)
                .maxInFlight(1)
                .maxWaiting(2)
                .build());

    long start = System.nanoTime();
    CompletableFuture<DnsAnswer> first = r.lookup("first.example", RecordType.A);
    CompletableFuture<DnsAnswer> second = r.lookup("second.example", RecordType.A);
    CompletableFuture<DnsAnswer> third = r.lookup("third.example", RecordType.A);
    DnsAnswer thirdAnswer = get(third);
    long thirdMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    // the slot frees when the first times out: the second gets it, the third's wait is spent
    assertThat(thirdAnswer.status()).isEqualTo(DnsStatus.TIMEOUT);
    assertThat(thirdAnswer.detail()).get().asString().contains("overloaded");
    assertThat(thirdMs).isBetween(budgetMs - 20, budgetMs + 1_000); // slack for a loaded machine
    assertThat(get(first).detail()).get().asString().contains("no answer");
    assertThat(get(second).detail()).get().asString().contains("no answer");
    assertThat(s.udpQueries)
        .extracting(m -> m.getQuestion().getName().toString())
        .containsExactly("first.example.", "second.example.");
    assertThat(r.stats().inFlight()).isZero();
    assertThat(r.stats().waiting()).isZero();
  }

  @Test
  void close_completesWaitingQueries() throws Exception {
    FakeDnsServer s = closing(new FakeDnsServer(q -> List.of()));
    NetworkResolver r =
        NetworkResolver.builder()
            .server(s.address())
            .timeout(Duration.ofSeconds(30))
            .maxInFlight(1)
            .build();
    CompletableFuture<DnsAnswer> sent = r.lookup("a.example", RecordType.A);
    CompletableFuture<DnsAnswer> waiting = r.lookup("b.example", RecordType.A);

    r.close();

    assertThat(get(sent).detail()).get().asString().contains("closed");
    assertThat(get(waiting).detail()).get().asString().contains("closed");
    assertThat(r.stats().inFlight()).isZero();
    assertThat(r.stats().waiting()).isZero();
  }

  @Test
  void outOfOrderReplies_areMatchedToTheirQueries() throws Exception {
    int n = 50;
    List<Message> held = new ArrayList<>();
    List<InetSocketAddress> from = new ArrayList<>();
    AtomicReference<FakeDnsServer> server = new AtomicReference<>();
    FakeDnsServer s =
        closing(
            new FakeDnsServer(
                q -> {
                  held.add(q);
                  from.add(server.get().currentSource);
                  if (held.size() == n) { // all in: answer newest first
                    for (int i = n - 1; i >= 0; i--) {
                      Message r = response(held.get(i));
                      String owner = held.get(i).getQuestion().getName().toString();
                      int index = Integer.parseInt(owner.substring(1, owner.indexOf('.')));
                      r.addRecord(a(owner, 300, "192.0.2." + index), Section.ANSWER);
                      byte[] wire = r.toWire();
                      server.get().udp.send(new DatagramPacket(wire, wire.length, from.get(i)));
                    }
                  }
                  return List.of();
                }));
    server.set(s);
    NetworkResolver r = closing(NetworkResolver.builder().server(s.address()).build());

    List<CompletableFuture<DnsAnswer>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      futures.add(r.lookup("n" + i + ".example", RecordType.A));
    }

    for (int i = 0; i < n; i++) {
      assertThat(get(futures.get(i)).addresses()).containsExactly(addr("192.0.2." + i));
    }
    assertThat(r.stats().answersAccepted()).isEqualTo(n);
    assertThat(r.stats().dropped()).isZero();
  }

  @Test
  void forgedReplies_areNeverAccepted_andEachIsCounted() throws Exception {
    DatagramSocket spoofer =
        closing(new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
    AtomicReference<FakeDnsServer> server = new AtomicReference<>();
    Set<Integer> ourPorts = java.util.concurrent.ConcurrentHashMap.newKeySet();
    AtomicInteger wrongId = new AtomicInteger();
    AtomicInteger wrongPort = new AtomicInteger();
    AtomicInteger wrongQuestion = new AtomicInteger();
    AtomicInteger otherSocket = new AtomicInteger();
    FakeDnsServer s =
        closing(
            new FakeDnsServer(
                q -> {
                  FakeDnsServer self = server.get();
                  InetSocketAddress client = self.currentSource;
                  ourPorts.add(client.getPort());
                  int id = q.getHeader().getID();
                  // right question, wrong ID, from the server
                  // (each counted before it is sent: the resolver may count it before this thread
                  // runs again, and the test reads these after the resolver's count)
                  int wrong = wrongId.getAndIncrement();
                  send(self.udp, forged(q, (id + 1 + wrong % 100) & 0xffff, null), client);
                  // right ID and question, from another port
                  wrongPort.incrementAndGet();
                  send(spoofer, forged(q, id, null), client);
                  // right ID, from the server, for another question
                  wrongQuestion.incrementAndGet();
                  send(self.udp, forged(q, id, "evil.example."), client);
                  // right ID and question, from the server, to another of the resolver's sockets
                  for (int port : ourPorts) {
                    if (port != client.getPort()) {
                      otherSocket.incrementAndGet();
                      send(
                          self.udp,
                          forged(q, id, null),
                          new InetSocketAddress(client.getAddress(), port));
                      break;
                    }
                  }
                  return answerA(q);
                }));
    server.set(s);
    NetworkResolver r = closing(NetworkResolver.builder().server(s.address()).build());
    long kernelDropsBefore = udpReceiveBufferDrops();

    List<CompletableFuture<DnsAnswer>> futures = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      futures.add(r.lookup("real" + i + ".example", RecordType.A));
    }

    for (int i = 0; i < futures.size(); i++) {
      DnsAnswer a = get(futures.get(i));
      assertThat(a.status()).isEqualTo(DnsStatus.NOERROR);
      assertThat(a.addresses()).containsExactly(REAL);
    }
    IntSupplier sent =
        () -> wrongId.get() + wrongPort.get() + wrongQuestion.get() + otherSocket.get();
    // A forgery sent to another of the resolver's sockets may be read after every answer is in,
    // and a retransmitted query brings forgeries of its own: wait until the drops catch up with
    // what was sent, counting both again each time, instead of reading them once.
    long waitUntil = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
    while (r.stats().dropped() < sent.getAsInt() && System.nanoTime() - waitUntil < 0) {
      Thread.sleep(10);
    }
    NetworkResolver.Stats stats = r.stats();
    int forged = sent.getAsInt(); // after the stats: never below what the resolver counted
    assertThat(otherSocket.get()).isPositive();
    assertThat(stats.answersAccepted()).isEqualTo(400);
    // Every forgery that reached the resolver is dropped and counted; one the kernel dropped
    // first (a receive buffer full in the burst, counted in /proc/net/snmp) never reached it.
    long lost = forged - stats.dropped();
    assertThat(lost).isBetween(0L, udpReceiveBufferDrops() - kernelDropsBefore);
    // datagrams from one sender arrive in order, so each forgery meets its pending query
    assertThat(stats.droppedWrongSource())
        .isBetween(wrongPort.get() - lost, (long) wrongPort.get());
    // ... except the forgery sent for a retransmission of a query already answered (the server saw
    // more than 400 queries when one timed out under load): it finds no pending query, an unknown
    // ID; the forgery for each of the 400 answered queries came before its answer. A forgery with
    // a wrong ID is an unknown ID too, unless that ID happens to be another query's pending on
    // the same socket (about one in 65,536 / queries in flight there): then its question differs
    assertThat(stats.droppedWrongQuestion())
        .isBetween(400 - lost, (long) wrongQuestion.get() + wrongId.get());
    assertThat(stats.droppedUnknownId()).isPositive();
    assertThat(stats.inFlight()).isZero();
  }

  /**
   * Datagrams this network namespace's kernel dropped because a UDP receive buffer was full (the
   * {@code RcvbufErrors} counter of {@code /proc/net/snmp}); 0 where that file is not readable.
   */
  private static long udpReceiveBufferDrops() throws java.io.IOException {
    java.nio.file.Path snmp = java.nio.file.Path.of("/proc/net/snmp");
    if (!java.nio.file.Files.isReadable(snmp)) {
      return 0;
    }
    List<String> udp =
        java.nio.file.Files.readAllLines(snmp).stream().filter(l -> l.startsWith("Udp:")).toList();
    if (udp.size() < 2) {
      return 0;
    }
    List<String> names = List.of(udp.get(0).trim().split("\\s+"));
    String[] values = udp.get(1).trim().split("\\s+");
    int i = names.indexOf("RcvbufErrors");
    return i < 0 ? 0 : Long.parseLong(values[i]);
  }

  private static byte[] forged(Message q, int id, String otherName) throws java.io.IOException {
    Message m = new Message(id);
    m.getHeader().setFlag(Flags.QR);
    String owner = otherName != null ? otherName : q.getQuestion().getName().toString();
    m.addRecord(Record.newRecord(name(owner), Type.A, DClass.IN), Section.QUESTION);
    m.addRecord(a(owner, 300, "203.0.113.66"), Section.ANSWER);
    return m.toWire();
  }

  private static void send(DatagramSocket from, byte[] wire, InetSocketAddress to)
      throws java.io.IOException {
    from.send(new DatagramPacket(wire, wire.length, to));
  }

  @Test
  void lossyPath_everyQueryEndsWithinItsDeadline_andNoSlotLeaks() throws Exception {
    FakeDnsServer s = closing(new FakeDnsServer(NetworkResolverTest::answerA));
    LossyUdpRelay relay = closing(new LossyUdpRelay(s.address(), 0.3, 42));
    long timeoutMs = 250;
    int tries = 3;
    NetworkResolver r =
        closing(
            NetworkResolver.builder()
                .server(relay.address())
                .timeout(Duration.ofMillis(timeoutMs))
                .tries(tries)
                .maxInFlight(128)
                .build());
    int n = 1_000;
    long[] elapsed = new long[n];
    List<CompletableFuture<DnsAnswer>> futures = new ArrayList<>();

    for (int i = 0; i < n; i++) {
      long start = System.nanoTime();
      int index = i;
      futures.add(
          r.lookup("lossy" + i + ".example", RecordType.A)
              .whenComplete((a, e) -> elapsed[index] = System.nanoTime() - start));
    }

    int answered = 0;
    for (int i = 0; i < n; i++) {
      DnsAnswer a = get(futures.get(i));
      assertThat(a.status()).isIn(DnsStatus.NOERROR, DnsStatus.TIMEOUT);
      if (a.status() == DnsStatus.NOERROR) {
        answered++;
        assertThat(a.name()).isEqualTo("lossy" + i + ".example");
        assertThat(a.addresses()).containsExactly(REAL);
      }
      // waiting for a slot (at most one budget) plus its own tries, plus scheduling slack
      assertThat(TimeUnit.NANOSECONDS.toMillis(elapsed[i]))
          .isLessThan(2L * tries * timeoutMs + 1_000);
    }
    NetworkResolver.Stats stats = r.stats();
    assertThat(relay.dropped.get()).isPositive();
    // about 87 % get through 3 tries at 30 % loss each way; fewer when a loaded machine makes
    // waiters run out of budget, which is also a correct ending
    assertThat(answered).isGreaterThan(n / 5);
    assertThat(stats.timeouts()).isPositive();
    assertThat(stats.inFlight()).isZero();
    assertThat(stats.waiting()).isZero();
  }

  @Test
  void sourceSockets_areRotated_byAge() throws Exception {
    FakeDnsServer s = closing(new FakeDnsServer(NetworkResolverTest::answerA));
    NetworkResolver r =
        closing(
            NetworkResolver.builder()
                .server(s.address())
                .sourcePortRotation(1_000_000, Duration.ofMillis(50))
                .build());

    for (int i = 0; i < 30; i++) {
      assertThat(get(r.lookup("h" + i + ".example", RecordType.A)).status())
          .isEqualTo(DnsStatus.NOERROR);
      Thread.sleep(20);
    }

    // 8 sockets, none used past 50 ms: far more than 8 distinct ports over 600 ms
    assertThat(new HashSet<>(s.udpSourcePorts)).hasSizeGreaterThan(12);
  }

  @Test
  void stats_countQueriesAnswersTimeoutsAndTcpRetries() throws Exception {
    FakeDnsServer s =
        closing(
            new FakeDnsServer(
                q -> {
                  String qname = q.getQuestion().getName().toString();
                  if (qname.startsWith("silent")) {
                    return List.of();
                  }
                  Message r = response(q);
                  r.getHeader().setFlag(Flags.TC);
                  return List.of(r.toWire());
                }));
    s.tcpHandler =
        q -> {
          Message r = response(q);
          r.addRecord(
              new TXTRecord(q.getQuestion().getName(), DClass.IN, 300, "x"), Section.ANSWER);
          return List.of(r.toWire());
        };
    NetworkResolver r =
        closing(
            NetworkResolver.builder()
                .server(s.address())
                .timeout(Duration.ofMillis(200))
                .tries(2)
                .build());

    assertThat(get(r.lookup("big.example", RecordType.TXT)).status()).isEqualTo(DnsStatus.NOERROR);
    assertThat(get(r.lookup("silent.example", RecordType.TXT)).status())
        .isEqualTo(DnsStatus.TIMEOUT);

    NetworkResolver.Stats stats = r.stats();
    assertThat(stats.queriesSent()).isEqualTo(4); // UDP + TCP, then 2 silent tries
    assertThat(stats.answersAccepted()).isEqualTo(2); // the truncated one and the TCP one
    assertThat(stats.tcpRetries()).isEqualTo(1);
    assertThat(stats.timeouts()).isEqualTo(2);
    assertThat(stats.dropped()).isZero();
    assertThat(stats.inFlight()).isZero();
  }

  @Test
  void builder_rejectsNonsense() {
    NetworkResolver.Builder b = NetworkResolver.builder();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> b.maxInFlight(0))
        .isInstanceOf(IllegalArgumentException.class);
    // query IDs are 16 bits: more than half of them in flight would make a free one hard to find
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> b.maxInFlight(32_769))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 32768");
    b.maxInFlight(32_768);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> b.maxWaiting(-1))
        .isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> b.sourcePortRotation(0, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> b.sourcePortRotation(10, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
