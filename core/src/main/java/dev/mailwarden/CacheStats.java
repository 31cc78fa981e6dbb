package dev.mailwarden;

/**
 * What one of a {@link MailwardenRuntime}'s caches holds now and has done since the runtime was
 * built; for monitoring. Hits are not counted here, so that a hit stays free of shared writes:
 * {@code MailwardenMetrics} counts DNS hits per check as {@code mailwarden.dns.queries} with {@code
 * source=cache}.
 *
 * @param entries entries held now
 * @param bytes their estimated size in bytes, the measure of the cache's budget
 * @param misses lookups that had to compute or fetch the value
 * @param evictions entries removed to stay within the budget (expiry not counted)
 */
public record CacheStats(long entries, long bytes, long misses, long evictions) {
  /** The stats of a cache that is turned off. */
  public static final CacheStats NONE = new CacheStats(0, 0, 0, 0);
}
