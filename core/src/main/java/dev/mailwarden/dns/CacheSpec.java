package dev.mailwarden.dns;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.Ticker;
import java.time.Duration;

/**
 * How a {@linkplain DnsResolver#cached(CacheSpec) caching resolver} behaves. Immutable; each
 * {@code withX} returns a copy.
 *
 * <pre>{@code
 * CacheSpec spec = CacheSpec.maxEntries(100_000).withMinTtl(Duration.ofSeconds(30));
 * }</pre>
 *
 * @param maxEntries upper bound on cached answers; the least valuable are evicted beyond it
 * @param minTtl answers live at least this long (protects upstream from TTL-0 records)
 * @param maxTtl answers live at most this long
 * @param maxNegativeTtl NXDOMAIN/NODATA live at most this long (RFC 2308 suggests 1-3 hours)
 * @param errorTtl SERVFAIL/TIMEOUT/REFUSED live this long; zero disables caching them
 * @param ticker the time source
 */
public record CacheSpec(
    long maxEntries,
    Duration minTtl,
    Duration maxTtl,
    Duration maxNegativeTtl,
    Duration errorTtl,
    Ticker ticker) {

  public CacheSpec {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be positive: " + maxEntries);
    }
    requireNonNegative(minTtl, "minTtl");
    requireNonNegative(maxTtl, "maxTtl");
    requireNonNegative(maxNegativeTtl, "maxNegativeTtl");
    requireNonNegative(errorTtl, "errorTtl");
    requireNonNull(ticker, "ticker");
    if (minTtl.compareTo(maxTtl) > 0) {
      throw new IllegalArgumentException("minTtl " + minTtl + " exceeds maxTtl " + maxTtl);
    }
  }

  /**
   * A spec with the given bound and defaults: min TTL 5 s, max TTL 1 day, max negative TTL 1
   * hour, errors cached 5 s, system ticker.
   */
  public static CacheSpec maxEntries(long maxEntries) {
    return new CacheSpec(
        maxEntries,
        Duration.ofSeconds(5),
        Duration.ofDays(1),
        Duration.ofHours(1),
        Duration.ofSeconds(5),
        Ticker.system());
  }

  public CacheSpec withMinTtl(Duration d) {
    return new CacheSpec(maxEntries, d, maxTtl, maxNegativeTtl, errorTtl, ticker);
  }

  public CacheSpec withMaxTtl(Duration d) {
    return new CacheSpec(maxEntries, minTtl, d, maxNegativeTtl, errorTtl, ticker);
  }

  public CacheSpec withMaxNegativeTtl(Duration d) {
    return new CacheSpec(maxEntries, minTtl, maxTtl, d, errorTtl, ticker);
  }

  public CacheSpec withErrorTtl(Duration d) {
    return new CacheSpec(maxEntries, minTtl, maxTtl, maxNegativeTtl, d, ticker);
  }

  public CacheSpec withTicker(Ticker t) {
    return new CacheSpec(maxEntries, minTtl, maxTtl, maxNegativeTtl, errorTtl, t);
  }

  private static void requireNonNegative(Duration d, String name) {
    requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative: " + d);
    }
  }
}
