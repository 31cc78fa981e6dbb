package dev.mailwarden.dns;

import dev.mailwarden.testing.TestRuntime;
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
        TestRuntime.cache(
            ZoneResolver.of(ZONE),
            CacheSpec.defaults().withMinTtl(Duration.ZERO),
            System::nanoTime,
            1 << 20);

    @Override
    protected DnsResolver resolver() {
      return cached;
    }
  }
}
