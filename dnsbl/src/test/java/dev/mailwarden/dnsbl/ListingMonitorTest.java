package dev.mailwarden.dnsbl;

import static dev.mailwarden.dnsbl.Fixtures.ip;
import static dev.mailwarden.dnsbl.Fixtures.ipZone;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailwarden.CheckEvent;
import dev.mailwarden.dns.ZoneResolver;
import dev.mailwarden.testing.TestRuntime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The monitor for your own outbound addresses. */
class ListingMonitorTest {
  private final ZoneResolver dns =
      ZoneResolver.builder()
          .zone(ipZone("zen.spamhaus.org", "25.2.0.192 IN A 127.0.0.2\n"))
          .zone("$ORIGIN blocked.example.\n* IN A 127.255.255.254\n")
          .build();

  @Test
  void reportsEveryAddressAndList_andErrorsAsErrors() {
    List<CheckEvent> events = new ArrayList<>();
    ListingMonitor m =
        ListingMonitor.builder(TestRuntime.of(dns))
            .list(Dnsbl.spamhausZen())
            .list(Dnsbl.list("blocked.example"))
            .onEvent(events::add)
            .build();
    MonitorReport r = m.checkAndWait(List.of(ip("192.0.2.25"), ip("192.0.2.26")));
    assertThat(r.anyListed()).isTrue();
    assertThat(r.listings())
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.subject()).isEqualTo("192.0.2.25");
              assertThat(l.categories()).containsExactly("sbl");
            });
    assertThat(r.entries().get(1).listed()).isFalse();
    assertThat(r.anyError()).isTrue();
    assertThat(r.lines())
        .hasSize(4)
        .first()
        .asString()
        .startsWith("192.0.2.25 zen.spamhaus.org LISTED 127.0.0.2 (sbl)");
    assertThat(r.lines()).anySatisfy(line -> assertThat(line).contains("blocked.example ERROR"));
    assertThat(events).isNotEmpty();
  }

  @Test
  void cleanAddresses_areNotListed() {
    ListingMonitor m =
        ListingMonitor.builder(TestRuntime.of(dns)).list(Dnsbl.spamhausZen()).build();
    MonitorReport r = m.checkAndWait(List.of(ip("198.51.100.1")));
    assertThat(r.anyListed()).isFalse();
    assertThat(r.lines()).containsExactly("198.51.100.1 zen.spamhaus.org NOT_LISTED");
  }

  @Test
  void buildWithoutListsOrWithDomainLists_isMisuse() {
    assertThatThrownBy(() -> ListingMonitor.builder(TestRuntime.of(dns)).build())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> ListingMonitor.builder(TestRuntime.of(dns)).list(Rhsbl.spamhausDbl()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
