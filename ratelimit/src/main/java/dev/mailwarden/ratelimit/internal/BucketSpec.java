package dev.mailwarden.ratelimit.internal;

import dev.mailwarden.ratelimit.Limit;
import java.math.BigInteger;
import java.util.List;

/**
 * The arithmetic of a token bucket with several limits, on immutable {@code long[]} states that
 * callers swap atomically. All integers, exact: no floating point, no fraction of a token lost, no
 * overflow however long a key stays idle (elapsed time is clamped before it is multiplied).
 *
 * <p>State layout: {@code [0]} the ticker reading of the last update, then per limit either one
 * slot (greedy, packed: the level in units of 1/b token, where capacity/period = a/b in lowest
 * terms, so a nanosecond adds exactly {@code a} units) or two slots (whole tokens and the
 * fraction's numerator, for capacities too large to pack; or tokens and the phase in the period for
 * interval refill).
 */
public final class BucketSpec {
  private static final int PACKED = 0;
  private static final int WIDE = 1;
  private static final int INTERVAL = 2;
  private static final long PACK_LIMIT = 1L << 61;

  private final List<Limit> limits;
  private final int n;
  private final int[] kind;
  private final int[] offset;
  private final long[] capacity;
  private final long[] period;
  private final long[] unitsPerNano; // a (packed)
  private final long[] unitsPerToken; // b (packed)
  private final long[] fullUnits; // capacity * b (packed)
  private final long[] fillNanos; // ceil(fullUnits / a): time from empty to full (packed)
  private final int size;

  public BucketSpec(List<Limit> limits) {
    this.limits = List.copyOf(limits);
    this.n = this.limits.size();
    if (n == 0) {
      throw new IllegalArgumentException("at least one limit is required");
    }
    kind = new int[n];
    offset = new int[n];
    capacity = new long[n];
    period = new long[n];
    unitsPerNano = new long[n];
    unitsPerToken = new long[n];
    fullUnits = new long[n];
    fillNanos = new long[n];
    int slot = 1;
    for (int i = 0; i < n; i++) {
      Limit l = this.limits.get(i);
      capacity[i] = l.capacity();
      period[i] = l.period().toNanos();
      offset[i] = slot;
      if (l.refill() == Limit.Refill.INTERVAL) {
        kind[i] = INTERVAL;
        slot += 2;
        continue;
      }
      long g = gcd(capacity[i], period[i]);
      long a = capacity[i] / g;
      long b = period[i] / g;
      if (Math.multiplyHigh(capacity[i], b) == 0
          && capacity[i] * b >= 0
          && capacity[i] * b < PACK_LIMIT) {
        kind[i] = PACKED;
        unitsPerNano[i] = a;
        unitsPerToken[i] = b;
        fullUnits[i] = capacity[i] * b;
        fillNanos[i] = ceilDiv(fullUnits[i], a);
        slot += 1;
      } else {
        kind[i] = WIDE;
        slot += 2;
      }
    }
    size = slot;
  }

  private static long gcd(long x, long y) {
    while (y != 0) {
      long t = x % y;
      x = y;
      y = t;
    }
    return x;
  }

  public List<Limit> limits() {
    return limits;
  }

  public int limitCount() {
    return n;
  }

  /** Longest time an untouched bucket needs to become full from empty. */
  public long nanosToFull() {
    long max = 0;
    for (long p : period) {
      max = Math.max(max, p);
    }
    return max;
  }

  /** A bucket with every limit full ({@code full}) or empty, as of {@code now}. */
  public long[] initial(long now, boolean full) {
    long[] s = new long[size];
    s[0] = now;
    if (full) {
      for (int i = 0; i < n; i++) {
        int o = offset[i];
        if (kind[i] == PACKED) {
          s[o] = fullUnits[i];
        } else {
          s[o] = capacity[i];
        }
      }
    }
    return s;
  }

  /**
   * The state refilled to {@code now} (elapsed time clamped to ≥ 0: a clock stepping back neither
   * grants nor locks out), a new array; {@code state} is not modified.
   */
  public long[] refill(long[] state, long now) {
    long[] s = new long[size];
    refillInto(state, now, s);
    return s;
  }

  /** {@link #refill} into {@code s}, an array of the state's size (reused across CAS retries). */
  public void refillInto(long[] state, long now, long[] s) {
    long elapsed = now - state[0];
    if (elapsed < 0) {
      elapsed = 0;
    }
    System.arraycopy(state, 0, s, 0, size);
    s[0] = now;
    for (int i = 0; i < n; i++) {
      int o = offset[i];
      switch (kind[i]) {
        case PACKED -> {
          if (elapsed >= fillNanos[i]) {
            s[o] = fullUnits[i];
          } else {
            // elapsed * a < full + a and level <= full < 2^61: no overflow, no division
            long level = s[o] + elapsed * unitsPerNano[i];
            s[o] = Math.min(level, fullUnits[i]);
          }
        }
        case WIDE -> refillWide(s, o, i, elapsed);
        default -> refillInterval(s, o, i, elapsed);
      }
    }
  }

  private void refillWide(long[] s, int o, int i, long elapsed) {
    long c = capacity[i];
    long p = period[i];
    if (s[o] >= c) {
      s[o] = c;
      s[o + 1] = 0;
      return;
    }
    if (elapsed >= p) {
      s[o] = c;
      s[o + 1] = 0;
      return;
    }
    long add;
    long rem;
    long hi = Math.multiplyHigh(elapsed, c);
    long lo = elapsed * c;
    if (hi == 0 && lo >= 0 && lo <= Long.MAX_VALUE - s[o + 1]) {
      long num = lo + s[o + 1];
      add = num / p;
      rem = num % p;
    } else {
      BigInteger[] qr =
          BigInteger.valueOf(elapsed)
              .multiply(BigInteger.valueOf(c))
              .add(BigInteger.valueOf(s[o + 1]))
              .divideAndRemainder(BigInteger.valueOf(p));
      add = qr[0].longValueExact(); // < c because elapsed < p
      rem = qr[1].longValueExact();
    }
    long tokens = s[o] + add;
    if (tokens >= c) {
      s[o] = c;
      s[o + 1] = 0;
    } else {
      s[o] = tokens;
      s[o + 1] = rem;
    }
  }

  private void refillInterval(long[] s, int o, int i, long elapsed) {
    long p = period[i];
    long phase = s[o + 1] + (elapsed % p); // < 2p, no overflow for p <= 100 years
    if (elapsed >= p || phase >= p) {
      s[o] = capacity[i];
    }
    s[o + 1] = phase % p;
  }

  /** Slots of a state array. */
  public int stateSize() {
    return size;
  }

  /** Whole tokens of limit {@code i} in a state. */
  public long tokens(long[] s, int i) {
    int o = offset[i];
    return kind[i] == PACKED ? s[o] / unitsPerToken[i] : s[o];
  }

  /**
   * Debits {@code cost} from every limit of a refilled state (modified in place) if all allow it.
   *
   * @return true when debited; false (state unchanged) when some limit has too few tokens
   */
  public boolean debit(long[] s, long cost) {
    for (int i = 0; i < n; i++) {
      if (cost > capacity[i]) {
        return false;
      }
      int o = offset[i];
      long need = kind[i] == PACKED ? cost * unitsPerToken[i] : cost;
      if (s[o] < need) {
        return false;
      }
    }
    for (int i = 0; i < n; i++) {
      int o = offset[i];
      s[o] -= kind[i] == PACKED ? cost * unitsPerToken[i] : cost;
    }
    return true;
  }

  /** Remaining whole tokens per limit. */
  public long[] remaining(long[] s) {
    long[] r = new long[n];
    for (int i = 0; i < n; i++) {
      r[i] = tokens(s, i);
    }
    return r;
  }

  /**
   * Nanoseconds until limit {@code i} of a refilled state holds {@code cost} tokens; 0 when it
   * already does; the period when the cost exceeds the capacity (never satisfiable).
   */
  public long nanosUntil(long[] s, int i, long cost) {
    if (cost > capacity[i]) {
      return period[i];
    }
    int o = offset[i];
    switch (kind[i]) {
      case PACKED -> {
        long need = cost * unitsPerToken[i] - s[o];
        return need <= 0 ? 0 : ceilDiv(need, unitsPerNano[i]);
      }
      case WIDE -> {
        long needTokens = cost - s[o];
        if (needTokens <= 0) {
          return 0;
        }
        // (needTokens * period - fraction numerator) / capacity, rounded up
        BigInteger num =
            BigInteger.valueOf(needTokens)
                .multiply(BigInteger.valueOf(period[i]))
                .subtract(BigInteger.valueOf(s[o + 1]));
        BigInteger[] qr = num.divideAndRemainder(BigInteger.valueOf(capacity[i]));
        return qr[0].longValueExact() + (qr[1].signum() > 0 ? 1 : 0);
      }
      default -> {
        return s[o] >= cost ? 0 : period[i] - s[o + 1];
      }
    }
  }

  /** The limit index that denies {@code cost} longest, or -1 when every limit allows it. */
  public int longestWait(long[] s, long cost) {
    int worst = -1;
    long wait = 0;
    for (int i = 0; i < n; i++) {
      long w = nanosUntil(s, i, cost);
      if (w > wait || (worst < 0 && cost > capacity[i])) {
        worst = i;
        wait = Math.max(w, wait);
      }
    }
    return worst;
  }

  /** True when {@code cost} exceeds some limit's capacity: it can never be granted. */
  public boolean exceedsCapacity(long cost) {
    for (long c : capacity) {
      if (cost > c) {
        return true;
      }
    }
    return false;
  }

  private static long ceilDiv(long x, long y) {
    long q = x / y;
    return (x % y != 0) ? q + 1 : q;
  }

  @Override
  public String toString() {
    return "BucketSpec" + limits;
  }
}
