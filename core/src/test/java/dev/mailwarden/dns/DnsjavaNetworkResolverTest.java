package dev.mailwarden.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link NetworkResolverTest}'s behaviour over the dnsjava transport. Four tests are replaced by
 * what dnsjava's own client guarantees instead — weaker, which is why NIO is the default.
 */
class DnsjavaNetworkResolverTest extends NetworkResolverTest {
  @Override
  NetworkResolver.TransportKind kind() {
    return NetworkResolver.TransportKind.DNSJAVA;
  }

  /** dnsjava ends the try on a reply with a wrong ID rather than waiting; it never accepts it. */
  @Override
  @Test
  void replyWithWrongId_isIgnored_andTheRightOneAccepted() throws Exception {
    FakeDnsServer s = server(NetworkResolverTest::forgedIdThenRealAnswer);

    DnsAnswer answer = get(resolver(s).lookup("example.com", RecordType.A));

    assertThat(answer.addresses()).doesNotContain(InetAddress.getByName("203.0.113.66"));
  }

  /** dnsjava reports a reply that does not parse like a lost one: an error, never an answer. */
  @Override
  @Test
  void malformedReply_isServfail_withDetail() throws Exception {
    FakeDnsServer s = server(NetworkResolverTest::cutShort);

    DnsAnswer answer = get(resolver(s).lookup("example.com", RecordType.A));

    assertThat(answer.isError()).as(answer.toString()).isTrue();
    assertThat(answer.addresses()).isEmpty();
  }

  /** dnsjava checks its timeouts about once a second, so 2 x 200 ms end within ~2 s, not 0.4 s. */
  @Override
  @Test
  void silence_isTimeout_afterAllTries_withinTheTimeouts() throws Exception {
    FakeDnsServer s = server(q -> List.of());
    NetworkResolver r = resolver(Duration.ofMillis(200), 2, s.address());

    long start = System.nanoTime();
    DnsAnswer answer = get(r.lookup("example.com", RecordType.A));
    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(answer.status()).isEqualTo(DnsStatus.TIMEOUT);
    assertThat(s.udpQueries).hasSize(2);
    assertThat(elapsedMs).isBetween(350L, 4_000L);
  }

  /** Nothing to rotate: dnsjava opens a socket, on a fresh port, for every query. */
  @Override
  @Test
  void sourceSockets_areRotated_afterManyQueries() throws Exception {
    FakeDnsServer s = server(NetworkResolverTest::answerA);
    NetworkResolver r = resolver(s);

    for (int i = 0; i < 32; i++) {
      assertThat(get(r.lookup("h.example", RecordType.A)).status()).isEqualTo(DnsStatus.NOERROR);
    }

    assertThat(new HashSet<>(s.udpSourcePorts)).hasSizeGreaterThan(16);
  }
}
