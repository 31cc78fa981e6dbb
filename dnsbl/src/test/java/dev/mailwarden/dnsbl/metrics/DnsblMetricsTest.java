package dev.mailwarden.dnsbl.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.DecisionLog;
import dev.mailwarden.Evaluation;
import dev.mailwarden.MailSession;
import dev.mailwarden.MailWarden;
import dev.mailwarden.dns.ZoneResolver;
import dev.mailwarden.dnsbl.Dnsbl;
import dev.mailwarden.dnsbl.DnsblChecker;
import dev.mailwarden.dnsbl.Dnswl;
import dev.mailwarden.testing.TestRuntime;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class DnsblMetricsTest {
  private static String zone(String origin, String records) {
    return "$ORIGIN "
        + origin
        + ".\n"
        + "@ 300 IN SOA ns hostmaster 1 3600 600 86400 60\n"
        + "2.0.0.127 300 IN A 127.0.0.2\n"
        + records;
  }

  private static final ZoneResolver DNS =
      ZoneResolver.builder()
          .zone(
              zone("good.example", "1.2.0.192 300 IN A 127.0.0.2\n1.2.0.192 300 IN A 127.0.0.4\n"))
          .zone(zone("hijacked.example", "1.2.0.192 300 IN A 192.0.2.99\n"))
          .zone(zone("wl.example", "1.2.0.192 300 IN A 127.0.10.2\n"))
          .build();

  private final DnsblChecker lists =
      Dnsbl.check(
          Dnsbl.list("good.example").cacheSize(0),
          Dnsbl.list("hijacked.example").cacheSize(0),
          Dnswl.list("wl.example").cacheSize(0));

  private Evaluation evaluate(SimpleMeterRegistry registry) throws Exception {
    DnsblMetrics metrics = DnsblMetrics.bind(registry).bindHealth(lists);
    MailWarden warden =
        MailWarden.builder(TestRuntime.of(DNS))
            .decisionLog(DecisionLog.off())
            .shortCircuit(false)
            .listener(metrics)
            .check(lists)
            .build();
    return warden.evaluateAndWait(
        MailSession.builder().clientIp(InetAddress.getByName("192.0.2.1")).build());
  }

  @Test
  void answersErrorsAndHealth_areCountedByList() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();

    evaluate(registry);

    assertThat(
            registry
                .get("mailwarden.dnsbl.answers")
                .tags("list", "good.example", "status", "listed")
                .counter()
                .count())
        .isEqualTo(1);
    assertThat(
            registry
                .get("mailwarden.dnsbl.answers")
                .tags("list", "hijacked.example", "status", "error")
                .counter()
                .count())
        .isEqualTo(1);
    assertThat(
            registry
                .get("mailwarden.dnsbl.errors")
                .tags("list", "hijacked.example", "error", "outside_loopback")
                .counter()
                .count())
        .isEqualTo(1);
    assertThat(
            registry
                .get("mailwarden.dnsbl.health.changes")
                .tags("list", "hijacked.example", "family", "IPv4", "healthy", "false")
                .counter()
                .count())
        .isEqualTo(1);
    assertThat(
            registry
                .get("mailwarden.dnsbl.healthy")
                .tags("list", "hijacked.example", "family", "IPv4")
                .gauge()
                .value())
        .isZero();
    assertThat(
            registry
                .get("mailwarden.dnsbl.healthy")
                .tags("list", "good.example", "family", "IPv4")
                .gauge()
                .value())
        .isEqualTo(1);
    registry
        .getMeters()
        .forEach(
            m ->
                m.getId()
                    .getTags()
                    .forEach(
                        t ->
                            assertThat(t.getValue())
                                .as(m.getId().toString())
                                .doesNotContain("192.0.2")));
  }

  @Test
  void decisionLine_namesHitsWithCodes_allowlistHits_andListsInError() throws Exception {
    Evaluation ev = evaluate(new SimpleMeterRegistry());

    String line = DecisionLog.standard().format(ev, "t1");

    assertThat(line)
        .contains(" dnsbl_hit=good.example:127.0.0.2,127.0.0.4 ")
        .contains(" dnsbl_error=hijacked.example ")
        .contains(" dnswl_hit=wl.example:127.0.10.2 ")
        .contains(" check.dnsbl=fail ");
  }
}
