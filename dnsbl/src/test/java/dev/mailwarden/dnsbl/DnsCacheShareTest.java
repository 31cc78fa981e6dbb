package dev.mailwarden.dnsbl;

import static dev.mailwarden.dnsbl.Fixtures.ipZone;
import static dev.mailwarden.dnsbl.Fixtures.session;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.Evaluation;
import dev.mailwarden.MailWarden;
import dev.mailwarden.MailwardenRuntime;
import dev.mailwarden.dns.ZoneResolver;
import org.junit.jupiter.api.Test;

/**
 * A DNS list with its own per-address result cache does not have the runtime's DNS cache keep the
 * same answers a second time; with that cache off, the DNS cache is what remembers them.
 */
class DnsCacheShareTest {
  private static final int ADDRESSES = 50;

  private static ZoneResolver zone() {
    return ZoneResolver.builder()
        .zone(ipZone("bl.example", "1.2.0.192 IN A 127.0.0.2\n1.2.0.192 IN TXT \"listed\"\n"))
        .build();
  }

  /** The DNS cache's entries after evaluating fifty new addresses, one of them listed. */
  private static long dnsEntriesAfterNewAddresses(DnsList list) {
    try (MailwardenRuntime runtime =
        MailwardenRuntime.builder().dns(zone()).executor(Runnable::run).build()) {
      MailWarden w = MailWarden.builder(runtime).check(Dnsbl.check(list)).build();
      for (int i = 1; i <= ADDRESSES; i++) {
        Evaluation ev = w.evaluateAndWait(session("192.0.2." + i));
        assertThat(ev.checks()).extracting(c -> c.score()).containsExactly(i == 1 ? 1.0 : 0.0);
      }
      return runtime.dnsCacheStats().entries();
    }
  }

  @Test
  void withTheListsResultCache_theDnsCacheKeepsNoListAnswers() {
    assertThat(dnsEntriesAfterNewAddresses(Dnsbl.list("bl.example").healthProbes(false))).isZero();
  }

  @Test
  void withoutIt_theDnsCacheKeepsThem() {
    // one A answer per address, and the listed one's TXT reason
    assertThat(
            dnsEntriesAfterNewAddresses(Dnsbl.list("bl.example").healthProbes(false).cacheSize(0)))
        .isEqualTo(ADDRESSES + 1);
  }
}
