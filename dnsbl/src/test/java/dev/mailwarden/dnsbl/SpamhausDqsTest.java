package dev.mailwarden.dnsbl;

import static dev.mailwarden.dnsbl.Fixtures.context;
import static dev.mailwarden.dnsbl.Fixtures.session;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailwarden.MailSession;
import dev.mailwarden.Outcome;
import dev.mailwarden.dns.DnsStatus;
import dev.mailwarden.dns.ZoneResolver;
import dev.mailwarden.dnsbl.Fixtures.Events;
import dev.mailwarden.dnsbl.Fixtures.FakeTicker;
import dev.mailwarden.testing.TestRuntime;
import org.junit.jupiter.api.Test;

/** DQS: the key is in the query sent and nowhere else. */
class SpamhausDqsTest {
  private static final String KEY = "abcdefghijklmnopqrstuvwxyz";
  private final FakeTicker ticker = new FakeTicker();
  private final Events events = new Events();

  private static ZoneResolver dqs(String records) {
    return ZoneResolver.of(
        "$ORIGIN " + KEY + ".zen.dq.spamhaus.net.\n" + "2.0.0.127 IN A 127.0.0.2\n" + records);
  }

  @Test
  void zen_queriesWithTheKey_andShowsItNowhere() {
    ZoneResolver dns =
        dqs("1.2.0.192 IN A 127.0.0.3\n1.2.0.192 IN TXT \"listed: see " + KEY + "\"\n");
    DnsList zen = Dnsbl.spamhausDqs(KEY).zen();
    DnsblResult r =
        Dnsbl.check(zen).check(context(session("192.0.2.1"), dns, ticker, events)).join();
    assertThat(dns.queries()).contains("1.2.0.192." + KEY + ".zen.dq.spamhaus.net A");
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(r.lists().get(0).categories()).containsExactly("css");
    assertThat(r.toString()).doesNotContain(KEY);
    assertThat(r.reason()).doesNotContain(KEY);
    assertThat(r.details().toString()).doesNotContain(KEY).contains("<key>");
    assertThat(r.lists().toString()).doesNotContain(KEY);
    assertThat(r.smtpReply().orElseThrow().toString())
        .doesNotContain(KEY)
        .contains("zen.dq.spamhaus.net");
    assertThat(zen.toString()).doesNotContain(KEY);
    assertThat(zen.zone()).isEqualTo("<key>.zen.dq.spamhaus.net");
    assertThat(zen.name()).isEqualTo("zen.dq.spamhaus.net");
    assertThat(Dnsbl.spamhausDqs(KEY).toString()).doesNotContain(KEY);
  }

  @Test
  void evaluation_dnsLogAndListener_neverShowTheKey() {
    ZoneResolver dns = dqs("1.2.0.192 IN A 127.0.0.3\n");
    java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    dev.mailwarden.EvaluationListener listener =
        new dev.mailwarden.EvaluationListener() {
          @Override
          public void onDnsQuery(
              MailSession s, String check, dev.mailwarden.dns.DnsAnswer a, java.time.Duration d) {
            seen.add(a.name() + " " + a);
          }
        };
    dev.mailwarden.MailWarden w =
        dev.mailwarden.MailWarden.builder(TestRuntime.of(dns))
            .listener(listener)
            .check(Dnsbl.builder().name("dqs").list(Dnsbl.spamhausDqs(KEY).zen()).build())
            .build();
    dev.mailwarden.Evaluation ev = w.evaluateAndWait(session("192.0.2.1"));
    assertThat(dns.queries()).anyMatch(q -> q.contains(KEY)); // the key is sent ...
    assertThat(ev.dns().log())
        .isNotEmpty()
        .allSatisfy(q -> assertThat(q.name()).doesNotContain(KEY).contains("<redacted>"));
    assertThat(seen).isNotEmpty().allSatisfy(line -> assertThat(line).doesNotContain(KEY));
    assertThat(ev.summary()).doesNotContain(KEY); // ... and shown nowhere
    assertThat(ev.smtpReply().toString()).doesNotContain(KEY);
  }

  @Test
  void invalidKeyCode_isAnError_andTheEventHidesTheKey() {
    ZoneResolver dns =
        ZoneResolver.of("$ORIGIN " + KEY + ".zen.dq.spamhaus.net.\n* IN A 127.255.255.250\n");
    DnsList zen = Dnsbl.spamhausDqs(KEY).zen().healthProbes(false);
    DnsblResult r =
        Dnsbl.check(zen).check(context(session("192.0.2.1"), dns, ticker, events)).join();
    assertThat(r.outcome()).isEqualTo(Outcome.TEMPERROR);
    assertThat(r.lists().get(0).error()).hasValue(ListError.INVALID_KEY);
    assertThat(events.health())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.description()).doesNotContain(KEY);
              assertThat(e.zone()).doesNotContain(KEY);
            });
  }

  @Test
  void dnsErrorDetails_hideTheKey() {
    ZoneResolver dns =
        ZoneResolver.builder()
            .fail("1.2.0.192." + KEY + ".zen.dq.spamhaus.net", DnsStatus.SERVFAIL)
            .build();
    DnsblResult r =
        Dnsbl.check(Dnsbl.spamhausDqs(KEY).zen().healthProbes(false))
            .check(context(session("192.0.2.1"), dns, ticker, events))
            .join();
    assertThat(r.lists().get(0).detail()).doesNotContain(KEY);
    assertThat(r.reason()).doesNotContain(KEY);
  }

  @Test
  void dbl_queriesDomainsWithTheKey() {
    ZoneResolver dns =
        ZoneResolver.of("$ORIGIN " + KEY + ".dbl.dq.spamhaus.net.\nbad.example IN A 127.0.1.4\n");
    MailSession s = MailSession.builder().mailFrom("x@Bad.Example.").build();
    DnsblResult r =
        Dnsbl.check(Dnsbl.spamhausDqs(KEY).dbl().healthProbes(false))
            .check(context(s, dns, ticker, events))
            .join();
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(r.lists().get(0).categories()).containsExactly("phish");
    assertThat(r.toString() + r.details() + r.smtpReply()).doesNotContain(KEY);
  }

  @Test
  void badKey_isRejected_withoutEchoingIt() {
    assertThatThrownBy(() -> SpamhausDqs.key("not a key!"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("not a key!");
  }
}
