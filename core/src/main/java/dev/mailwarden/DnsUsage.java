package dev.mailwarden;

import dev.mailwarden.dns.DnsStatus;
import dev.mailwarden.dns.RecordType;
import java.util.List;

/**
 * What DNS one evaluation spent: every query with its status, and totals.
 *
 * @param queries number of lookups made by all checks
 * @param cacheHits lookups answered from the cache
 * @param voidAnswers NXDOMAIN and NODATA answers
 * @param errors SERVFAIL, TIMEOUT and REFUSED answers
 * @param log the lookups in the order they were answered (at most {@link #MAX_LOGGED})
 */
public record DnsUsage(int queries, int cacheHits, int voidAnswers, int errors, List<Query> log) {

  /** Longest query log kept per evaluation. */
  public static final int MAX_LOGGED = 256;

  public DnsUsage {
    log = List.copyOf(log);
  }

  /** One lookup. */
  public record Query(
      String check, String name, RecordType type, DnsStatus status, boolean fromCache) {}

  @Override
  public String toString() {
    return queries
        + " queries, "
        + cacheHits
        + " cached, "
        + voidAnswers
        + " void, "
        + errors
        + " errors";
  }
}
