package dev.mailwarden.dnsbl;

import static dev.mailwarden.dnsbl.Fixtures.context;
import static dev.mailwarden.dnsbl.Fixtures.ipZone;
import static dev.mailwarden.dnsbl.Fixtures.session;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.Outcome;
import dev.mailwarden.dns.DnsStatus;
import dev.mailwarden.dns.ZoneResolver;
import dev.mailwarden.dnsbl.Fixtures.Events;
import dev.mailwarden.dnsbl.Fixtures.FakeTicker;
import dev.mailwarden.testing.TestRuntime;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** RFC 5782 section 5 health probes: lazy, rate-limited, reported, skipped until recovery. */
class HealthProbeTest {
  private final FakeTicker ticker = new FakeTicker();
  private final Events events = new Events();

  private DnsblResult check(DnsblChecker list, ZoneResolver dns, String ip) {
    return list.check(context(session(ip), dns, ticker, events)).join();
  }

  @Test
  void healthyList_probesOnce_andReportsNothing() {
    ZoneResolver dns = ZoneResolver.of(ipZone("bl.example", ""));
    DnsblChecker list = Dnsbl.check(Dnsbl.list("bl.example").cacheSize(0));
    check(list, dns, "192.0.2.1");
    check(list, dns, "192.0.2.2");
    assertThat(dns.queries())
        .containsOnlyOnce("2.0.0.127.bl.example A")
        .containsOnlyOnce("1.0.0.127.bl.example A");
    assertThat(events.events).isEmpty();
  }

  @Test
  void missingTestPoint_marksUnhealthy_reports_andSkips() {
    ZoneResolver dns =
        ZoneResolver.of(
            "$ORIGIN bl.example.\n@ IN SOA ns h 1 1 1 1 60\n1.2.0.192 IN A 127.0.0.2\n");
    DnsblChecker list = Dnsbl.check(Dnsbl.list("bl.example").cacheSize(0));
    DnsblResult first = check(list, dns, "192.0.2.1");
    // the zone resolver answers at once, so the first lookup's probe already decides it
    assertThat(first.lists().get(0).error()).hasValue(ListError.UNHEALTHY);
    assertThat(events.health()).hasSize(1);
    ListHealthEvent e = events.health().get(0);
    assertThat(e.healthy()).isFalse();
    assertThat(e.skipped()).isTrue();
    assertThat(e.problem()).contains("127.0.0.2", "not listed");
    assertThat(e.description()).contains("bl.example", "unhealthy", "skipped");
    assertThat(list.health())
        .filteredOn(h -> h.family().equals("IPv4"))
        .singleElement()
        .satisfies(
            h -> {
              assertThat(h.healthy()).isFalse();
              assertThat(h.problem()).contains("127.0.0.2");
            });

    int before = dns.queryCount();
    DnsblResult second = check(list, dns, "192.0.2.1");
    assertThat(dns.queryCount()).isEqualTo(before); // skipped, and the retry is not due yet
    assertThat(second.outcome()).isEqualTo(Outcome.TEMPERROR);
    assertThat(second.lists().get(0).error()).hasValue(ListError.UNHEALTHY);
    assertThat(second.lists().get(0).detail()).contains("127.0.0.2");
  }

  @Test
  void listAnsweringEverything_isUnhealthy() {
    ZoneResolver dns =
        ZoneResolver.of("$ORIGIN bl.example.\n@ IN SOA ns h 1 1 1 1 60\n* IN A 127.0.0.2\n");
    check(Dnsbl.check(Dnsbl.list("bl.example")), dns, "192.0.2.1");
    assertThat(events.health())
        .singleElement()
        .satisfies(e -> assertThat(e.problem()).contains("127.0.0.1", "everything"));
  }

  @Test
  void blockedCode_marksUnhealthyAtOnce_thenSkips() {
    ZoneResolver dns =
        ZoneResolver.of(ipZone("zen.spamhaus.org", "1.2.0.192 IN A 127.255.255.255\n"));
    DnsblChecker zen = Dnsbl.check(Dnsbl.spamhausZen().cacheSize(0));
    DnsblResult r = check(zen, dns, "192.0.2.1");
    assertThat(r.lists().get(0).error()).hasValue(ListError.RATE_LIMITED);
    assertThat(events.health())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.healthy()).isFalse();
              assertThat(e.problem()).contains("127.255.255.255");
            });
    int before = dns.queryCount();
    DnsblResult second = check(zen, dns, "192.0.2.1");
    assertThat(second.lists().get(0).error()).hasValue(ListError.UNHEALTHY);
    assertThat(dns.queryCount()).isEqualTo(before);
  }

  @Test
  void unhealthyList_recoversAfterAPassingProbe_atTheRetryInterval() {
    ZoneResolver blocked = ZoneResolver.of("$ORIGIN zen.spamhaus.org.\n* IN A 127.255.255.254\n");
    DnsblChecker zen =
        Dnsbl.check(
            Dnsbl.spamhausZen()
                .cacheSize(0)
                .probeInterval(Duration.ofMinutes(10), Duration.ofMinutes(1)));
    DnsblResult r = check(zen, blocked, "192.0.2.1");
    assertThat(r.outcome()).isEqualTo(Outcome.TEMPERROR);
    assertThat(events.health())
        .singleElement()
        .satisfies(e -> assertThat(e.problem()).contains("127.255.255.254"));

    // the operator fixes the resolver (e.g. a local one instead of a public one)
    ZoneResolver fixed = ZoneResolver.of(ipZone("zen.spamhaus.org", "1.2.0.192 IN A 127.0.0.2\n"));
    DnsblResult stillSkipped = check(zen, fixed, "192.0.2.1");
    assertThat(stillSkipped.lists().get(0).error()).hasValue(ListError.UNHEALTHY);
    assertThat(fixed.queries()).isEmpty(); // the retry is not due yet: probes are rate-limited

    ticker.advanceSeconds(61);
    DnsblResult recovered = check(zen, fixed, "192.0.2.1");
    assertThat(events.health()).last().satisfies(e -> assertThat(e.healthy()).isTrue());
    assertThat(recovered.outcome()).isEqualTo(Outcome.FAIL);
  }

  @Test
  void withoutProbes_anUnhealthyListIsReportedButNeverSkipped() {
    ZoneResolver dns =
        ZoneResolver.of(
            ipZone(
                "zen.spamhaus.org", "1.2.0.192 IN A 127.255.255.254\n3.2.0.192 IN A 127.0.0.2\n"));
    DnsblChecker zen = Dnsbl.check(Dnsbl.spamhausZen().healthProbes(false).cacheSize(0));
    check(zen, dns, "192.0.2.1");
    assertThat(events.health()).singleElement().satisfies(e -> assertThat(e.skipped()).isFalse());
    assertThat(check(zen, dns, "192.0.2.3").outcome()).isEqualTo(Outcome.FAIL);
  }

  @Test
  void skipDisabled_stillQueriesAndStillReports() {
    ZoneResolver dns = ZoneResolver.of("$ORIGIN bl.example.\n1.2.0.192 IN A 127.0.0.2\n");
    DnsblChecker list = Dnsbl.check(Dnsbl.list("bl.example").skipWhenUnhealthy(false).cacheSize(0));
    check(list, dns, "192.0.2.1");
    DnsblResult second = check(list, dns, "192.0.2.1");
    assertThat(second.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(events.health()).singleElement().satisfies(e -> assertThat(e.skipped()).isFalse());
  }

  @Test
  void probeDnsErrors_areInconclusive() {
    ZoneResolver dns =
        ZoneResolver.builder()
            .zone("$ORIGIN bl.example.\n1.2.0.192 IN A 127.0.0.2\n")
            .fail("2.0.0.127.bl.example", DnsStatus.SERVFAIL)
            .build();
    check(Dnsbl.check(Dnsbl.list("bl.example")), dns, "192.0.2.1");
    assertThat(events.events).isEmpty();
  }

  @Test
  void ipv6Lookups_probeTheIpv6TestPoints() {
    ZoneResolver dns = ZoneResolver.of(ipZone("bl.example", ""));
    check(Dnsbl.check(Dnsbl.list("bl.example")), dns, "2001:db8::1");
    assertThat(dns.queries())
        .contains(
            "2.0.0.0.0.0.f.7.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.bl.example A",
            "1.0.0.0.0.0.f.7.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.bl.example A");
  }

  @Test
  void domainLists_probeTestAndInvalid() {
    ZoneResolver dns = ZoneResolver.of(Fixtures.domainZone("dbl.example", ""));
    var s = dev.mailwarden.MailSession.builder().helo("mail.example.com").build();
    Dnsbl.check(Rhsbl.list("dbl.example")).check(context(s, dns, ticker, events)).join();
    assertThat(dns.queries()).contains("test.dbl.example A", "invalid.dbl.example A");
    assertThat(events.events).isEmpty();
  }

  @Test
  void healthEvents_reachTheMailWardenListener_withTheCheckName() {
    ZoneResolver dns = ZoneResolver.of("$ORIGIN bl.example.\n1.2.0.192 IN A 127.0.0.2\n");
    java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    dev.mailwarden.MailWarden w =
        dev.mailwarden.MailWarden.builder(TestRuntime.of(dns))
            .check(Dnsbl.check(Dnsbl.parse("bl.example=127.0.0.2")), DnsblWeights.listed(2))
            .listener(
                new dev.mailwarden.EvaluationListener() {
                  @Override
                  public void onCheckEvent(String checkName, dev.mailwarden.CheckEvent event) {
                    seen.add(checkName + ": " + event.description());
                  }
                })
            .build();
    w.evaluateAndWait(session("192.0.2.1"));
    assertThat(seen)
        .singleElement()
        .asString()
        .startsWith("dnsbl: DNS list bl.example=127.0.0.2 (IPv4) is unhealthy");
  }
}
