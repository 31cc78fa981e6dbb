package dev.mailwarden.ratelimit.internal;

import dev.mailwarden.Ticker;
import dev.mailwarden.ratelimit.RateDecision;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;

/**
 * One key's bucket: an immutable state array swapped by compare-and-set, so deciding is lock-free
 * and a refusal writes nothing (except to record a clock that stepped back). 16 bytes plus the
 * state array; {@link #padded} makes one alone on its cache lines for a single hot bucket shared by
 * many threads.
 */
public abstract class AtomicBucket {
  static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(Plain.class, "state", long[].class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  AtomicBucket() {}

  /** A compact bucket (for many keys). */
  public static AtomicBucket of(long[] state) {
    return new Plain(state);
  }

  /** A bucket padded against false sharing (for one hot key). */
  public static AtomicBucket padded(long[] state) {
    return new Padded(state);
  }

  abstract long[] get();

  abstract boolean swap(long[] current, long[] next);

  /** Takes {@code cost} from every limit if all hold it; otherwise nothing. */
  public final RateDecision tryAcquire(
      BucketSpec spec, Ticker ticker, long cost, Decisions decisions) {
    long[] next = new long[spec.stateSize()]; // reused if the swap must be retried
    for (; ; ) {
      long[] current = get();
      long now = ticker.read();
      spec.refillInto(current, now, next);
      if (!spec.debit(next, cost)) {
        if (current[0] > now && !swap(current, next)) {
          continue; // the clock stepped back: keep the new reading, or a refusal would lock out
        }
        int worst = spec.longestWait(next, cost);
        return decisions.denied(
            spec.limits(),
            spec.remaining(next),
            worst,
            Duration.ofNanos(spec.nanosUntil(next, worst, cost)),
            spec.exceedsCapacity(cost));
      }
      if (swap(current, next)) {
        return decisions.allowed(spec, next);
      }
    }
  }

  /** Whole tokens of limit {@code i} as of {@code now}, without changing anything. */
  public final long peekTokens(BucketSpec spec, long now, int i) {
    return spec.tokens(spec.refill(get(), now), i);
  }

  static final class Plain extends AtomicBucket {
    volatile long[] state;

    Plain(long[] state) {
      this.state = state;
    }

    @Override
    long[] get() {
      return state;
    }

    @Override
    boolean swap(long[] current, long[] next) {
      return STATE.compareAndSet(this, current, next);
    }
  }

  // Padding by inheritance: the JVM lays out superclass fields first, so the hot field sits
  // between two runs of 64 bytes that nothing else writes or reads.
  abstract static class PadBefore extends AtomicBucket {
    long p01, p02, p03, p04, p05, p06, p07, p08;
  }

  abstract static class HotField extends PadBefore {
    volatile long[] state;
  }

  abstract static class PadAfter extends HotField {
    long q01, q02, q03, q04, q05, q06, q07, q08;
  }

  static final class Padded extends PadAfter {
    private static final VarHandle PADDED_STATE;

    static {
      try {
        PADDED_STATE = MethodHandles.lookup().findVarHandle(HotField.class, "state", long[].class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    Padded(long[] state) {
      this.state = state;
    }

    @Override
    long[] get() {
      return state;
    }

    @Override
    boolean swap(long[] current, long[] next) {
      return PADDED_STATE.compareAndSet(this, current, next);
    }
  }
}
