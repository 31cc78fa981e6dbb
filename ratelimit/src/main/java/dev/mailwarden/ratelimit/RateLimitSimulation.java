package dev.mailwarden.ratelimit;

import static java.util.Objects.requireNonNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Replays a log of sends against limits, so operators can try limits on their own traffic before
 * enforcing them: the engine of {@code mailwarden ratelimit simulate --limit 100/1h --limit 1000/1d
 * --events FILE}.
 *
 * <p>The input is CSV, one send per line: {@code timestamp,key,recipients}. Timestamps are ISO-8601
 * ({@code 2026-11-28T09:15:00Z}, with an offset, or without one for UTC) or epoch seconds ({@code
 * 1764321300}, fractions allowed). Blank lines and lines starting with {@code #} are skipped, and
 * so is a first line starting with {@code timestamp} (a header). Fields may be double-quoted. Time
 * comes only from the timestamps (a fake ticker), so a year of logs replays in seconds; a timestamp
 * earlier than the one before neither grants nor locks out.
 *
 * <pre>{@code
 * RateLimitSimulation.Result r = RateLimitSimulation.of(List.of(Limit.parse("100/1h")))
 *     .run(Path.of("sends.csv"));
 * r.keys().forEach(k -> System.out.println(k));
 * }</pre>
 */
public final class RateLimitSimulation {
  private static final Pattern EPOCH = Pattern.compile("-?\\d{1,12}(\\.\\d{1,9})?");
  private static final Pattern COUNT = Pattern.compile("\\d{1,9}");

  private final List<Limit> limits;

  private RateLimitSimulation(List<Limit> limits) {
    if (limits.isEmpty()) {
      throw new IllegalArgumentException("at least one limit is required");
    }
    this.limits = List.copyOf(limits);
  }

  /** A simulation of these limits (e.g. from {@link Limit#parse} of each {@code --limit}). */
  public static RateLimitSimulation of(List<Limit> limits) {
    return new RateLimitSimulation(requireNonNull(limits, "limits"));
  }

  /** Replays a CSV file (UTF-8). */
  public Result run(Path csv) throws IOException {
    try (Reader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
      return run(r);
    }
  }

  /**
   * Replays CSV text.
   *
   * @throws IllegalArgumentException naming the line number when a line is malformed
   */
  public Result run(Reader csv) throws IOException {
    long[] now = {0};
    RateLimiter limiter =
        RateLimiter.builder()
            .limits(limits)
            .ticker(() -> now[0])
            .maxKeys(Integer.MAX_VALUE)
            .build();
    Map<String, Counter> counters = new LinkedHashMap<>();
    BufferedReader in = csv instanceof BufferedReader b ? b : new BufferedReader(csv);
    Instant origin = null;
    Instant first = null;
    Instant last = null;
    long events = 0;
    long outOfOrder = 0;
    String line;
    int number = 0;
    while ((line = in.readLine()) != null) {
      number++;
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      if (events == 0 && trimmed.regionMatches(true, 0, "timestamp", 0, 9)) {
        continue;
      }
      String[] f = trimmed.split(",", -1);
      if (f.length != 3) {
        throw bad(number, "expected 3 fields timestamp,key,recipients but found " + f.length);
      }
      Instant at = parseTime(unquote(f[0]), number);
      String key = unquote(f[1]);
      if (key.isEmpty()) {
        throw bad(number, "empty key");
      }
      String rc = unquote(f[2]);
      if (!COUNT.matcher(rc).matches()) {
        throw bad(number, "recipients must be a whole number 0-999999999, found '" + rc + "'");
      }
      long recipients = Long.parseLong(rc);
      if (origin == null) {
        origin = at;
        first = at;
      }
      if (last != null && at.isBefore(last)) {
        outOfOrder++;
      }
      if (first.isAfter(at)) {
        first = at;
      }
      last = last == null || at.isAfter(last) ? at : last;
      now[0] = nanosBetween(origin, at, number);
      RateDecision d = limiter.tryAcquire(key, recipients);
      counters.computeIfAbsent(key, k -> new Counter()).add(d.allowed(), recipients, at);
      events++;
    }
    List<KeyStats> keys = new ArrayList<>(counters.size());
    counters.forEach(
        (k, c) ->
            keys.add(
                new KeyStats(
                    k,
                    c.allowed,
                    c.denied,
                    c.allowedRecipients,
                    c.deniedRecipients,
                    Optional.ofNullable(c.firstTrip))));
    return new Result(
        limits,
        List.copyOf(keys),
        events,
        outOfOrder,
        Optional.ofNullable(first),
        Optional.ofNullable(last));
  }

  private static long nanosBetween(Instant origin, Instant at, int line) {
    try {
      return Duration.between(origin, at).toNanos();
    } catch (ArithmeticException e) {
      throw bad(line, "timestamp more than 292 years from the first one");
    }
  }

  private static String unquote(String field) {
    String s = field.strip();
    if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
      s = s.substring(1, s.length() - 1).replace("\"\"", "\"").strip();
    }
    return s;
  }

  static Instant parseTime(String text, int line) {
    if (EPOCH.matcher(text).matches()) {
      BigDecimal seconds = new BigDecimal(text);
      long whole = seconds.setScale(0, java.math.RoundingMode.FLOOR).longValueExact();
      long nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).longValue();
      return Instant.ofEpochSecond(whole, nanos);
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeException withOffset) {
      try {
        return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
      } catch (DateTimeException local) {
        throw bad(
            line,
            "bad timestamp '"
                + text
                + "' (expected ISO-8601 such as 2026-11-28T09:15:00Z, or epoch seconds)");
      }
    }
  }

  private static IllegalArgumentException bad(int line, String what) {
    return new IllegalArgumentException("line " + line + ": " + what);
  }

  private static final class Counter {
    long allowed;
    long denied;
    long allowedRecipients;
    long deniedRecipients;
    Instant firstTrip;

    void add(boolean ok, long recipients, Instant at) {
      if (ok) {
        allowed++;
        allowedRecipients += recipients;
      } else {
        denied++;
        deniedRecipients += recipients;
        if (firstTrip == null) {
          firstTrip = at;
        }
      }
    }
  }

  /**
   * What happened to one key.
   *
   * @param key as given in the CSV
   * @param allowedMessages sends granted
   * @param deniedMessages sends refused
   * @param allowedRecipients recipients of the granted sends
   * @param deniedRecipients recipients of the refused sends
   * @param firstTrip when the key was first refused; empty when never
   */
  public record KeyStats(
      String key,
      long allowedMessages,
      long deniedMessages,
      long allowedRecipients,
      long deniedRecipients,
      Optional<Instant> firstTrip) {}

  /**
   * The outcome of a replay.
   *
   * @param limits the limits replayed
   * @param keys one entry per key, in order of first appearance
   * @param events sends replayed
   * @param outOfOrder sends whose timestamp was earlier than the latest one before
   * @param first earliest timestamp
   * @param last latest timestamp
   */
  public record Result(
      List<Limit> limits,
      List<KeyStats> keys,
      long events,
      long outOfOrder,
      Optional<Instant> first,
      Optional<Instant> last) {

    /** Keys that were refused at least once. */
    public List<KeyStats> trippedKeys() {
      return keys.stream().filter(k -> k.deniedMessages() > 0).toList();
    }

    /**
     * A plain-text table for a terminal: one line per key (key, allowed, denied, first trip),
     * tripped keys first in order of their first trip, then a summary line.
     */
    public String toTable() {
      List<KeyStats> sorted = new ArrayList<>(keys);
      sorted.sort(
          (a, b) -> {
            if (a.firstTrip().isPresent() != b.firstTrip().isPresent()) {
              return a.firstTrip().isPresent() ? -1 : 1;
            }
            return a.firstTrip().isPresent()
                ? a.firstTrip().get().compareTo(b.firstTrip().get())
                : 0;
          });
      int width = "key".length();
      for (KeyStats k : sorted) {
        width = Math.max(width, k.key().length());
      }
      StringBuilder b = new StringBuilder();
      String format = "%-" + width + "s  %9s  %9s  %10s  %10s  %s%n";
      b.append(
          String.format(
              format, "key", "allowed", "denied", "rcpt-ok", "rcpt-denied", "first trip"));
      for (KeyStats k : sorted) {
        b.append(
            String.format(
                format,
                k.key(),
                k.allowedMessages(),
                k.deniedMessages(),
                k.allowedRecipients(),
                k.deniedRecipients(),
                k.firstTrip().map(Instant::toString).orElse("-")));
      }
      b.append(
          String.format(
              "%d sends, %d keys, %d tripped; limits %s%s%n",
              events,
              keys.size(),
              trippedKeys().size(),
              limits,
              outOfOrder > 0 ? "; " + outOfOrder + " sends out of time order" : ""));
      return b.toString();
    }
  }
}
