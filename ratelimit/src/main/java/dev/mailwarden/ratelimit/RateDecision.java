package dev.mailwarden.ratelimit;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.ratelimit.internal.BucketSpec;
import dev.mailwarden.ratelimit.internal.Decisions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The answer of {@link RateLimiter#tryAcquire(String, long)}: whether the tokens were granted, what
 * is left of each limit and, when refused, how long until the same request could succeed. A refused
 * request debits nothing. Immutable.
 */
public final class RateDecision {

  /** Why the decision came out as it did. */
  public enum Status {
    /** Every limit allowed the cost; it was debited from all of them. */
    ALLOWED,
    /** At least one limit had too few tokens; nothing was debited. */
    DENIED,
    /** The key is exempt from limits; nothing was counted. */
    EXEMPT,
    /**
     * The shared store (Redis) did not answer in time; {@link #allowed()} follows the configured
     * fail mode (open: allowed, closed: refused) and nothing was counted.
     */
    STORE_UNAVAILABLE
  }

  private static final long[] NONE = new long[0];

  /** The one way the stores make decisions (they live in another package). */
  static final Decisions FACTORY =
      new Decisions() {
        @Override
        public RateDecision allowed(BucketSpec spec, long[] state) {
          return new RateDecision(spec, state);
        }

        @Override
        public RateDecision allowed(List<Limit> limits, long[] remaining) {
          checkSizes(limits, remaining);
          return new RateDecision(Status.ALLOWED, true, limits, remaining, 0, -1, false);
        }

        @Override
        public RateDecision denied(
            List<Limit> limits,
            long[] remaining,
            int exceededLimit,
            Duration retryAfter,
            boolean exceedsCapacity) {
          checkSizes(limits, remaining);
          if (exceededLimit < 0 || exceededLimit >= limits.size()) {
            throw new IllegalArgumentException(
                "exceeded limit index out of range: " + exceededLimit);
          }
          return new RateDecision(
              Status.DENIED,
              false,
              limits,
              remaining,
              nanos(retryAfter),
              exceededLimit,
              exceedsCapacity);
        }

        @Override
        public RateDecision storeUnavailable(
            List<Limit> limits, boolean allowed, Duration retryAfter) {
          return new RateDecision(
              Status.STORE_UNAVAILABLE,
              allowed,
              limits,
              NONE,
              allowed ? 0 : nanos(retryAfter),
              -1,
              false);
        }
      };

  private final Status status;
  private final boolean allowed;
  private final List<Limit> limits;
  private final long[] remaining;
  private final long retryAfterNanos;
  private final int exceededLimit;
  private final boolean exceedsCapacity;
  // set for granted in-memory decisions: remaining tokens are read from the bucket state on demand
  private final @Nullable BucketSpec spec;
  private final long @Nullable [] state;

  private RateDecision(BucketSpec spec, long[] state) {
    this.status = Status.ALLOWED;
    this.allowed = true;
    this.limits = spec.limits();
    this.remaining = NONE;
    this.retryAfterNanos = 0;
    this.exceededLimit = -1;
    this.exceedsCapacity = false;
    this.spec = spec;
    this.state = state;
  }

  private RateDecision(
      Status status,
      boolean allowed,
      List<Limit> limits,
      long[] remaining,
      long retryAfterNanos,
      int exceededLimit,
      boolean exceedsCapacity) {
    this.status = status;
    this.allowed = allowed;
    this.limits = limits;
    this.remaining = remaining;
    this.retryAfterNanos = retryAfterNanos;
    this.exceededLimit = exceededLimit;
    this.exceedsCapacity = exceedsCapacity;
    this.spec = null;
    this.state = null;
  }

  private long[] remainingArray() {
    BucketSpec sp = spec;
    long[] st = state;
    return sp != null && st != null ? sp.remaining(st) : remaining;
  }

  /** A key that is exempt from the limits. */
  static RateDecision exempt(List<Limit> limits) {
    return new RateDecision(Status.EXEMPT, true, limits, NONE, 0, -1, false);
  }

  private static void checkSizes(List<Limit> limits, long[] remaining) {
    requireNonNull(limits, "limits");
    if (remaining.length != limits.size()) {
      throw new IllegalArgumentException(
          "one remaining count per limit expected: " + remaining.length + " for " + limits.size());
    }
  }

  private static long nanos(Duration d) {
    requireNonNull(d, "retryAfter");
    if (d.isNegative()) {
      throw new IllegalArgumentException("retryAfter must not be negative: " + d);
    }
    return d.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : d.toNanos();
  }

  /** True when the caller may proceed (granted, exempt, or store unavailable and failing open). */
  public boolean allowed() {
    return allowed;
  }

  public Status status() {
    return status;
  }

  /** The limits of the key, in the order they were configured. */
  public List<Limit> limits() {
    return limits;
  }

  /**
   * Whole tokens left per limit, in the order of {@link #limits()}, after this decision (so a
   * refused request shows what there is). Empty when exempt or the store was unavailable.
   */
  public List<Long> remaining() {
    long[] values = remainingArray();
    List<Long> out = new ArrayList<>(values.length);
    for (long r : values) {
      out.add(r);
    }
    return Collections.unmodifiableList(out);
  }

  /** Whole tokens left in limit {@code index}; -1 when unknown (exempt, store unavailable). */
  public long remaining(int index) {
    if (index < 0 || index >= limits.size()) {
      throw new IndexOutOfBoundsException(index);
    }
    BucketSpec sp = spec;
    long[] st = state;
    if (sp != null && st != null) {
      return sp.tokens(st, index);
    }
    return remaining.length == 0 ? -1 : remaining[index];
  }

  /** Zero when allowed; otherwise how long until the same cost could be granted. */
  public Duration retryAfter() {
    return Duration.ofNanos(retryAfterNanos);
  }

  /** The limit that refused the request (the one with the longest wait). */
  public Optional<Limit> exceededLimit() {
    return exceededLimit < 0 ? Optional.empty() : Optional.of(limits.get(exceededLimit));
  }

  /**
   * True when the cost is larger than some limit's capacity, so it can never be granted (e.g. a
   * message to more recipients than the hourly limit): the caller should split it.
   */
  public boolean exceedsCapacity() {
    return exceedsCapacity;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("RateDecision[").append(status);
    long[] remaining = remainingArray();
    if (remaining.length > 0) {
      b.append(", remaining=");
      for (int i = 0; i < remaining.length; i++) {
        b.append(i == 0 ? "" : ", ").append(remaining[i]).append(" of ").append(limits.get(i));
      }
    }
    if (exceededLimit >= 0) {
      b.append(", exceeded=").append(limits.get(exceededLimit));
    }
    if (retryAfterNanos > 0) {
      b.append(", retryAfter=").append(Duration.ofNanos(retryAfterNanos));
    }
    if (exceedsCapacity) {
      b.append(", exceedsCapacity");
    }
    return b.append(']').toString();
  }
}
