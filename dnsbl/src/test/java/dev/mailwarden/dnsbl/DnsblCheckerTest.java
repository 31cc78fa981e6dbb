package dev.mailwarden.dnsbl;

import static dev.mailwarden.dnsbl.Fixtures.context;
import static dev.mailwarden.dnsbl.Fixtures.ipZone;
import static dev.mailwarden.dnsbl.Fixtures.session;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailwarden.Outcome;
import dev.mailwarden.dns.DnsStatus;
import dev.mailwarden.dns.ZoneResolver;
import dev.mailwarden.dnsbl.Fixtures.Events;
import dev.mailwarden.dnsbl.Fixtures.FakeTicker;
import org.junit.jupiter.api.Test;

/**
 * Groups: one query per zone, one cache entry per address, TTL honoured with an injected ticker.
 */
class DnsblCheckerTest {
  private final FakeTicker ticker = new FakeTicker();
  private final Events events = new Events();

  private static ZoneResolver threeLists() {
    return ZoneResolver.builder()
        .zone(ipZone("zen.spamhaus.org", "1.2.0.192 60 IN A 127.0.0.10\n"))
        .zone(ipZone("bl.example", "1.2.0.192 120 IN A 127.0.0.2\n"))
        .zone(ipZone("list.dnswl.example", "1.2.0.192 300 IN A 127.0.5.1\n"))
        .build();
  }

  private static DnsblChecker group() {
    return Dnsbl.builder()
        .name("dnsbl")
        .list(Dnsbl.parse("zen.spamhaus.org=127.0.0.[10;11]").named("zen-pbl").healthProbes(false))
        .list(
            Dnsbl.parse("zen.spamhaus.org=127.0.0.[2..9]").named("zen-sbl-xbl").healthProbes(false))
        .list(Dnsbl.parse("bl.example").healthProbes(false))
        .list(Dnswl.parse("list.dnswl.example=127.0.[0..255].[1..3]").healthProbes(false))
        .build();
  }

  /** The postscreen weights of the old spec strings, now given at registration. */
  private static final DnsblWeights WEIGHTS =
      DnsblWeights.builder()
          .list("zen-pbl", -1)
          .list("zen-sbl-xbl", 3)
          .list("bl.example", 2)
          .list("list.dnswl.example", -2)
          .build();

  @Test
  void sameZoneWithTwoFilters_isQueriedOnce_andScoredTwice() {
    ZoneResolver dns = threeLists();
    DnsblResult r = group().check(context(session("192.0.2.1"), dns, ticker, events)).join();
    assertThat(dns.queries().stream().filter(q -> q.startsWith("1.2.0.192.zen.spamhaus.org A")))
        .hasSize(1);
    assertThat(r.lists())
        .extracting(ListResult::list)
        .containsExactly(
            "zen-pbl", "zen-sbl-xbl", "bl.example", "list.dnswl.example=127.0.[0..255].[1..3]");
    assertThat(r.lists())
        .extracting(ListResult::status)
        .containsExactly(
            ListStatus.LISTED, ListStatus.NOT_LISTED, ListStatus.LISTED, ListStatus.LISTED);
    assertThat(WEIGHTS.score(r)).isEqualTo(-1 + 2 - 2.0);
    assertThat(r.outcome())
        .isEqualTo(Outcome.FAIL); // blocklists list it; weights only change the score
  }

  @Test
  void repeatedAddress_isAnsweredFromTheGroupCache_untilTheSmallestTtl() {
    ZoneResolver dns = threeLists();
    DnsblChecker g = group();
    DnsblResult first = g.check(context(session("192.0.2.1"), dns, ticker, events)).join();
    int queries = dns.queryCount();
    ticker.advanceSeconds(59);
    DnsblResult second = g.check(context(session("192.0.2.1"), dns, ticker, events)).join();
    assertThat(dns.queryCount()).isEqualTo(queries);
    assertThat(second).isSameAs(first);
    ticker.advanceSeconds(2); // past the 60 s TTL of the zen answer
    g.check(context(session("192.0.2.1"), dns, ticker, events)).join();
    assertThat(dns.queryCount()).isGreaterThan(queries);
  }

  @Test
  void resultsWithErrors_areNotCached() {
    ZoneResolver dns =
        ZoneResolver.builder()
            .zone(ipZone("bl.example", ""))
            .fail("1.2.0.192.bl.example", DnsStatus.SERVFAIL)
            .build();
    DnsblChecker g =
        Dnsbl.builder().name("g").list(Dnsbl.list("bl.example").healthProbes(false)).build();
    g.check(context(session("192.0.2.1"), dns, ticker, events)).join();
    g.check(context(session("192.0.2.1"), dns, ticker, events)).join();
    assertThat(dns.queries()).filteredOn(q -> q.startsWith("1.2.0.192")).hasSize(2);
  }

  @Test
  void cacheKey_ignoresSpelling_ofTheSameAddress() {
    ZoneResolver dns = ZoneResolver.of(ipZone("bl.example", ""));
    DnsblChecker g =
        Dnsbl.builder().name("g").list(Dnsbl.list("bl.example").healthProbes(false)).build();
    g.check(context(session("2001:db8::1"), dns, ticker, events)).join();
    int n = dns.queryCount();
    g.check(context(session("2001:0db8:0:0::0001"), dns, ticker, events)).join();
    assertThat(dns.queryCount()).isEqualTo(n);
  }

  @Test
  void duplicateNames_areRejected_withAHint() {
    assertThatThrownBy(
            () ->
                Dnsbl.builder()
                    .name("g")
                    .list(Dnsbl.list("bl.example"))
                    .list(Dnsbl.list("bl.example"))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("named");
  }

  @Test
  void mixedGroup_checksIpAndDomainLists() {
    ZoneResolver dns =
        ZoneResolver.builder()
            .zone(ipZone("bl.example", "1.2.0.192 IN A 127.0.0.2\n"))
            .zone(Fixtures.domainZone("dbl.example", "spam.example IN A 127.0.1.2\n"))
            .build();
    DnsblChecker g =
        Dnsbl.builder()
            .name("g")
            .list(Dnsbl.list("bl.example").healthProbes(false))
            .list(Rhsbl.list("dbl.example").sources(DomainSource.HELO).healthProbes(false))
            .build();
    var s =
        dev.mailwarden.MailSession.builder()
            .clientIp(Fixtures.ip("192.0.2.1"))
            .helo("spam.example")
            .build();
    DnsblResult r = g.check(context(s, dns, ticker, events)).join();
    assertThat(r.listings())
        .extracting(ListResult::subject)
        .containsExactly("192.0.2.1", "spam.example");
    assertThat(DnsblWeights.defaults().score(r)).isEqualTo(2.0);
  }

  @Test
  void toString_namesTheLists() {
    assertThat(group().toString())
        .isEqualTo(
            "Dnsbl[dnsbl: zen-pbl, zen-sbl-xbl, bl.example, list.dnswl.example=127.0.[0..255].[1..3]]");
  }
}
