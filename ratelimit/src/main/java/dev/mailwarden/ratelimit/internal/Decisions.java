package dev.mailwarden.ratelimit.internal;

import dev.mailwarden.ratelimit.Limit;
import dev.mailwarden.ratelimit.RateDecision;
import java.time.Duration;
import java.util.List;

/**
 * Makes {@link RateDecision}s for the stores, which cannot call its private constructors. The
 * limiter hands its stores the one implementation, an instance (no static hook). Internal: not part
 * of the API.
 */
public interface Decisions {

  /** A granted in-memory decision whose remaining tokens are read from {@code state} lazily. */
  RateDecision allowed(BucketSpec spec, long[] state);

  /** A granted decision; {@code remaining} is kept, not copied. */
  RateDecision allowed(List<Limit> limits, long[] remaining);

  /** A refused decision; {@code remaining} is kept, not copied. */
  RateDecision denied(
      List<Limit> limits,
      long[] remaining,
      int exceededLimit,
      Duration retryAfter,
      boolean exceedsCapacity);

  /** The store could not decide; {@code allowed} is the fail mode. */
  RateDecision storeUnavailable(List<Limit> limits, boolean allowed, Duration retryAfter);
}
