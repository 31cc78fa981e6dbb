package dev.mailwarden.dnsbl;

import static dev.mailwarden.dnsbl.Fixtures.context;
import static dev.mailwarden.dnsbl.Fixtures.ipZone;
import static dev.mailwarden.dnsbl.Fixtures.session;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.Evaluation;
import dev.mailwarden.MailWarden;
import dev.mailwarden.Outcome;
import dev.mailwarden.Verdict;
import dev.mailwarden.dns.DnsStatus;
import dev.mailwarden.dns.ZoneResolver;
import dev.mailwarden.dnsbl.Fixtures.Events;
import dev.mailwarden.dnsbl.Fixtures.FakeTicker;
import dev.mailwarden.testing.TestRuntime;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** IP blocklists and allowlists over the zone resolver: every classification path. */
class DnsblTest {
  private final FakeTicker ticker = new FakeTicker();
  private final Events events = new Events();

  private static final String ZEN_DATA =
      ipZone(
          "zen.spamhaus.org",
          """
      1.2.0.192 300 IN A 127.0.0.2
      1.2.0.192 300 IN A 127.0.0.4
      1.2.0.192 300 IN TXT "https://www.spamhaus.org/query/ip/192.0.2.1\\013\\010550 injected"
      2.2.0.192 300 IN A 127.0.0.11
      3.2.0.192 300 IN A 127.0.0.30
      4.2.0.192 300 IN A 127.255.255.254
      5.2.0.192 300 IN A 127.255.255.255
      6.2.0.192 300 IN A 127.255.255.252
      7.2.0.192 300 IN A 127.255.255.250
      8.2.0.192 300 IN A 192.0.2.99
      9.2.0.192 300 IN A 127.255.255.17
      """);

  private DnsblResult check(DnsList list, ZoneResolver dns, String ip) {
    return Dnsbl.check(list).check(context(session(ip), dns, ticker, events)).join();
  }

  private static ZoneResolver zen() {
    return ZoneResolver.of(ZEN_DATA);
  }

  @Test
  void listedCodes_areNamedCategories_andFail() {
    DnsblResult r = check(Dnsbl.spamhausZen().healthProbes(false), zen(), "192.0.2.1");
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
    ListResult l = r.lists().get(0);
    assertThat(l.status()).isEqualTo(ListStatus.LISTED);
    assertThat(l.codes()).containsExactly("127.0.0.2", "127.0.0.4");
    assertThat(l.categories()).containsExactly("sbl", "xbl");
    assertThat(l.query()).isEqualTo("1.2.0.192.zen.spamhaus.org");
    assertThat(DnsblWeights.defaults().score(r)).isEqualTo(1.0);
    assertThat(DnsblWeights.listed(5.0).score(r)).isEqualTo(5.0);
  }

  @Test
  void txtReason_isSanitized_beforeTheSmtpReply() {
    DnsblResult r = check(Dnsbl.spamhausZen().healthProbes(false), zen(), "192.0.2.1");
    assertThat(r.lists().get(0).reason())
        .hasValue("https://www.spamhaus.org/query/ip/192.0.2.1 550 injected");
    var reply = r.smtpReply().orElseThrow();
    assertThat(reply.code()).isEqualTo(550);
    assertThat(reply.enhancedStatus()).isEqualTo("5.7.1");
    assertThat(reply.text())
        .contains("[192.0.2.1]", "zen.spamhaus.org", "sbl,xbl", "query/ip/192.0.2.1")
        .doesNotContain("\r", "\n");
  }

  @Test
  void pblCode_isListedAsPbl() {
    DnsblResult r = check(Dnsbl.spamhausZen().healthProbes(false), zen(), "192.0.2.2");
    assertThat(r.lists().get(0).categories()).containsExactly("pbl");
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
  }

  @Test
  void nxdomain_isNotListed_andNone() {
    DnsblResult r = check(Dnsbl.spamhausZen().healthProbes(false), zen(), "198.51.100.7");
    assertThat(r.outcome()).isEqualTo(Outcome.NONE);
    assertThat(r.lists().get(0).status()).isEqualTo(ListStatus.NOT_LISTED);
    assertThat(DnsblWeights.listed(5.0).score(r)).isZero();
    assertThat(r.smtpReply()).isEmpty();
  }

  @Test
  void codeOutsideTheFilter_isNotListed_butKept() {
    DnsblResult r = check(Dnsbl.spamhausZen().healthProbes(false), zen(), "192.0.2.3");
    ListResult l = r.lists().get(0);
    assertThat(l.status()).isEqualTo(ListStatus.NOT_LISTED);
    assertThat(l.codes()).containsExactly("127.0.0.30");
    assertThat(r.outcome()).isEqualTo(Outcome.NONE);
  }

  @Test
  void publicResolverCode_isBlockedError_neverListed() {
    DnsblResult r = check(Dnsbl.spamhausZen().healthProbes(false), zen(), "192.0.2.4");
    assertError(r, ListError.BLOCKED);
  }

  @Test
  void errorCodes_areErrorsEvenWhenTheFilterAcceptsEverything() {
    DnsList anyCode = Dnsbl.list("zen.spamhaus.org").healthProbes(false).skipWhenUnhealthy(false);
    assertError(check(anyCode, zen(), "192.0.2.4"), ListError.BLOCKED);
    assertError(check(anyCode, zen(), "192.0.2.5"), ListError.RATE_LIMITED);
    assertError(check(anyCode, zen(), "192.0.2.6"), ListError.TYPO_ZONE);
    assertError(check(anyCode, zen(), "192.0.2.7"), ListError.INVALID_KEY);
    assertError(check(anyCode, zen(), "192.0.2.9"), ListError.LIST_ERROR);
  }

  @Test
  void answerOutsideLoopback_isError() {
    DnsblResult r = check(Dnsbl.list("zen.spamhaus.org").healthProbes(false), zen(), "192.0.2.8");
    assertError(r, ListError.OUTSIDE_LOOPBACK);
    assertThat(r.lists().get(0).detail()).contains("192.0.2.99");
  }

  @Test
  void dnsErrors_areTemperror_withTheirReason() {
    for (DnsStatus s : new DnsStatus[] {DnsStatus.SERVFAIL, DnsStatus.TIMEOUT, DnsStatus.REFUSED}) {
      ZoneResolver dns =
          ZoneResolver.builder().zone(ZEN_DATA).fail("1.2.0.192.zen.spamhaus.org", s).build();
      DnsblResult r = check(Dnsbl.spamhausZen().healthProbes(false), dns, "192.0.2.1");
      assertError(r, ListError.valueOf(s.name()));
    }
  }

  @Test
  void everyError_reachesTheListener() {
    ZoneResolver dns =
        ZoneResolver.builder()
            .zone(ZEN_DATA)
            .fail("1.2.0.192.zen.spamhaus.org", DnsStatus.TIMEOUT)
            .build();
    check(Dnsbl.spamhausZen().healthProbes(false), dns, "192.0.2.1");
    assertThat(events.events)
        .singleElement()
        .isInstanceOfSatisfying(
            ListErrorEvent.class,
            e -> {
              assertThat(e.error()).isEqualTo(ListError.TIMEOUT);
              assertThat(e.subject()).isEqualTo("192.0.2.1");
              assertThat(e.description()).contains("zen.spamhaus.org", "192.0.2.1", "timeout");
            });
  }

  private static void assertError(DnsblResult r, ListError expected) {
    assertThat(r.outcome()).isEqualTo(Outcome.TEMPERROR);
    ListResult l = r.lists().get(0);
    assertThat(l.status()).isEqualTo(ListStatus.ERROR);
    assertThat(l.error()).hasValue(expected);
    assertThat(l.isListed()).isFalse();
    assertThat(DnsblWeights.listed(5.0).score(r)).isZero();
    assertThat(r.smtpReply()).isEmpty();
    assertThat(r.reason()).contains(expected.name().toLowerCase(java.util.Locale.ROOT));
  }

  @Test
  void ipv6_isQueriedAs32ReversedNibbles() {
    ZoneResolver dns =
        ZoneResolver.of(
            ipZone(
                "bl.example",
                """
        1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2 IN A 127.0.0.2
        """));
    DnsblResult r = check(Dnsbl.list("bl.example").healthProbes(false), dns, "2001:db8::1");
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(r.lists().get(0).query())
        .isEqualTo("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.bl.example");
    assertThat(r.lists().get(0).subject()).isEqualTo("2001:db8:0:0:0:0:0:1");
  }

  @Test
  void ipv4MappedIpv6_isQueriedAsIpv4() throws Exception {
    byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 1};
    var v6 = java.net.Inet6Address.getByAddress(null, mapped, -1);
    assertThat(v6).isInstanceOf(java.net.Inet6Address.class);
    DnsList list = Dnsbl.spamhausZen().healthProbes(false);
    // build a session directly with the mapped form; MailSession may unmap it already, the
    // query name must be IPv4 either way
    var ctx =
        context(dev.mailwarden.MailSession.builder().clientIp(v6).build(), zen(), ticker, events);
    DnsblResult r = Dnsbl.check(list).check(ctx).join();
    assertThat(r.lists().get(0).query()).isEqualTo("1.2.0.192.zen.spamhaus.org");
    assertThat(dev.mailwarden.dnsbl.internal.AddressKey.of(v6))
        .isEqualTo(dev.mailwarden.dnsbl.internal.AddressKey.of(Fixtures.ip("192.0.2.1")));
  }

  @Test
  void ipv4OnlyList_doesNotQueryIpv6Clients() {
    ZoneResolver dns = zen();
    DnsblResult r = check(Dnsbl.spamhausZen().ipv4Only(), dns, "2001:db8::1");
    assertThat(r.outcome()).isEqualTo(Outcome.NONE);
    assertThat(dns.queryCount()).isZero(); // no lookup and no IPv6 probe
    assertThat(events.events).isEmpty();
  }

  @Test
  void allowlistListing_isPass_withNegativeScore() {
    ZoneResolver dns = ZoneResolver.of(ipZone("list.dnswl.example", "1.2.0.192 IN A 127.0.10.2\n"));
    DnsblResult r = check(Dnswl.list("list.dnswl.example").healthProbes(false), dns, "192.0.2.1");
    assertThat(r.outcome()).isEqualTo(Outcome.PASS);
    assertThat(DnsblWeights.defaults().score(r)).isEqualTo(-1.0);
    assertThat(DnsblWeights.builder().list("list.dnswl.example", -3).build().score(r))
        .isEqualTo(-3.0);
    assertThat(r.smtpReply()).isEmpty();
    assertThat(dns.queries()).doesNotContain("1.2.0.192.list.dnswl.example TXT");
  }

  @Test
  void details_nameZoneQueryCodesAndCategories() {
    DnsblResult r = check(Dnsbl.spamhausZen().healthProbes(false), zen(), "192.0.2.1");
    assertThat(r.details())
        .containsEntry("zen.spamhaus.org.zone", "zen.spamhaus.org")
        .containsEntry("zen.spamhaus.org.query", "1.2.0.192.zen.spamhaus.org")
        .containsEntry("zen.spamhaus.org.status", "LISTED")
        .containsEntry("zen.spamhaus.org.codes", "127.0.0.2,127.0.0.4")
        .containsEntry("zen.spamhaus.org.categories", "sbl,xbl");
  }

  @Test
  void mailWarden_scoresTheRegistrationWeights_perList_andRepliesWithTheListName() {
    MailWarden w =
        MailWarden.builder(TestRuntime.of(zen()))
            .check(
                Dnsbl.check(
                    Dnsbl.spamhausZen().healthProbes(false),
                    Dnsbl.parse("zen.spamhaus.org=127.0.0.4").healthProbes(false)),
                DnsblWeights.builder()
                    .list("zen.spamhaus.org", 3.0)
                    .list("zen.spamhaus.org=127.0.0.4", 2.0)
                    .build())
            .rejectAt(5)
            .build();
    Evaluation ev = w.evaluateAndWait(session("192.0.2.1"));
    assertThat(ev.verdict()).isEqualTo(Verdict.REJECT);
    assertThat(ev.smtpReply().text()).contains("zen.spamhaus.org");
    assertThat(ev.checks()).extracting(c -> c.score()).containsExactly(5.0);
  }

  @Test
  void mailWarden_withoutWeights_scoresOnePerListing() {
    MailWarden w =
        MailWarden.builder(TestRuntime.of(zen()))
            .check(Dnsbl.check(Dnsbl.spamhausZen().healthProbes(false)))
            .build();
    Evaluation ev = w.evaluateAndWait(session("192.0.2.1"));
    assertThat(ev.score()).isEqualTo(1.0);
    assertThat(ev.verdict()).isEqualTo(Verdict.ACCEPT);
  }

  @Test
  void deadline_givesTimeoutForTheSilentList_andKeepsTheOthers() {
    ZoneResolver dns =
        ZoneResolver.builder()
            .zone(ZEN_DATA)
            .zone(ipZone("slow.example", ""))
            .hang("1.2.0.192.slow.example")
            .build();
    DnsblChecker g =
        Dnsbl.builder()
            .name("lists")
            .list(Dnsbl.spamhausZen().healthProbes(false))
            .list(Dnsbl.list("slow.example").healthProbes(false))
            .build();
    var ctx =
        dev.mailwarden.CheckContext.builder(session("192.0.2.1"), dns)
            .deadline(Duration.ofMillis(300))
            .build();
    long t0 = System.nanoTime();
    DnsblResult r = g.check(ctx).join();
    // the hung lookup never answers: only the deadline can end the check (slack for a loaded
    // machine)
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(1500));
    assertThat(r.lists()).hasSize(2);
    assertThat(r.lists().get(0).status()).isEqualTo(ListStatus.LISTED);
    assertThat(r.lists().get(1).error()).hasValue(ListError.TIMEOUT);
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL); // a listing elsewhere still counts
  }

  @Test
  void toString_showsTheSpec() {
    assertThat(Dnsbl.parse("bl.example.net=127.0.0.[2..11]").toString())
        .isEqualTo("Dnsbl[bl.example.net=127.0.0.[2..11]]");
    assertThat(Dnsbl.check(Dnsbl.parse("bl.example.net")).toString())
        .isEqualTo("Dnsbl[dnsbl: bl.example.net]");
    assertThat(Dnsbl.spamhausZen().toString()).contains("zen.spamhaus.org");
  }

  @Test
  void replyOfAParsedSpec_namesTheZoneWithoutTheFilter() {
    DnsblResult r =
        check(
            Dnsbl.parse("zen.spamhaus.org=127.0.0.[2..11]").healthProbes(false),
            zen(),
            "192.0.2.1");
    assertThat(r.smtpReply().orElseThrow().text())
        .startsWith(
            "Service unavailable; client [192.0.2.1] blocked using zen.spamhaus.org; https://")
        .doesNotContain("=127");
    assertThat(r.reason()).isEqualTo("192.0.2.1 listed in zen.spamhaus.org 127.0.0.2,127.0.0.4");
  }
}
