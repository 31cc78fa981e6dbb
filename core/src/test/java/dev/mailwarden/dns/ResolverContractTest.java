package dev.mailwarden.dns;

import java.time.Duration;
import org.junit.jupiter.api.Nested;

/** The resolver contract for the in-memory resolvers. */
class ResolverContractTest {

  @Nested
  class Zone extends DnsResolverContract {
    private final ZoneResolver zone = ZoneResolver.of(ZONE);

    @Override
    protected DnsResolver resolver() {
      return zone;
    }
  }

  @Nested
  class CachedZone extends DnsResolverContract {
    // the same cache for every lookup of a test, so hits are exercised too
    private final DnsResolver cached =
        ZoneResolver.of(ZONE).cached(CacheSpec.maxEntries(100).withMinTtl(Duration.ZERO));

    @Override
    protected DnsResolver resolver() {
      return cached;
    }
  }
}
