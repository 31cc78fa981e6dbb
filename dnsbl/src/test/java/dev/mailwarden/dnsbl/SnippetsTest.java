package dev.mailwarden.dnsbl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.Evaluation;
import dev.mailwarden.MailWarden;
import dev.mailwarden.MailwardenRuntime;
import dev.mailwarden.Verdict;
import dev.mailwarden.dns.DnsResolver;
import dev.mailwarden.dns.ZoneResolver;
import dev.mailwarden.testing.TestRuntime;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The examples of the Javadoc of {@link Dnsbl} and {@link ListingMonitor}, compiled and run. */
class SnippetsTest {
  private final DnsResolver dns =
      ZoneResolver.builder()
          .zone(Fixtures.ipZone("zen.spamhaus.org", "25.2.0.192 IN A 127.0.0.4\n"))
          .zone(Fixtures.ipZone("bl.example.net", "25.2.0.192 IN A 127.0.0.3\n"))
          .zone(Fixtures.ipZone("bl.example.org", ""))
          .zone(Fixtures.ipZone("list.dnswl.example", ""))
          .build();

  @Test
  void dnsblJavadoc() {
    MailwardenRuntime runtime = TestRuntime.of(dns);
    MailWarden inbound =
        MailWarden.builder(runtime)
            .check(
                Dnsbl.check(Dnsbl.spamhausZen()), DnsblWeights.listed(5.0)) // rejects on a listing
            .check(
                Dnsbl.builder()
                    .list(Dnsbl.list("bl.example.net").codes("127.0.0.[2..11]"))
                    .list(Dnsbl.parse("bl.example.org=127.0.0.4;127.0.0.10")) // postscreen syntax
                    .list(Dnswl.list("list.dnswl.example"))
                    .name("lists")
                    .build(),
                DnsblWeights.builder()
                    .list("bl.example.net", 2.0)
                    .list("list.dnswl.example", -3.0)
                    .build())
            .shortCircuit(false)
            .build();
    Evaluation ev = inbound.evaluateAndWait(Fixtures.session("192.0.2.25"));
    assertThat(ev.verdict()).isEqualTo(Verdict.REJECT);
    assertThat(ev.score()).isEqualTo(7.0);
    assertThat(ev.smtpReply().text()).contains("zen.spamhaus.org (xbl)");
  }

  @Test
  void monitorJavadoc() throws Exception {
    ListingMonitor monitor =
        ListingMonitor.builder(TestRuntime.of(dns))
            .list(Dnsbl.spamhausZen())
            .list(Dnsbl.parse("bl.example.net=127.0.0.[2..11]"))
            .build();
    MonitorReport report = monitor.checkAndWait(List.of(InetAddress.getByName("192.0.2.25")));
    assertThat(report.lines())
        .containsExactly(
            "192.0.2.25 zen.spamhaus.org LISTED 127.0.0.4 (xbl)",
            "192.0.2.25 bl.example.net=127.0.0.[2..11] LISTED 127.0.0.3");
    assertThat(report.anyListed()).isTrue();
  }
}
