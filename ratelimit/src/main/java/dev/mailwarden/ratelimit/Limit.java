package dev.mailwarden.ratelimit;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One limit of a token bucket: at most {@link #capacity()} tokens, refilled at {@code capacity} per
 * {@link #period()}. Greedy refill (the default) adds tokens continuously, exactly (no fraction of
 * a token is ever lost, however low the rate); {@link #intervally()} adds the whole capacity at
 * once when each period ends.
 *
 * <pre>{@code
 * Limit perHour = Limit.of(100).per(Duration.ofHours(1));
 * Limit perDay = Limit.parse("1000/1d");
 * }</pre>
 *
 * <p>Immutable; equal when capacity, period and refill are equal.
 */
public final class Limit {

  /** Largest capacity: 2^40 tokens. */
  public static final long MAX_CAPACITY = 1L << 40;

  /** Shortest period: one millisecond. */
  public static final Duration MIN_PERIOD = Duration.ofMillis(1);

  /** Longest period: 100 years of 365 days. */
  public static final Duration MAX_PERIOD = Duration.ofDays(36_500);

  private static final Pattern TEXT =
      Pattern.compile(
          "\\s*(\\d{1,15})\\s*/\\s*(\\d{0,12})\\s*(ms|s|sec|m|min|h|d|w)?\\s*",
          Pattern.CASE_INSENSITIVE);

  /** How tokens come back. */
  public enum Refill {
    /** Continuously: capacity/period tokens per unit of time, exactly. */
    GREEDY,
    /** All at once: the bucket becomes full each time a period ends. */
    INTERVAL
  }

  private final long capacity;
  private final Duration period;
  private final long periodNanos;
  private final Refill refill;

  private Limit(long capacity, Duration period, Refill refill) {
    if (capacity < 1 || capacity > MAX_CAPACITY) {
      throw new IllegalArgumentException("capacity must be between 1 and 2^40: " + capacity);
    }
    requireNonNull(period, "period");
    if (period.compareTo(MIN_PERIOD) < 0 || period.compareTo(MAX_PERIOD) > 0) {
      throw new IllegalArgumentException("period must be between 1 ms and 36500 days: " + period);
    }
    this.capacity = capacity;
    this.period = period;
    this.periodNanos = period.toNanos();
    this.refill = requireNonNull(refill, "refill");
  }

  /** Starts a limit of {@code capacity} tokens; finish it with {@link Count#per(Duration)}. */
  public static Count of(long capacity) {
    return new Count(capacity);
  }

  /**
   * Parses {@code 100/1h}, {@code 1000/1d}, {@code 10/1m}, {@code 5/30s}, {@code 50/h} (a missing
   * number means 1), {@code 2/500ms}, {@code 7/1w}, or an ISO-8601 duration such as {@code
   * 100/PT1H}. Units: ms, s, m (minute), h, d, w. Greedy refill.
   *
   * @throws IllegalArgumentException with the reason when the text is not a limit
   */
  public static Limit parse(String text) {
    requireNonNull(text, "text");
    int slash = text.indexOf('/');
    if (slash > 0) {
      String after = text.substring(slash + 1).trim();
      if (after.length() > 1 && (after.charAt(0) == 'P' || after.charAt(0) == 'p')) {
        long count = parseCount(text.substring(0, slash).trim(), text);
        try {
          return new Limit(count, Duration.parse(after), Refill.GREEDY);
        } catch (DateTimeParseException e) {
          throw new IllegalArgumentException(
              "not a limit: '" + text + "' (bad ISO-8601 duration)", e);
        }
      }
    }
    Matcher m = TEXT.matcher(text);
    if (!m.matches() || m.group(3) == null) {
      throw new IllegalArgumentException(
          "not a limit: '" + text + "' (expected COUNT/PERIOD such as 100/1h, 1000/1d, 10/1m)");
    }
    long count = parseCount(m.group(1), text);
    long amount = m.group(2).isEmpty() ? 1 : Long.parseLong(m.group(2));
    if (amount < 1) {
      throw new IllegalArgumentException("not a limit: '" + text + "' (period must be positive)");
    }
    Duration unit =
        switch (m.group(3).toLowerCase(Locale.ROOT)) {
          case "ms" -> Duration.ofMillis(1);
          case "s", "sec" -> Duration.ofSeconds(1);
          case "m", "min" -> Duration.ofMinutes(1);
          case "h" -> Duration.ofHours(1);
          case "d" -> Duration.ofDays(1);
          case "w" -> Duration.ofDays(7);
          default -> throw new AssertionError(m.group(3));
        };
    Duration period;
    try {
      period = unit.multipliedBy(amount);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("not a limit: '" + text + "' (period too long)", e);
    }
    return new Limit(count, period, Refill.GREEDY);
  }

  private static long parseCount(String count, String text) {
    try {
      return Long.parseLong(count);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "not a limit: '" + text + "' (bad count '" + count + "')", e);
    }
  }

  /** This limit with the whole capacity coming back at the end of each period. */
  public Limit intervally() {
    return refill == Refill.INTERVAL ? this : new Limit(capacity, period, Refill.INTERVAL);
  }

  /** This limit with tokens coming back continuously (the default). */
  public Limit greedily() {
    return refill == Refill.GREEDY ? this : new Limit(capacity, period, Refill.GREEDY);
  }

  public long capacity() {
    return capacity;
  }

  public Duration period() {
    return period;
  }

  /** The period in nanoseconds (the stores read {@code period().toNanos()} once). */
  long periodNanos() {
    return periodNanos;
  }

  public Refill refill() {
    return refill;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Limit l
        && l.capacity == capacity
        && l.periodNanos == periodNanos
        && l.refill == refill;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(capacity) * 31 + Long.hashCode(periodNanos) * 7 + refill.ordinal();
  }

  /** {@code 100/1h}, {@code 1000/1d}; {@code " interval"} appended for interval refill. */
  @Override
  public String toString() {
    return capacity + "/" + formatPeriod(period) + (refill == Refill.INTERVAL ? " interval" : "");
  }

  static String formatPeriod(Duration d) {
    long ms = d.toMillis();
    if (!Duration.ofMillis(ms).equals(d)) {
      return d.toString();
    }
    long[] sizes = {7L * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1};
    String[] units = {"w", "d", "h", "m", "s", "ms"};
    for (int i = 0; i < sizes.length; i++) {
      if (ms % sizes[i] == 0) {
        return (ms / sizes[i]) + units[i];
      }
    }
    return d.toString();
  }

  /** The first half of {@code Limit.of(100).per(Duration.ofHours(1))}. */
  public static final class Count {
    private final long capacity;

    private Count(long capacity) {
      if (capacity < 1 || capacity > MAX_CAPACITY) {
        throw new IllegalArgumentException("capacity must be between 1 and 2^40: " + capacity);
      }
      this.capacity = capacity;
    }

    /** A greedy limit of this many tokens per {@code period}. */
    public Limit per(Duration period) {
      return new Limit(capacity, period, Refill.GREEDY);
    }

    @Override
    public String toString() {
      return "Limit.of(" + capacity + ")";
    }
  }
}
