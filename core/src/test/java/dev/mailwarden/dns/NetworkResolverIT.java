package dev.mailwarden.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.testing.LoopbackServer;
import dev.mailwarden.testing.NsdServer;
import dev.mailwarden.testing.TestRuntime;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link NetworkResolver} against a real NSD serving a test zone on 127.0.0.1. */
class NetworkResolverIT {
  private static final String BIG_STRING = "k".repeat(250);

  @TempDir static Path dir;
  private static LoopbackServer nsd;
  private static NetworkResolver dns;
  private static NetworkResolver dnsjava;
  private static final int MANY = 2_000;

  @BeforeAll
  static void startNsd() throws IOException {
    StringBuilder big = new StringBuilder("big 300 IN TXT");
    for (int i = 0; i < 8; i++) {
      big.append(" \"").append(BIG_STRING).append('"');
    }
    Files.writeString(
        dir.resolve("example.test.zone"),
        String.join(
            "\n",
            "$ORIGIN example.test.",
            "$TTL 300",
            "@ 3600 IN SOA ns admin 1 3600 600 86400 120",
            "@ IN NS ns",
            "ns IN A 127.0.0.1",
            "@ IN MX 10 mail.example.test.",
            "@ IN TXT \"v=spf1 ip4:192.0.2.0/24 -all\"",
            "mail 300 IN A 192.0.2.25",
            "mail 300 IN AAAA 2001:db8::25",
            "short 60 IN A 192.0.2.60",
            "alias IN CNAME mail",
            "utf8 IN TXT \"caf\\195\\169\" \"\\255raw\"",
            big.toString(),
            manyRecords(),
            ""),
        StandardCharsets.US_ASCII);
    Files.writeString(
        dir.resolve("reverse.zone"),
        String.join(
            "\n",
            "$ORIGIN 2.0.192.in-addr.arpa.",
            "@ 3600 IN SOA ns.example.test. admin.example.test. 1 3600 600 86400 60",
            "@ IN NS ns.example.test.",
            "25 300 IN PTR mail.example.test.",
            ""),
        StandardCharsets.US_ASCII);
    Files.writeString(
        dir.resolve("contract.zone"), DnsResolverContract.ZONE, StandardCharsets.US_ASCII);
    nsd =
        NsdServer.start(
            dir,
            Map.of(
                "example.test",
                "example.test.zone",
                "2.0.192.in-addr.arpa",
                "reverse.zone",
                "contract.test",
                "contract.zone"));
    dns =
        NetworkResolver.builder()
            .server(nsd.address())
            .timeout(Duration.ofSeconds(2))
            .tries(2)
            .build();
    dnsjava =
        NetworkResolver.builder()
            .server(nsd.address())
            .timeout(Duration.ofSeconds(2))
            .tries(2)
            .transport(NetworkResolver.TransportKind.DNSJAVA)
            .build();
  }

  /** h0..h1999.many with addresses derived from the index, so every answer can be checked. */
  private static String manyRecords() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < MANY; i++) {
      b.append("h").append(i).append(".many 300 IN A ").append(manyAddress(i)).append('\n');
    }
    return b.toString();
  }

  private static String manyAddress(int i) {
    return "10.0." + (i / 256) + "." + (i % 256);
  }

  @AfterAll
  static void stop() {
    if (dns != null) {
      dns.close();
    }
    if (dnsjava != null) {
      dnsjava.close();
    }
    if (nsd != null) {
      nsd.close();
    }
  }

  private static DnsAnswer lookup(DnsResolver r, String name, RecordType type) throws Exception {
    return r.lookup(name, type).get(20, TimeUnit.SECONDS);
  }

  @Test
  void a_and_aaaa_areAnswered() throws Exception {
    assertThat(lookup(dns, "mail.example.test", RecordType.A).addresses())
        .containsExactly(InetAddress.getByName("192.0.2.25"));
    DnsAnswer aaaa = lookup(dns, "MAIL.Example.Test.", RecordType.AAAA);
    assertThat(aaaa.addresses()).containsExactly(InetAddress.getByName("2001:db8::25"));
    assertThat(aaaa.ttlSeconds()).isEqualTo(300);
  }

  @Test
  void mx_txt_ptr_andCname_areAnswered() throws Exception {
    assertThat(lookup(dns, "example.test", RecordType.MX).mxs())
        .containsExactly(new DnsRecord.Mx(10, "mail.example.test"));
    assertThat(lookup(dns, "example.test", RecordType.TXT).txts().get(0).text())
        .isEqualTo("v=spf1 ip4:192.0.2.0/24 -all");
    assertThat(lookup(dns, "25.2.0.192.in-addr.arpa", RecordType.PTR).names())
        .containsExactly("mail.example.test");
    assertThat(lookup(dns, "alias.example.test", RecordType.A).addresses())
        .containsExactly(InetAddress.getByName("192.0.2.25"));
  }

  @Test
  void txt_keepsNonAsciiBytes() throws Exception {
    DnsRecord.Txt txt = lookup(dns, "utf8.example.test", RecordType.TXT).txts().get(0);
    assertThat(txt.string(0)).isEqualTo("café".getBytes(StandardCharsets.UTF_8));
    assertThat(txt.string(1)).containsExactly((byte) 0xff, 'r', 'a', 'w');
  }

  @Test
  void nxdomain_carriesTheSoaNegativeTtl() throws Exception {
    DnsAnswer answer = lookup(dns, "nope.example.test", RecordType.A);
    assertThat(answer.status()).isEqualTo(DnsStatus.NXDOMAIN);
    assertThat(answer.ttlSeconds()).isEqualTo(120);
  }

  @Test
  void nodata_forAnExistingNameWithoutTheType() throws Exception {
    DnsAnswer answer = lookup(dns, "mail.example.test", RecordType.TXT);
    assertThat(answer.status()).isEqualTo(DnsStatus.NODATA);
    assertThat(answer.ttlSeconds()).isEqualTo(120);
  }

  @Test
  void txtTooLargeForUdp_isFetchedOverTcp_inFull() throws Exception {
    DnsAnswer answer = lookup(dns, "big.example.test", RecordType.TXT);
    assertThat(answer.status()).isEqualTo(DnsStatus.NOERROR);
    DnsRecord.Txt txt = answer.txts().get(0);
    assertThat(txt.stringCount()).isEqualTo(8);
    assertThat(txt.text()).isEqualTo(BIG_STRING.repeat(8));
  }

  @Test
  void unreachableServer_isTimeout_withinTheConfiguredTimeout() throws Exception {
    try (DatagramSocket blackHole =
            new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        NetworkResolver r =
            NetworkResolver.builder()
                .server(
                    new InetSocketAddress(
                        InetAddress.getLoopbackAddress(), blackHole.getLocalPort()))
                .timeout(Duration.ofMillis(300))
                .tries(2)
                .build()) {
      long start = System.nanoTime();
      DnsAnswer answer = lookup(r, "mail.example.test", RecordType.A);
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

      assertThat(answer.status()).isEqualTo(DnsStatus.TIMEOUT);
      assertThat(ms).isBetween(550L, 3_000L);
    }
  }

  @Test
  void cache_overTheRealServer_honoursTtls() throws Exception {
    AtomicLong now = new AtomicLong();
    AtomicInteger upstreamQueries = new AtomicInteger();
    DnsResolver counting =
        (name, type) -> {
          upstreamQueries.incrementAndGet();
          return dns.lookup(name, type);
        };
    DnsResolver cached =
        TestRuntime.cache(
            counting, CacheSpec.defaults().withMinTtl(Duration.ZERO), now::get, 1 << 20);

    assertThat(lookup(cached, "short.example.test", RecordType.A).fromCache()).isFalse();
    now.addAndGet(TimeUnit.SECONDS.toNanos(59));
    assertThat(lookup(cached, "short.example.test", RecordType.A).fromCache()).isTrue();
    now.addAndGet(TimeUnit.SECONDS.toNanos(1));
    assertThat(lookup(cached, "short.example.test", RecordType.A).fromCache()).isFalse();
    assertThat(upstreamQueries).hasValue(2);

    // NXDOMAIN lives its SOA negative TTL (120 s)
    lookup(cached, "gone.example.test", RecordType.A);
    now.addAndGet(TimeUnit.SECONDS.toNanos(119));
    assertThat(lookup(cached, "gone.example.test", RecordType.A).fromCache()).isTrue();
    now.addAndGet(TimeUnit.SECONDS.toNanos(1));
    assertThat(lookup(cached, "gone.example.test", RecordType.A).fromCache()).isFalse();
    assertThat(upstreamQueries).hasValue(4);
  }

  @Test
  void concurrentQueries_areAllAnswered() throws Exception {
    CompletableFuture<?>[] all = new CompletableFuture<?>[500];
    for (int i = 0; i < all.length; i++) {
      all[i] =
          dns.lookup(i % 2 == 0 ? "mail.example.test" : "n" + i + ".example.test", RecordType.A);
    }
    CompletableFuture.allOf(all).get(30, TimeUnit.SECONDS);
    for (int i = 0; i < all.length; i++) {
      DnsAnswer a = (DnsAnswer) all[i].join();
      assertThat(a.status()).isEqualTo(i % 2 == 0 ? DnsStatus.NOERROR : DnsStatus.NXDOMAIN);
    }
  }

  @Test
  void tenThousandConcurrentQueries_areAllAnsweredCorrectly() throws Exception {
    int n = 10_000;
    try (NetworkResolver r =
        NetworkResolver.builder()
            .server(nsd.address())
            .timeout(Duration.ofSeconds(2))
            .tries(3)
            .maxInFlight(1024)
            .maxWaiting(n)
            .build()) {
      CompletableFuture<?>[] all = new CompletableFuture<?>[n];
      for (int i = 0; i < n; i++) {
        // a quarter of the names do not exist
        all[i] = r.lookup("h" + (i % (MANY + MANY / 4)) + ".many.example.test", RecordType.A);
      }
      CompletableFuture.allOf(all).get(60, TimeUnit.SECONDS);

      for (int i = 0; i < n; i++) {
        int h = i % (MANY + MANY / 4);
        DnsAnswer a = (DnsAnswer) all[i].join();
        assertThat(a.name()).isEqualTo("h" + h + ".many.example.test");
        if (h < MANY) {
          assertThat(a.status()).as(a.toString()).isEqualTo(DnsStatus.NOERROR);
          assertThat(a.addresses()).containsExactly(InetAddress.getByName(manyAddress(h)));
        } else {
          assertThat(a.status()).as(a.toString()).isEqualTo(DnsStatus.NXDOMAIN);
        }
      }
      NetworkResolver.Stats stats = r.stats();
      assertThat(stats.answersAccepted()).isGreaterThanOrEqualTo(n);
      assertThat(stats.dropped()).isZero();
      assertThat(stats.overloaded()).isZero();
      assertThat(stats.inFlight()).isZero();
      assertThat(stats.waiting()).isZero();
    }
  }

  @Test
  void dnsjavaTransport_answersToo() throws Exception {
    assertThat(lookup(dnsjava, "mail.example.test", RecordType.A).addresses())
        .containsExactly(InetAddress.getByName("192.0.2.25"));
    assertThat(lookup(dnsjava, "big.example.test", RecordType.TXT).txts().get(0).text())
        .isEqualTo(BIG_STRING.repeat(8));
    assertThat(dnsjava.stats().tcpRetries()).isEqualTo(1);
  }

  /** The resolver contract over the dnsjava transport. */
  @org.junit.jupiter.api.Nested
  class DnsjavaContract extends DnsResolverContract {
    @Override
    protected DnsResolver resolver() {
      return dnsjava;
    }
  }

  /** The resolver contract, through the network to NSD. */
  @org.junit.jupiter.api.Nested
  class Contract extends DnsResolverContract {
    @Override
    protected DnsResolver resolver() {
      return dns;
    }
  }

  /** The resolver contract, through the cache in front of the network. */
  @org.junit.jupiter.api.Nested
  class CachedContract extends DnsResolverContract {
    private final DnsResolver cached =
        TestRuntime.cache(
            dns, CacheSpec.defaults().withMinTtl(Duration.ZERO), System::nanoTime, 1 << 20);

    @Override
    protected DnsResolver resolver() {
      return cached;
    }
  }
}
