package dev.mailwarden.ratelimit;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.Ticker;
import dev.mailwarden.ratelimit.internal.AtomicBucket;
import dev.mailwarden.ratelimit.internal.BucketSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * One lock-free token bucket with one or more limits, for a single key (a whole gateway, one
 * relay): the building block of {@link RateLimiter}, usable on its own. Integer arithmetic with
 * no lost fractions; time from an injected monotonic {@link Ticker}; a clock stepping back never
 * grants nor locks out. Starts full. Thread-safe.
 *
 * <pre>{@code
 * TokenBucket relay = TokenBucket.of(Limit.parse("50/1s"), Limit.parse("100000/1d"));
 * if (!relay.tryAcquire(recipients).allowed()) { ... }
 * }</pre>
 */
public final class TokenBucket {
  private final BucketSpec spec;
  private final Ticker ticker;
  private final AtomicBucket bucket;

  private TokenBucket(List<Limit> limits, Ticker ticker) {
    this.spec = new BucketSpec(limits);
    this.ticker = requireNonNull(ticker, "ticker");
    this.bucket = AtomicBucket.padded(spec.initial(ticker.read(), true));
  }

  /** A full bucket with these limits on the system ticker. */
  public static TokenBucket of(Limit first, Limit... more) {
    return of(Ticker.system(), first, more);
  }

  /** A full bucket with these limits, reading time from {@code ticker}. */
  public static TokenBucket of(Ticker ticker, Limit first, Limit... more) {
    List<Limit> limits = new ArrayList<>();
    limits.add(requireNonNull(first, "limit"));
    for (Limit l : more) {
      if (limits.contains(requireNonNull(l, "limit"))) {
        throw new IllegalArgumentException("limit " + l + " given twice");
      }
      limits.add(l);
    }
    return new TokenBucket(limits, ticker);
  }

  /** One token. */
  public RateDecision tryAcquire() {
    return bucket.tryAcquire(spec, ticker, 1);
  }

  /**
   * Takes {@code cost} tokens from every limit if all hold that many; otherwise nothing.
   *
   * @throws IllegalArgumentException when {@code cost} is negative
   */
  public RateDecision tryAcquire(long cost) {
    if (cost < 0) {
      throw new IllegalArgumentException("cost must not be negative: " + cost);
    }
    return bucket.tryAcquire(spec, ticker, cost);
  }

  public List<Limit> limits() {
    return spec.limits();
  }

  @Override
  public String toString() {
    return "TokenBucket" + spec.limits();
  }
}
