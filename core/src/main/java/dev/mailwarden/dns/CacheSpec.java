package dev.mailwarden.dns;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How long the DNS cache of a {@link dev.mailwarden.MailwardenRuntime} keeps answers. Its size is
 * the runtime's memory budget ({@code MailwardenRuntime.Builder.cacheMemory}), its clock the
 * runtime's ticker. Immutable; each {@code withX} returns a copy.
 *
 * <pre>{@code
 * CacheSpec spec = CacheSpec.defaults().withMinTtl(Duration.ofSeconds(30));
 * }</pre>
 *
 * @param minTtl answers live at least this long (protects upstream from TTL-0 records)
 * @param maxTtl answers live at most this long
 * @param maxNegativeTtl NXDOMAIN/NODATA live at most this long (RFC 2308 suggests 1-3 hours)
 * @param errorTtl SERVFAIL/TIMEOUT/REFUSED live this long; zero disables caching them
 */
public record CacheSpec(
    Duration minTtl, Duration maxTtl, Duration maxNegativeTtl, Duration errorTtl) {

  public CacheSpec {
    requireNonNegative(minTtl, "minTtl");
    requireNonNegative(maxTtl, "maxTtl");
    requireNonNegative(maxNegativeTtl, "maxNegativeTtl");
    requireNonNegative(errorTtl, "errorTtl");
    if (minTtl.compareTo(maxTtl) > 0) {
      throw new IllegalArgumentException("minTtl " + minTtl + " exceeds maxTtl " + maxTtl);
    }
  }

  /** Min TTL 5 s, max TTL 1 day, max negative TTL 1 hour, errors cached 5 s. */
  public static CacheSpec defaults() {
    return new CacheSpec(
        Duration.ofSeconds(5), Duration.ofDays(1), Duration.ofHours(1), Duration.ofSeconds(5));
  }

  public CacheSpec withMinTtl(Duration d) {
    return new CacheSpec(d, maxTtl, maxNegativeTtl, errorTtl);
  }

  public CacheSpec withMaxTtl(Duration d) {
    return new CacheSpec(minTtl, d, maxNegativeTtl, errorTtl);
  }

  public CacheSpec withMaxNegativeTtl(Duration d) {
    return new CacheSpec(minTtl, maxTtl, d, errorTtl);
  }

  public CacheSpec withErrorTtl(Duration d) {
    return new CacheSpec(minTtl, maxTtl, maxNegativeTtl, d);
  }

  private static void requireNonNegative(Duration d, String name) {
    requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative: " + d);
    }
  }
}
