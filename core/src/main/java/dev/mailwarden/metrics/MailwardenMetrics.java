package dev.mailwarden.metrics;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.CapExceeded;
import dev.mailwarden.CheckEvent;
import dev.mailwarden.CheckReport;
import dev.mailwarden.Evaluation;
import dev.mailwarden.EvaluationListener;
import dev.mailwarden.MailSession;
import dev.mailwarden.Outcome;
import dev.mailwarden.Verdict;
import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsResolver;
import dev.mailwarden.dns.DnsStatus;
import dev.mailwarden.dns.NetworkResolver;
import dev.mailwarden.dns.RecordType;
import dev.mailwarden.dns.internal.CachingResolver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.ToDoubleFunction;

/**
 * Micrometer meters for mailwarden. {@link #bind(MeterRegistry)} gives the listener to register
 * on {@code MailWarden.builder().listener(...)}; {@link #bindResolver} and {@link #bindCache} add
 * gauges and counters read from the DNS layer at scrape time. The dnsbl and ratelimit modules
 * have their own binders ({@code DnsblMetrics}, {@code RateLimitMetrics}); combine listeners with
 * {@link EvaluationListener#all}.
 *
 * <p>Tags are low-cardinality only: check names, outcomes, verdicts, record types, statuses, cap
 * names. Never an IP address, a domain, an address or a user.
 *
 * <table>
 *   <caption>Meters of the listener</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th></tr>
 *   <tr><td>{@code mailwarden.evaluations}</td><td>timer</td><td>{@code verdict}</td></tr>
 *   <tr><td>{@code mailwarden.checks}</td><td>timer (start of evaluation to result)</td>
 *       <td>{@code check}, {@code outcome}, {@code status}</td></tr>
 *   <tr><td>{@code mailwarden.dns.queries}</td><td>timer</td>
 *       <td>{@code type}, {@code status}, {@code source} ({@code cache} or {@code network})</td></tr>
 *   <tr><td>{@code mailwarden.check.events}</td><td>counter</td><td>{@code check}, {@code event}</td></tr>
 *   <tr><td>{@code mailwarden.caps.exceeded}</td><td>counter</td><td>{@code check}, {@code cap}</td></tr>
 * </table>
 */
public final class MailwardenMetrics implements EvaluationListener {
  private static final RecordType[] TYPES = RecordType.values();
  private static final DnsStatus[] STATUSES = DnsStatus.values();

  private final MeterRegistry registry;
  private final Timer[] evaluations;
  private final AtomicReferenceArray<Timer> dnsTimers;
  private final ConcurrentMap<CheckKey, Timer> checks = new ConcurrentHashMap<>();
  private final ConcurrentMap<EventKey, Counter> events = new ConcurrentHashMap<>();
  private final ConcurrentMap<EventKey, Counter> caps = new ConcurrentHashMap<>();

  private record CheckKey(String check, Outcome outcome, CheckReport.Status status) {}

  private record EventKey(String check, String kind) {}

  private MailwardenMetrics(MeterRegistry registry) {
    this.registry = registry;
    Verdict[] verdicts = Verdict.values();
    this.evaluations = new Timer[verdicts.length];
    for (Verdict v : verdicts) {
      evaluations[v.ordinal()] =
          Timer.builder("mailwarden.evaluations")
              .description("Evaluations by verdict, and their duration")
              .tag("verdict", lower(v.name()))
              .register(registry);
    }
    this.dnsTimers = new AtomicReferenceArray<>(TYPES.length * STATUSES.length * 2);
  }

  /**
   * Registers the evaluation meters in {@code registry} and returns the listener that feeds them.
   * One per registry; share it between {@code MailWarden} instances.
   */
  public static MailwardenMetrics bind(MeterRegistry registry) {
    return new MailwardenMetrics(requireNonNull(registry, "registry"));
  }

  /**
   * Counters and gauges of a network resolver, read from {@link NetworkResolver#stats()} at
   * scrape time: {@code mailwarden.resolver.queries.sent}, {@code .replies.accepted}, {@code
   * .replies.dropped} (tag {@code reason}), {@code .timeouts}, {@code .tcp.retries}, {@code
   * .overloaded}, and the gauges {@code .in.flight} and {@code .waiting}. The registry holds the
   * resolver weakly.
   */
  public static void bindResolver(MeterRegistry registry, NetworkResolver resolver) {
    requireNonNull(registry, "registry");
    requireNonNull(resolver, "resolver");
    counter(registry, resolver, "mailwarden.resolver.queries.sent", "Queries put on the wire, retries included",
        Tags.empty(), r -> r.stats().queriesSent());
    counter(registry, resolver, "mailwarden.resolver.replies.accepted", "Replies matched to a query and used",
        Tags.empty(), r -> r.stats().answersAccepted());
    counter(registry, resolver, "mailwarden.resolver.replies.dropped", "Replies dropped, by reason",
        Tags.of("reason", "unknown_id"), r -> r.stats().droppedUnknownId());
    counter(registry, resolver, "mailwarden.resolver.replies.dropped", "Replies dropped, by reason",
        Tags.of("reason", "wrong_source"), r -> r.stats().droppedWrongSource());
    counter(registry, resolver, "mailwarden.resolver.replies.dropped", "Replies dropped, by reason",
        Tags.of("reason", "wrong_question"), r -> r.stats().droppedWrongQuestion());
    counter(registry, resolver, "mailwarden.resolver.replies.dropped", "Replies dropped, by reason",
        Tags.of("reason", "unparseable"), r -> r.stats().droppedUnparseable());
    counter(registry, resolver, "mailwarden.resolver.timeouts", "Tries that got no reply in time",
        Tags.empty(), r -> r.stats().timeouts());
    counter(registry, resolver, "mailwarden.resolver.tcp.retries", "Truncated replies asked again over TCP",
        Tags.empty(), r -> r.stats().tcpRetries());
    counter(registry, resolver, "mailwarden.resolver.overloaded", "Lookups refused for want of an in-flight slot",
        Tags.empty(), r -> r.stats().overloaded());
    Gauge.builder("mailwarden.resolver.in.flight", resolver, r -> r.stats().inFlight())
        .description("Queries on the wire now")
        .register(registry);
    Gauge.builder("mailwarden.resolver.waiting", resolver, r -> r.stats().waiting())
        .description("Lookups waiting for an in-flight slot now")
        .register(registry);
  }

  /**
   * The gauge {@code mailwarden.dns.cache.size} (answers held) of a resolver made by {@link
   * DnsResolver#cached}; returns false (and registers nothing) for any other resolver. Cache hits
   * and misses are the {@code source} tag of {@code mailwarden.dns.queries}.
   */
  public static boolean bindCache(MeterRegistry registry, DnsResolver cached) {
    requireNonNull(registry, "registry");
    requireNonNull(cached, "cached");
    if (!(cached instanceof CachingResolver cache)) {
      return false;
    }
    Gauge.builder("mailwarden.dns.cache.size", cache, CachingResolver::size)
        .description("DNS answers held in the cache")
        .register(registry);
    return true;
  }

  private static void counter(
      MeterRegistry registry, NetworkResolver resolver, String name, String description, Tags tags,
      ToDoubleFunction<NetworkResolver> read) {
    FunctionCounter.builder(name, resolver, read).description(description).tags(tags).register(registry);
  }

  @Override
  public void onCheckComplete(MailSession session, CheckReport report) {
    CheckKey key = new CheckKey(report.name(), report.outcome(), report.status());
    Timer t = checks.get(key);
    if (t == null) {
      t = checks.computeIfAbsent(key, k -> Timer.builder("mailwarden.checks")
          .description("Check results by check, outcome and how the check ended")
          .tag("check", k.check())
          .tag("outcome", k.outcome().token())
          .tag("status", lower(k.status().name()))
          .register(registry));
    }
    t.record(report.elapsed());
  }

  @Override
  public void onDnsQuery(MailSession session, String checkName, DnsAnswer answer, Duration elapsed) {
    int source = answer.fromCache() ? 1 : 0;
    int i = (answer.type().ordinal() * STATUSES.length + answer.status().ordinal()) * 2 + source;
    Timer t = dnsTimers.get(i);
    if (t == null) {
      t = Timer.builder("mailwarden.dns.queries")
          .description("DNS answers that reached a check, by type, status and source")
          .tag("type", answer.type().name())
          .tag("status", answer.status().name())
          .tag("source", source == 1 ? "cache" : "network")
          .register(registry);
      dnsTimers.set(i, t); // a race registers the same meter twice: the registry returns one
    }
    t.record(elapsed);
  }

  @Override
  public void onCheckEvent(String checkName, CheckEvent event) {
    count(events, new EventKey(checkName, event.getClass().getSimpleName()), "mailwarden.check.events",
        "Events reported by checks, by check and event type", "event");
    if (event instanceof CapExceeded cap) {
      count(caps, new EventKey(checkName, cap.cap()), "mailwarden.caps.exceeded",
          "Hostile-input caps hit, by check and cap", "cap");
    }
  }

  private void count(ConcurrentMap<EventKey, Counter> map, EventKey key, String name, String description, String tag) {
    Counter c = map.get(key);
    if (c == null) {
      c = map.computeIfAbsent(key, k -> Counter.builder(name)
          .description(description)
          .tag("check", k.check())
          .tag(tag, k.kind())
          .register(registry));
    }
    c.increment();
  }

  @Override
  public void onEvaluationComplete(Evaluation evaluation) {
    evaluations[evaluation.verdict().ordinal()].record(evaluation.elapsed());
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return "MailwardenMetrics[" + registry.getClass().getSimpleName() + "]";
  }
}
