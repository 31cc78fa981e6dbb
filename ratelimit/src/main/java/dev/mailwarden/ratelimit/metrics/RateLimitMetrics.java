package dev.mailwarden.ratelimit.metrics;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.CheckReport;
import dev.mailwarden.EvaluationListener;
import dev.mailwarden.MailSession;
import dev.mailwarden.ratelimit.Limit;
import dev.mailwarden.ratelimit.OutboundLimitResult;
import dev.mailwarden.ratelimit.RateDecision;
import dev.mailwarden.ratelimit.RateLimiter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Micrometer meters for rate limits. As a listener ({@link #bind}) it counts the decisions of every
 * {@code OutboundLimit} check; code that calls {@link RateLimiter#tryAcquire} itself passes each
 * decision to {@link #record}.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th></tr>
 *   <tr><td>{@code mailwarden.ratelimit.decisions}</td><td>counter</td>
 *       <td>{@code limit} (e.g. {@code 100/1h}; {@code none} for exempt keys and store outages),
 *       {@code result}: {@code granted} (counted for each limit of the key), {@code denied}
 *       (counted for the limit that refused), {@code exempt}, {@code store_unavailable_open},
 *       {@code store_unavailable_closed}</td></tr>
 *   <tr><td>{@code mailwarden.ratelimit.keys}</td><td>gauge: keys held in memory (-1 for
 *       Redis)</td><td>{@code limits} (the limiter's limits, e.g. {@code 100/1h,1000/1d})</td></tr>
 * </table>
 *
 * <p>Never the key (a user, an address or an IP) as a tag.
 */
// "exports": MeterRegistry is in the signatures but micrometer.core is not required transitively
// (an optional dependency); whoever calls bind(...) holds a registry, so reads micrometer.core
@SuppressWarnings("exports")
public final class RateLimitMetrics implements EvaluationListener {
  private static final String NONE = "none";

  private final MeterRegistry registry;
  private final ConcurrentMap<List<String>, Counter> counters = new ConcurrentHashMap<>();

  private RateLimitMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public static RateLimitMetrics bind(MeterRegistry registry) {
    return new RateLimitMetrics(requireNonNull(registry, "registry"));
  }

  /** Registers {@code mailwarden.ratelimit.keys} for this limiter. */
  public RateLimitMetrics bindKeys(RateLimiter limiter) {
    requireNonNull(limiter, "limiter");
    StringBuilder limits = new StringBuilder();
    for (Limit l : limiter.limits()) {
      limits.append(limits.length() == 0 ? "" : ",").append(l);
    }
    Gauge.builder("mailwarden.ratelimit.keys", limiter, RateLimiter::estimatedKeys)
        .description("Keys held in memory by the limiter (-1 for Redis)")
        .tag("limits", limits.toString())
        .register(registry);
    return this;
  }

  /** Counts one decision (for callers of {@link RateLimiter#tryAcquire}). */
  public void record(RateDecision decision) {
    requireNonNull(decision, "decision");
    switch (decision.status()) {
      case ALLOWED -> {
        for (Limit l : decision.limits()) {
          count(l.toString(), "granted");
        }
      }
      case DENIED -> count(decision.exceededLimit().map(Limit::toString).orElse(NONE), "denied");
      case EXEMPT -> count(NONE, "exempt");
      case STORE_UNAVAILABLE ->
          count(NONE, decision.allowed() ? "store_unavailable_open" : "store_unavailable_closed");
    }
  }

  @Override
  public void onCheckComplete(MailSession session, CheckReport report) {
    if (report.status() == CheckReport.Status.COMPLETED
        && report.result() instanceof OutboundLimitResult r) {
      r.decisions().values().forEach(this::record);
    }
  }

  private void count(String limit, String result) {
    List<String> key = List.of(limit, result);
    Counter c = counters.get(key);
    if (c == null) {
      c =
          counters.computeIfAbsent(
              key,
              k ->
                  Counter.builder("mailwarden.ratelimit.decisions")
                      .description("Rate-limit decisions by limit and result")
                      .tag("limit", limit)
                      .tag("result", result)
                      .register(registry));
    }
    c.increment();
  }

  @Override
  public String toString() {
    return "RateLimitMetrics[" + registry.getClass().getSimpleName() + "]";
  }
}
