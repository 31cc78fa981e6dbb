package dev.mailwarden.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsStatus;
import dev.mailwarden.dns.NetworkResolver;
import dev.mailwarden.dns.RecordType;
import dev.mailwarden.testing.FaultyDnsProxy.Fault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The proxy in front of a real NSD, seen through the real network resolver. */
class FaultyDnsProxyIT {
  @TempDir static Path dir;
  static LoopbackServer nsd;
  static FaultyDnsProxy proxy;
  static NetworkResolver dns;

  @BeforeAll
  static void start() throws Exception {
    Files.writeString(
        dir.resolve("example.com.zone"),
        """
        $ORIGIN example.com.
        $TTL 300
        @     IN SOA ns.example.com. hostmaster.example.com. 1 3600 600 86400 300
        @     IN NS  ns.example.com.
        ns    IN A   127.0.0.1
        @     IN TXT "v=spf1 -all"
        host  IN A   192.0.2.10
        """);
    nsd = NsdServer.start(dir, Map.of("example.com", "example.com.zone"));
    proxy = FaultyDnsProxy.start(nsd.address());
    // one unhurried round trip first: on a loaded machine the first answer of a fresh NSD and
    // proxy can take longer than the short timeout the tests below use to detect silence
    try (NetworkResolver patient =
        NetworkResolver.builder().server(proxy.address()).timeout(Duration.ofSeconds(5)).build()) {
      patient.lookup("host.example.com", RecordType.A).get(30, TimeUnit.SECONDS);
    }
    dns =
        NetworkResolver.builder()
            .server(proxy.address())
            .timeout(Duration.ofMillis(500))
            .tries(1)
            .build();
  }

  @AfterAll
  static void stop() {
    if (dns != null) {
      dns.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (nsd != null) {
      nsd.close();
    }
  }

  @BeforeEach
  void clear() {
    proxy.clear();
  }

  private static DnsAnswer lookup(String name, RecordType type) throws Exception {
    return dns.lookup(name, type).get(5, TimeUnit.SECONDS);
  }

  @Test
  void withoutRules_answersAreForwarded() throws Exception {
    DnsAnswer a = lookup("host.example.com", RecordType.A);
    assertThat(a.status()).isEqualTo(DnsStatus.NOERROR);
    assertThat(a.addresses())
        .extracting(java.net.InetAddress::getHostAddress)
        .containsExactly("192.0.2.10");
    assertThat(proxy.forwarded()).isEqualTo(1);
    assertThat(proxy.injected()).isZero();
  }

  @ParameterizedTest
  @CsvSource({
    "SERVFAIL, SERVFAIL",
    "REFUSED, REFUSED",
    "SILENCE, TIMEOUT",
    "TRUNCATED_TCP_RESET, TIMEOUT",
    "MALFORMED, SERVFAIL",
    "WRONG_QUESTION, TIMEOUT"
  })
  void eachFault_endsTheLookupWithAnError(Fault fault, DnsStatus expected) throws Exception {
    proxy.inject("Host.Example.com.", fault);
    DnsAnswer a = lookup("host.example.com", RecordType.A);
    assertThat(a.status()).as(a.toString()).isEqualTo(expected);
    assertThat(a.addresses()).isEmpty();
    assertThat(proxy.injected()).isPositive();
    // other names are untouched
    assertThat(lookup("example.com", RecordType.TXT).status()).isEqualTo(DnsStatus.NOERROR);
  }

  @Test
  void truncated_isRetriedOverTcp_whichIsReset() throws Exception {
    proxy.inject("host.example.com", Fault.TRUNCATED_TCP_RESET);
    lookup("host.example.com", RecordType.A);
    assertThat(proxy.injected()).as("the UDP reply and the TCP retry").isEqualTo(2);
  }

  /**
   * With two servers, a fault at the first must not end the lookup: the resolver asks the second
   * (NetworkResolver's javadoc: timeouts and SERVFAIL/REFUSED move on to the next server).
   */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(
      value = Fault.class,
      names = "MALFORMED",
      mode = org.junit.jupiter.params.provider.EnumSource.Mode.EXCLUDE)
  void faultAtFirstServer_secondServerAnswers(Fault fault) throws Exception {
    assertFailsOver(fault);
  }

  /** A reply that matches source and ID but does not parse moves on to the next server too. */
  @Test
  void malformedAtFirstServer_secondServerAnswers() throws Exception {
    assertFailsOver(Fault.MALFORMED);
  }

  private static void assertFailsOver(Fault fault) throws Exception {
    try (FaultyDnsProxy first = FaultyDnsProxy.start(nsd.address());
        NetworkResolver twoServers =
            NetworkResolver.builder()
                .server(first.address())
                .server(proxy.address())
                .timeout(Duration.ofMillis(500))
                .tries(1)
                .build()) {
      first.inject("host.example.com", fault);
      DnsAnswer a = twoServers.lookup("host.example.com", RecordType.A).get(5, TimeUnit.SECONDS);
      assertThat(a.status()).as(a.toString()).isEqualTo(DnsStatus.NOERROR);
      assertThat(first.injected()).isPositive();
      assertThat(proxy.forwarded()).isEqualTo(1);
    }
  }

  @Test
  void suffixRule_coversTheNameAndBelow_andExactRuleWins() throws Exception {
    proxy.injectBelow("example.com", Fault.REFUSED).inject("host.example.com", Fault.SERVFAIL);
    assertThat(lookup("example.com", RecordType.TXT).status()).isEqualTo(DnsStatus.REFUSED);
    assertThat(lookup("nothere.example.com", RecordType.A).status()).isEqualTo(DnsStatus.REFUSED);
    assertThat(lookup("host.example.com", RecordType.A).status()).isEqualTo(DnsStatus.SERVFAIL);
    assertThat(proxy.faultFor("notexample.com")).isEmpty();
  }

  @Test
  void delay_holdsEachForwardedQuery_andFaultsAnswerAtOnce() throws Exception {
    try (FaultyDnsProxy slow = FaultyDnsProxy.start(nsd.address()).delay(Duration.ofMillis(300));
        NetworkResolver viaSlow =
            NetworkResolver.builder()
                .server(slow.address())
                .timeout(Duration.ofSeconds(5))
                .tries(1)
                .build()) {
      long start = System.nanoTime();
      DnsAnswer a = viaSlow.lookup("host.example.com", RecordType.A).get(10, TimeUnit.SECONDS);
      long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(a.status()).isEqualTo(DnsStatus.NOERROR);
      assertThat(elapsedMs).as("a forwarded query waits the delay").isGreaterThanOrEqualTo(300);

      slow.inject("fault.example.com", Fault.REFUSED);
      DnsAnswer refused =
          viaSlow.lookup("fault.example.com", RecordType.A).get(10, TimeUnit.SECONDS);
      assertThat(refused.status()).isEqualTo(DnsStatus.REFUSED);
      // no lower bound to check here: an injected fault is not forwarded, so not delayed
      assertThat(slow.forwarded()).isEqualTo(1);
      assertThat(slow.injected()).isEqualTo(1);
    }
  }

  @Test
  void manyQueriesInFlight_eachReplyReachesItsClientUnderItsId() throws Exception {
    // two resolvers (two sets of sockets and IDs) through one proxy, 400 queries at once: a reply
    // mapped to the wrong client or ID would be dropped by the resolver and time out
    try (FaultyDnsProxy shared = FaultyDnsProxy.start(nsd.address()).delay(Duration.ofMillis(50));
        NetworkResolver one =
            NetworkResolver.builder()
                .server(shared.address())
                .timeout(Duration.ofSeconds(5))
                .build();
        NetworkResolver two =
            NetworkResolver.builder()
                .server(shared.address())
                .timeout(Duration.ofSeconds(5))
                .build()) {
      java.util.List<java.util.concurrent.CompletableFuture<DnsAnswer>> answers =
          new java.util.ArrayList<>();
      for (int i = 0; i < 200; i++) {
        answers.add(one.lookup("host.example.com", RecordType.A));
        answers.add(two.lookup("n" + i + ".example.com", RecordType.A));
      }
      for (int i = 0; i < answers.size(); i++) {
        DnsAnswer a = answers.get(i).get(30, TimeUnit.SECONDS);
        assertThat(a.status())
            .as(a.toString())
            .isEqualTo(i % 2 == 0 ? DnsStatus.NOERROR : DnsStatus.NXDOMAIN);
      }
      // 400 bursting datagrams can overflow a loopback socket buffer (any hop's) on a loaded
      // machine, so a try may be lost and retried: each lookup went upstream at least once and at
      // most once per try the resolvers sent
      NetworkResolver.Stats s1 = one.stats();
      NetworkResolver.Stats s2 = two.stats();
      assertThat(s1.answersAccepted() + s2.answersAccepted()).isEqualTo(400);
      assertThat(shared.forwarded()).isBetween(400, (int) (s1.queriesSent() + s2.queriesSent()));
      for (NetworkResolver.Stats s : java.util.List.of(s1, s2)) {
        assertThat(s.droppedWrongQuestion()).as(s.toString()).isZero();
        assertThat(s.droppedWrongSource()).as(s.toString()).isZero();
        assertThat(s.droppedUnparseable()).as(s.toString()).isZero();
        // a reply under an unknown ID is only acceptable as the late twin of a retried try
        assertThat(s.droppedUnknownId()).as(s.toString()).isLessThanOrEqualTo(s.timeouts());
      }
    }
  }
}
