package dev.mailwarden.dnsbl;

import static dev.mailwarden.dnsbl.Fixtures.context;
import static dev.mailwarden.dnsbl.Fixtures.domainZone;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.CapExceeded;
import dev.mailwarden.MailSession;
import dev.mailwarden.Outcome;
import dev.mailwarden.dns.ZoneResolver;
import dev.mailwarden.dnsbl.Fixtures.Events;
import dev.mailwarden.dnsbl.Fixtures.FakeTicker;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Domain lists: HELO, MAIL FROM, From header and rDNS names, normalized. */
class RhsblTest {
  private final FakeTicker ticker = new FakeTicker();
  private final Events events = new Events();

  private static final ZoneResolver DNS =
      ZoneResolver.builder()
          .zone(
              domainZone(
                  "dbl.spamhaus.org",
                  """
          helo.example IN A 127.0.1.2
          sender.example IN A 127.0.1.5
          xn--bcher-kva.example IN A 127.0.1.4
          ptr.example IN A 127.0.1.6
          abused.example IN A 127.0.1.102
          ipquery.example IN A 127.0.1.255
          """))
          .ptr("1.2.0.192.in-addr.arpa", "PTR.Example.")
          .build();

  private DnsblResult check(DnsList list, MailSession s) {
    return Dnsbl.check(list).check(context(s, DNS, ticker, events)).join();
  }

  private static DnsList dbl() {
    return Rhsbl.spamhausDbl().healthProbes(false);
  }

  @Test
  void heloName_isListed_withItsCategory() {
    DnsblResult r = check(dbl(), MailSession.builder().helo("HELO.example.").build());
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
    ListResult l = r.lists().get(0);
    assertThat(l.subject()).isEqualTo("helo.example");
    assertThat(l.source()).isEqualTo("helo");
    assertThat(l.categories()).containsExactly("spam");
    assertThat(l.query()).isEqualTo("helo.example.dbl.spamhaus.org");
    assertThat(r.smtpReply().orElseThrow().text())
        .contains("helo domain helo.example", "dbl.spamhaus.org", "spam");
  }

  @Test
  void mailFromDomain_isListed() {
    DnsblResult r = check(dbl(), MailSession.builder().mailFrom("<bob@sender.example>").build());
    assertThat(r.lists().get(0).categories()).containsExactly("malware");
    assertThat(r.lists().get(0).source()).isEqualTo("mail-from");
  }

  @Test
  void fromHeaderDomain_isParsed_andIdnBecomesALabels() {
    byte[] msg =
        ("From: =?UTF-8?Q?B=C3=BCcher?= <info@bücher.example>\r\nSubject: hi\r\n\r\nbody\r\n")
            .getBytes(StandardCharsets.UTF_8);
    DnsblResult r = check(dbl(), MailSession.builder().message(msg).build());
    assertThat(r.lists())
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.subject()).isEqualTo("xn--bcher-kva.example");
              assertThat(l.source()).isEqualTo("from-header");
              assertThat(l.categories()).containsExactly("phish");
            });
  }

  @Test
  void rdnsName_isLookedUpThroughPtr() {
    DnsblResult r = check(dbl(), MailSession.builder().clientIp(Fixtures.ip("192.0.2.1")).build());
    assertThat(r.lists())
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.subject()).isEqualTo("ptr.example");
              assertThat(l.source()).isEqualTo("rdns");
              assertThat(l.categories()).containsExactly("botnet-cc");
            });
  }

  @Test
  void oneDomainFromSeveralSources_isQueriedOnce() {
    ZoneResolver dns = ZoneResolver.of(domainZone("dbl.example", "same.example IN A 127.0.1.2\n"));
    MailSession s = MailSession.builder().helo("same.example").mailFrom("a@same.example").build();
    DnsblResult r =
        Dnsbl.check(Rhsbl.list("dbl.example").healthProbes(false))
            .check(context(s, dns, ticker, events))
            .join();
    assertThat(r.lists())
        .singleElement()
        .satisfies(l -> assertThat(l.source()).isEqualTo("helo,mail-from"));
    assertThat(dns.queries()).containsOnlyOnce("same.example.dbl.example A");
  }

  @Test
  void addressLiteralsNullSenderAndSingleLabels_areNeverSent() {
    ZoneResolver dns = ZoneResolver.of(domainZone("dbl.example", ""));
    MailSession s = MailSession.builder().helo("[192.0.2.1]").nullSender().build();
    DnsblResult r =
        Dnsbl.check(Rhsbl.list("dbl.example").healthProbes(false))
            .check(context(s, dns, ticker, events))
            .join();
    assertThat(r.outcome()).isEqualTo(Outcome.NONE);
    MailSession s2 = MailSession.builder().helo("localhost").build();
    Dnsbl.check(Rhsbl.list("dbl.example").healthProbes(false))
        .check(context(s2, dns, ticker, events))
        .join();
    MailSession s3 = MailSession.builder().helo("192.0.2.1").build();
    Dnsbl.check(Rhsbl.list("dbl.example").healthProbes(false))
        .check(context(s3, dns, ticker, events))
        .join();
    assertThat(dns.queries()).isEmpty();
  }

  @Test
  void dblIpQueryCode_isAnError() {
    DnsblResult r =
        check(
            dbl().skipWhenUnhealthy(false), MailSession.builder().helo("ipquery.example").build());
    assertThat(r.outcome()).isEqualTo(Outcome.TEMPERROR);
    assertThat(r.lists().get(0).error()).hasValue(ListError.QUERY_REJECTED);
  }

  @Test
  void sources_limitWhatIsChecked() {
    DnsList heloOnly = dbl().sources(DomainSource.HELO);
    MailSession s = MailSession.builder().mailFrom("bob@sender.example").build();
    assertThat(Dnsbl.check(heloOnly).appliesTo(s)).isFalse();
    assertThat(Dnsbl.check(dbl()).appliesTo(s)).isTrue();
    DnsblResult r = check(heloOnly, s.toBuilder().helo("clean.example").build());
    assertThat(r.lists())
        .singleElement()
        .satisfies(l -> assertThat(l.subject()).isEqualTo("clean.example"));
    assertThat(r.outcome()).isEqualTo(Outcome.NONE);
  }

  @Test
  void abusedLegitCategory_isNamed() {
    DnsblResult r = check(dbl(), MailSession.builder().helo("abused.example").build());
    assertThat(r.lists().get(0).categories()).containsExactly("abused-legit-spam");
  }

  @Test
  void fromHeaderWithMoreDomainsThanTheCap_givesOneErrorNamingIt_andNoLookups() {
    StringBuilder from = new StringBuilder("From: ");
    for (int i = 0; i < 500; i++) {
      from.append(i == 0 ? "" : ", ").append("a@d").append(i).append(".example");
    }
    byte[] msg = (from + "\r\nSubject: hi\r\n\r\nbody\r\n").getBytes(StandardCharsets.UTF_8);
    DnsblResult r = check(dbl(), MailSession.builder().message(msg).build());
    assertThat(r.lists())
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.status()).isEqualTo(ListStatus.ERROR);
              assertThat(l.error()).contains(ListError.TOO_MANY_NAMES);
              assertThat(l.detail()).contains("maxFromDomains (8)");
            });
    assertThat(r.outcome()).isNotEqualTo(Outcome.PASS).isNotEqualTo(Outcome.FAIL);
    assertThat(events.events)
        .filteredOn(CapExceeded.class::isInstance)
        .map(e -> ((CapExceeded) e).cap())
        .containsExactly("dnsbl.from-domains");
  }

  @Test
  void fromHeaderDomains_upToTheCap_areEachLookedUp_andTheCapIsSettable() {
    byte[] msg =
        "From: a@sender.example, b@helo.example, c@other.example\r\n\r\nbody\r\n"
            .getBytes(StandardCharsets.UTF_8);
    DnsblResult r = check(dbl(), MailSession.builder().message(msg).build());
    assertThat(r.lists()).hasSize(3);
    assertThat(events.events).noneMatch(CapExceeded.class::isInstance);
    DnsblResult capped = check(dbl().maxFromDomains(2), MailSession.builder().message(msg).build());
    assertThat(capped.lists())
        .singleElement()
        .satisfies(l -> assertThat(l.detail()).contains("maxFromDomains (2)"));
  }
}
