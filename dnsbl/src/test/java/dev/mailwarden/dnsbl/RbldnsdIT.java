package dev.mailwarden.dnsbl;

import static dev.mailwarden.dnsbl.Fixtures.ip;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.CheckContext;
import dev.mailwarden.Evaluation;
import dev.mailwarden.MailSession;
import dev.mailwarden.MailWarden;
import dev.mailwarden.MailwardenRuntime;
import dev.mailwarden.Outcome;
import dev.mailwarden.Verdict;
import dev.mailwarden.dns.DnsResolver;
import dev.mailwarden.dns.NetworkResolver;
import dev.mailwarden.dnsbl.Fixtures.Events;
import dev.mailwarden.testing.Environment;
import dev.mailwarden.testing.LoopbackServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a real rbldnsd on 127.0.0.1 (Debian package {@code rbldnsd}), queried through the network
 * resolver: ip4set, ip4trie, ip6trie and dnset datasets with the RFC 5782 test points and
 * error-code entries.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RbldnsdIT {

  private Path dir;
  private LoopbackServer server;
  private MailwardenRuntime runtime;
  private DnsResolver dns;

  @BeforeAll
  void start(@TempDir Path tmp) throws IOException {
    dir = tmp;
    Path rbldnsd = Environment.requireBinary("rbldnsd", "rbldnsd");
    // rbldnsd started as root drops to its own user: the data must be readable by it
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    write(
        "ip4set",
        """
        $SOA 60 ns.bl.test hostmaster.bl.test 1 3600 600 86400 60
        :127.0.0.2:Listed, see https://bl.test/lookup?$
        127.0.0.2
        192.0.2.1
        192.0.2.4 :127.255.255.254:queries from public resolvers are blocked
        192.0.2.5 :127.255.255.255:rate limited
        192.0.2.6 :127.0.0.4:exploited host
        """);
    write(
        "ip6trie",
        """
        :127.0.0.2:Listed v6, see https://bl.test/lookup?$
        ::ffff:7f00:2
        2001:db8:1::/48 :127.0.0.3:v6 network listed
        """);
    write(
        "ip4trie",
        """
        $SOA 60 ns.trie.test hostmaster.trie.test 1 3600 600 86400 60
        127.0.0.2/32 :127.0.0.2:test point
        198.51.100.0/24 :127.0.0.3:whole network
        """);
    write(
        "dnset",
        """
        $SOA 60 ns.dbl.test hostmaster.dbl.test 1 3600 600 86400 60
        test :127.0.1.2:test point
        .spam.example :127.0.1.2:spam domain $
        phish.example :127.0.1.4:phishing
        ipquery.example :127.0.1.255:IP queries not allowed
        """);
    write(
        "broken",
        """
        $SOA 60 ns.broken.test hostmaster.broken.test 1 3600 600 86400 60
        192.0.2.1 :127.0.0.2:listed but no test point
        """);
    server =
        LoopbackServer.start(
            dir,
            port ->
                List.of(
                    rbldnsd.toString(),
                    "-n",
                    "-b",
                    "127.0.0.1/" + port,
                    "-w",
                    dir.toString(),
                    "-t",
                    "60",
                    "bl.test:ip4set:ip4set",
                    "bl.test:ip6trie:ip6trie",
                    "trie.test:ip4trie:ip4trie",
                    "dbl.test:dnset:dnset",
                    "broken.test:ip4set:broken"),
            LoopbackServer.Probe.ALIVE,
            Duration.ofSeconds(10));
    runtime =
        MailwardenRuntime.builder()
            .network(
                NetworkResolver.builder()
                    .server(server.address())
                    .timeout(Duration.ofSeconds(2))
                    .tries(2))
            .build();
    dns = runtime.dns();
  }

  @AfterAll
  void stop() {
    if (runtime != null) {
      runtime.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private void write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
  }

  private DnsblResult check(DnsList list, MailSession s, Events events) {
    return Dnsbl.check(list)
        .check(
            CheckContext.builder(s, dns).listener(events).deadline(Duration.ofSeconds(10)).build())
        .join();
  }

  @Test
  void ip4set_listing_withTxtReason_andHealthyProbes() throws Exception {
    Events events = new Events();
    DnsList list = Dnsbl.parse("bl.test=127.0.0.[2..11]").healthProbes(true);
    DnsblResult r = check(list, Fixtures.session("192.0.2.1"), events);
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(r.lists().get(0).codes()).containsExactly("127.0.0.2");
    assertThat(r.lists().get(0).reason()).hasValue("Listed, see https://bl.test/lookup?192.0.2.1");
    assertThat(DnsblWeights.listed(3.0).score(r)).isEqualTo(3.0);
    assertThat(r.smtpReply().orElseThrow().text()).contains("bl.test", "lookup?192.0.2.1");
    Thread.sleep(200); // the probe ran alongside
    assertThat(events.health()).isEmpty();
  }

  @Test
  void ip4set_notListed_andCategoryCode() {
    Events events = new Events();
    DnsList list = Dnsbl.list("bl.test").category("127.0.0.4", "xbl").healthProbes(false);
    assertThat(check(list, Fixtures.session("192.0.2.99"), events).outcome())
        .isEqualTo(Outcome.NONE);
    DnsblResult r = check(list, Fixtures.session("192.0.2.6"), events);
    assertThat(r.lists().get(0).categories()).containsExactly("xbl");
  }

  @Test
  void ip4set_errorCodeEntries_areErrors_andMarkTheListUnhealthy() {
    Events events = new Events();
    DnsList list = Dnsbl.list("bl.test").healthProbes(false);
    DnsblResult blocked = check(list, Fixtures.session("192.0.2.4"), events);
    assertThat(blocked.outcome()).isEqualTo(Outcome.TEMPERROR);
    assertThat(blocked.lists().get(0).error()).hasValue(ListError.BLOCKED);
    DnsblResult limited = check(list, Fixtures.session("192.0.2.5"), events);
    assertThat(limited.lists().get(0).error()).hasValue(ListError.RATE_LIMITED);
    assertThat(events.health())
        .isNotEmpty()
        .first()
        .satisfies(e -> assertThat(e.healthy()).isFalse());
  }

  @Test
  void ip4trie_cidrRange_isListed() {
    DnsblResult r = check(Dnsbl.list("trie.test"), Fixtures.session("198.51.100.77"), new Events());
    assertThat(r.lists().get(0).codes()).containsExactly("127.0.0.3");
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
  }

  @Test
  void ip6trie_isQueriedWithNibbles_andItsTestPointPasses() throws Exception {
    Events events = new Events();
    DnsblResult r = check(Dnsbl.list("bl.test"), Fixtures.session("2001:db8:1::25"), events);
    assertThat(r.lists().get(0).codes()).containsExactly("127.0.0.3");
    assertThat(r.lists().get(0).reason()).hasValue("v6 network listed");
    Thread.sleep(200);
    assertThat(events.health()).isEmpty();
    assertThat(check(Dnsbl.list("bl.test"), Fixtures.session("2001:db8:2::1"), events).outcome())
        .isEqualTo(Outcome.NONE);
  }

  @Test
  void dnset_domainsFromHeloAndMailFrom() {
    Events events = new Events();
    DnsList dbl = Rhsbl.dblCodes(Rhsbl.list("dbl.test"));
    MailSession s =
        MailSession.builder().helo("mx.spam.example").mailFrom("a@phish.example").build();
    DnsblResult r = check(dbl, s, events);
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(r.listings())
        .extracting(ListResult::subject)
        .containsExactly("mx.spam.example", "phish.example");
    assertThat(r.listings())
        .flatExtracting(ListResult::categories)
        .containsExactly("spam", "phish");
    DnsblResult ipq =
        check(
            dbl.skipWhenUnhealthy(false),
            MailSession.builder().helo("ipquery.example").build(),
            events);
    assertThat(ipq.lists().get(0).error()).hasValue(ListError.QUERY_REJECTED);
  }

  @Test
  void zoneWithoutTestPoint_isReportedUnhealthy_andSkipped() {
    Events events = new Events();
    DnsList broken = Dnsbl.list("broken.test").cacheSize(0);
    check(broken, Fixtures.session("192.0.2.1"), events);
    // the probe's answers come from the network; wait for them, then the next lookup skips
    long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (events.health().isEmpty() && System.nanoTime() < end) {
      Thread.onSpinWait();
    }
    assertThat(events.health())
        .singleElement()
        .satisfies(e -> assertThat(e.problem()).contains("127.0.0.2"));
    DnsblResult r = check(broken, Fixtures.session("192.0.2.1"), events);
    assertThat(r.lists().get(0).error()).hasValue(ListError.UNHEALTHY);
  }

  @Test
  void monitor_andMailWarden_endToEnd() {
    MonitorReport report =
        ListingMonitor.builder(runtime)
            .list(Dnsbl.list("bl.test"))
            .list(Dnsbl.list("trie.test"))
            .build()
            .checkAndWait(List.of(ip("192.0.2.1"), ip("203.0.113.9")));
    assertThat(report.anyListed()).isTrue();
    assertThat(report.listings()).extracting(ListResult::subject).containsExactly("192.0.2.1");

    MailWarden w =
        MailWarden.builder(runtime)
            .check(
                Dnsbl.check(Dnsbl.parse("bl.test"), Dnsbl.parse("trie.test")),
                DnsblWeights.builder().list("bl.test", 3).list("trie.test", 2).build())
            .rejectAt(5)
            .build();
    Evaluation ev = w.evaluateAndWait(Fixtures.session("198.51.100.1"));
    assertThat(ev.verdict()).isEqualTo(Verdict.ACCEPT);
    assertThat(ev.score()).isEqualTo(2.0);
  }
}
