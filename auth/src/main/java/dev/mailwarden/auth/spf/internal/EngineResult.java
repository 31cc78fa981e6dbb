package dev.mailwarden.auth.spf.internal;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.Outcome;
import org.jspecify.annotations.Nullable;

/**
 * What an engine found for one request; {@code SpfEngine} turns it into the {@code SpfResult} users
 * see (engines cannot build those: the result's builder is not public).
 *
 * @param outcome the result of {@code check_host()}
 * @param mechanism the mechanism that matched, if any
 * @param explanation the explanation of a fail, if any
 * @param problem what went wrong for an error outcome (or why none was found), if anything
 * @param dnsQueries DNS queries sent
 * @param voidLookups lookups that gave NXDOMAIN or no data
 */
public record EngineResult(
    Outcome outcome,
    @Nullable String mechanism,
    @Nullable String explanation,
    @Nullable String problem,
    int dnsQueries,
    int voidLookups) {

  public EngineResult {
    requireNonNull(outcome, "outcome");
  }

  /** A result that matched nothing and explains nothing: {@code problem} says why. */
  public static EngineResult problem(
      Outcome outcome, @Nullable String problem, int dnsQueries, int voidLookups) {
    return new EngineResult(outcome, null, null, problem, dnsQueries, voidLookups);
  }
}
