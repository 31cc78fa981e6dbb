package dev.mailwarden.testing;

import dev.mailwarden.MailwardenRuntime;
import dev.mailwarden.Ticker;
import dev.mailwarden.dns.CacheSpec;
import dev.mailwarden.dns.DnsResolver;

/**
 * Runtimes for unit tests: deterministic (checks run on the calling thread), DNS from the given
 * resolver, nothing cached unless asked. Their timer thread ends by itself a second after the last
 * timer, so a test that does not close one leaves nothing running.
 */
public final class TestRuntime {
  private TestRuntime() {}

  /** {@code dns} uncached, a direct executor, system time. */
  public static MailwardenRuntime of(DnsResolver dns) {
    return MailwardenRuntime.builder().dns(dns).executor(Runnable::run).withoutDnsCache().build();
  }

  /** {@code dns} uncached, a direct executor, the given time. */
  public static MailwardenRuntime of(DnsResolver dns, Ticker ticker) {
    return MailwardenRuntime.builder()
        .dns(dns)
        .executor(Runnable::run)
        .withoutDnsCache()
        .ticker(ticker)
        .build();
  }

  /**
   * The runtime's DNS cache on its own, in front of {@code upstream}, for tests of caching
   * behaviour: about {@code maxBytes} of answers, the given ticker read on every hit (unless it is
   * {@link Ticker#system()}, which the runtime reads coarsely). Built through the public API only:
   * when another module's tests use this test-jar it is on the class path, where core's internal
   * packages are not exported.
   */
  public static DnsResolver cache(
      DnsResolver upstream, CacheSpec spec, Ticker ticker, long maxBytes) {
    return MailwardenRuntime.builder()
        .dns(upstream)
        .dnsCache(spec)
        .ticker(ticker)
        .executor(Runnable::run)
        // the runtime gives its DNS cache three quarters of the memory
        .cacheMemory(Math.max(4096, maxBytes / 3 * 4))
        .build()
        .dns();
  }

  /** {@link #cache} with default TTLs, system time and room for about {@code answers} answers. */
  public static DnsResolver cache(DnsResolver upstream, long answers) {
    return cache(upstream, CacheSpec.defaults(), System::nanoTime, answers * 512);
  }
}
