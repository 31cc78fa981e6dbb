package dev.mailwarden.dnsbl;

import dev.mailwarden.CheckContext;
import dev.mailwarden.CheckEvent;
import dev.mailwarden.EvaluationListener;
import dev.mailwarden.MailSession;
import dev.mailwarden.Ticker;
import dev.mailwarden.dns.DnsResolver;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** Shared test helpers: a fake ticker, an event recorder, sessions and contexts. */
final class Fixtures {
  private Fixtures() {}

  /** A ticker the test moves by hand. */
  static final class FakeTicker implements Ticker {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Override
    public long read() {
      return now.get();
    }

    void advanceSeconds(long s) {
      now.addAndGet(s * 1_000_000_000L);
    }
  }

  /** Records check events. */
  static final class Events implements EvaluationListener {
    final List<CheckEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void onCheckEvent(String checkName, CheckEvent event) {
      events.add(event);
    }

    List<ListHealthEvent> health() {
      return events.stream()
          .filter(ListHealthEvent.class::isInstance)
          .map(ListHealthEvent.class::cast)
          .toList();
    }
  }

  static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  static MailSession session(String ip) {
    return MailSession.builder().clientIp(ip(ip)).build();
  }

  static CheckContext context(MailSession s, DnsResolver dns, Ticker ticker, Events events) {
    return CheckContext.builder(s, dns).ticker(ticker).listener(events).build();
  }

  /**
   * A healthy IP list zone: RFC 5782 test points (127.0.0.2 listed, 127.0.0.1 not; IPv6
   * ::FFFF:7F00:2) plus the given records (master-file lines relative to the zone).
   */
  static String ipZone(String zone, String records) {
    return "$ORIGIN "
        + zone
        + ".\n"
        + "@ 300 IN SOA ns hostmaster 1 3600 600 86400 60\n"
        + "2.0.0.127 300 IN A 127.0.0.2\n"
        + "2.0.0.127 300 IN TXT \"test point\"\n"
        + "2.0.0.f.7.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0 300 IN A 127.0.0.2\n"
        + records;
  }

  /** A healthy domain list zone with the TEST test point. */
  static String domainZone(String zone, String records) {
    return "$ORIGIN "
        + zone
        + ".\n"
        + "@ 300 IN SOA ns hostmaster 1 3600 600 86400 60\n"
        + "test 300 IN A 127.0.1.2\n"
        + records;
  }
}
