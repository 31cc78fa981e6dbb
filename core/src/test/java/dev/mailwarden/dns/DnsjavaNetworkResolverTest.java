package dev.mailwarden.dns;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * {@link NetworkResolverTest}'s behaviour over the dnsjava transport. Four tests document where
 * dnsjava's own client differs and are not run here; that is why NIO is the default.
 */
class DnsjavaNetworkResolverTest extends NetworkResolverTest {
  @Override
  NetworkResolver.TransportKind kind() {
    return NetworkResolver.TransportKind.DNSJAVA;
  }

  @Override
  @Test
  @Disabled("dnsjava fails the try on the first reply with a wrong ID instead of waiting for the right one")
  void replyWithWrongId_isIgnored_andTheRightOneAccepted() {}

  @Override
  @Test
  @Disabled("dnsjava reports a malformed reply as an exception, indistinguishable here from a timeout")
  void malformedReply_isServfail_withDetail() {}

  @Override
  @Test
  @Disabled("dnsjava checks its timeouts about once a second, so 2 x 200 ms take up to 2 s")
  void silence_isTimeout_afterAllTries_withinTheTimeouts() {}

  @Override
  @Test
  @Disabled("rotation is a property of the NIO transport; dnsjava opens a socket per query")
  void sourceSockets_areRotated_afterManyQueries() {}
}
