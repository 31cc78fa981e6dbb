package dev.mailwarden.dnsbl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.CheckContext;
import dev.mailwarden.MailSession;
import dev.mailwarden.dns.ZoneResolver;
import dev.mailwarden.dnsbl.internal.IpEngine;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResultCacheMemoryTest {

  @Test
  void resultCache_staysUnderItsMemoryBudget_whenAListAnswersEveryAddressWithALongReason()
      throws Exception {
    // a list (or whoever answers for it) that lists every address with 500 bytes of TXT
    String half = "x".repeat(250);
    ZoneResolver dns =
        ZoneResolver.of(
            "*.bl.example. 3600 IN A 127.0.0.2\n"
                + "*.bl.example. 3600 IN TXT \""
                + half
                + "\" \""
                + half
                + "\"\n");
    long budget = 256 << 10;
    IpEngine engine =
        new IpEngine(
            List.of(Dnsbl.list("bl.example").healthProbes(false).cacheMemory(budget).spec()),
            DnsblResult::of);
    int addresses = 5_000;
    for (int i = 0; i < addresses; i++) {
      InetAddress ip = InetAddress.getByAddress(new byte[] {10, 0, (byte) (i >> 8), (byte) i});
      MailSession session = MailSession.builder().clientIp(ip).build();
      DnsblResult r = engine.evaluate(CheckContext.forTesting(session, dns), ip).join();
      assertThat(r.listings()).hasSize(1);
      assertThat(engine.cachedBytes()).isLessThanOrEqualTo(budget);
    }
    // the entry limit (10,000) never came into play: the bytes did the bounding
    assertThat(engine.cachedResults()).isPositive().isLessThan(addresses);
    assertThat(engine.cachedBytes()).isGreaterThan(budget / 2);
  }

  @Test
  void cacheMemory_mustBePositive() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> Dnsbl.list("bl.example").cacheMemory(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cache memory must be positive");
  }
}
