package dev.mailwarden.ratelimit.internal;

import dev.mailwarden.Ticker;
import dev.mailwarden.ratelimit.RateDecision;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;

/**
 * One key's bucket: an immutable state array swapped by compare-and-set, so deciding is
 * lock-free and a refusal writes nothing (except to record a clock that stepped back). 16 bytes
 * plus the state array.
 */
public final class AtomicBucket {
  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(AtomicBucket.class, "state", long[].class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static final DecisionAccess DECISIONS = DecisionAccess.get();

  private volatile long[] state;

  public AtomicBucket(long[] state) {
    this.state = state;
  }

  /** Takes {@code cost} from every limit if all hold it; otherwise nothing. */
  public RateDecision tryAcquire(BucketSpec spec, Ticker ticker, long cost) {
    for (;;) {
      long[] current = state;
      long now = ticker.read();
      long[] next = spec.refill(current, now);
      if (!spec.debit(next, cost)) {
        if (current[0] > now && !STATE.compareAndSet(this, current, next)) {
          continue; // the clock stepped back: keep the new reading, or a refusal would lock out
        }
        int worst = spec.longestWait(next, cost);
        return RateDecision.denied(
            spec.limits(),
            spec.remaining(next),
            worst,
            Duration.ofNanos(spec.nanosUntil(next, worst, cost)),
            spec.exceedsCapacity(cost));
      }
      if (STATE.compareAndSet(this, current, next)) {
        return DECISIONS.allowed(spec, next);
      }
    }
  }

  /** Whole tokens of limit {@code i} as of {@code now}, without changing anything. */
  public long peekTokens(BucketSpec spec, long now, int i) {
    return spec.tokens(spec.refill(state, now), i);
  }
}
