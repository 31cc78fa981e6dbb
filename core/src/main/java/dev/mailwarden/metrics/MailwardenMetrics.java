package dev.mailwarden.metrics;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.CacheStats;
import dev.mailwarden.CapExceeded;
import dev.mailwarden.CheckEvent;
import dev.mailwarden.CheckReport;
import dev.mailwarden.Evaluation;
import dev.mailwarden.EvaluationListener;
import dev.mailwarden.MailSession;
import dev.mailwarden.MailwardenRuntime;
import dev.mailwarden.Outcome;
import dev.mailwarden.Verdict;
import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsStatus;
import dev.mailwarden.dns.NetworkResolver;
import dev.mailwarden.dns.RecordType;
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
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Micrometer meters for mailwarden. {@link #bind(MeterRegistry)} gives the listener to register on
 * {@code MailWarden.builder(runtime).listener(...)}; {@link #bindRuntime} adds gauges and counters
 * of the runtime's caches and resolver, read at scrape time. The dnsbl and ratelimit modules have
 * their own binders ({@code DnsblMetrics}, {@code RateLimitMetrics}); combine listeners with {@link
 * EvaluationListener#all}.
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
// "exports": MeterRegistry is in the signatures but micrometer.core is not required transitively
// (an optional dependency); whoever calls bind(...) holds a registry, so reads micrometer.core
@SuppressWarnings("exports")
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
   * Gauges and counters of a runtime, read at scrape time: for each cache ({@code cache} tag {@code
   * dns} or {@code records}) the gauges {@code mailwarden.cache.size} and {@code
   * mailwarden.cache.bytes} and the counters {@code mailwarden.cache.misses} and {@code
   * mailwarden.cache.evictions}; the gauge {@code mailwarden.cache.memory} (the budget); and, when
   * the runtime built its network resolver, that resolver's meters ({@link #bindResolver}). Cache
   * hits are {@code mailwarden.dns.queries} with {@code source=cache}. The registry holds the
   * runtime weakly.
   */
  public static void bindRuntime(MeterRegistry registry, MailwardenRuntime runtime) {
    requireNonNull(registry, "registry");
    requireNonNull(runtime, "runtime");
    cache(registry, runtime, "dns", MailwardenRuntime::dnsCacheStats);
    cache(registry, runtime, "records", MailwardenRuntime::recordCacheStats);
    Gauge.builder("mailwarden.cache.memory", runtime, MailwardenRuntime::cacheMemory)
        .description("The memory budget of the runtime's caches")
        .baseUnit("bytes")
        .register(registry);
    if (runtime.resolverStats().isPresent()) {
      resolver(registry, runtime, r -> r.resolverStats().orElseThrow());
    }
  }

  private static void cache(
      MeterRegistry registry,
      MailwardenRuntime runtime,
      String cache,
      Function<MailwardenRuntime, CacheStats> stats) {
    Tags tags = Tags.of("cache", cache);
    Gauge.builder("mailwarden.cache.size", runtime, r -> stats.apply(r).entries())
        .description("Entries held in the cache")
        .tags(tags)
        .register(registry);
    Gauge.builder("mailwarden.cache.bytes", runtime, r -> stats.apply(r).bytes())
        .description("Estimated bytes held in the cache")
        .baseUnit("bytes")
        .tags(tags)
        .register(registry);
    FunctionCounter.builder("mailwarden.cache.misses", runtime, r -> stats.apply(r).misses())
        .description("Lookups the cache could not answer")
        .tags(tags)
        .register(registry);
    FunctionCounter.builder("mailwarden.cache.evictions", runtime, r -> stats.apply(r).evictions())
        .description("Entries removed to stay within the memory budget")
        .tags(tags)
        .register(registry);
  }

  /**
   * Counters and gauges of a network resolver you built yourself (a runtime's own resolver is bound
   * by {@link #bindRuntime}), read from {@link NetworkResolver#stats()} at scrape time: {@code
   * mailwarden.resolver.queries.sent}, {@code .replies.accepted}, {@code .replies.dropped} (tag
   * {@code reason}), {@code .timeouts}, {@code .tcp.retries}, {@code .overloaded}, and the gauges
   * {@code .in.flight} and {@code .waiting}. The registry holds the resolver weakly.
   */
  public static void bindResolver(MeterRegistry registry, NetworkResolver resolver) {
    requireNonNull(registry, "registry");
    resolver(registry, requireNonNull(resolver, "resolver"), NetworkResolver::stats);
  }

  private static <T> void resolver(
      MeterRegistry registry, T owner, Function<T, NetworkResolver.Stats> stats) {
    counter(
        registry,
        owner,
        "mailwarden.resolver.queries.sent",
        "Queries put on the wire, retries included",
        Tags.empty(),
        o -> stats.apply(o).queriesSent());
    counter(
        registry,
        owner,
        "mailwarden.resolver.replies.accepted",
        "Replies matched to a query and used",
        Tags.empty(),
        o -> stats.apply(o).answersAccepted());
    counter(
        registry,
        owner,
        "mailwarden.resolver.replies.dropped",
        "Replies dropped, by reason",
        Tags.of("reason", "unknown_id"),
        o -> stats.apply(o).droppedUnknownId());
    counter(
        registry,
        owner,
        "mailwarden.resolver.replies.dropped",
        "Replies dropped, by reason",
        Tags.of("reason", "wrong_source"),
        o -> stats.apply(o).droppedWrongSource());
    counter(
        registry,
        owner,
        "mailwarden.resolver.replies.dropped",
        "Replies dropped, by reason",
        Tags.of("reason", "wrong_question"),
        o -> stats.apply(o).droppedWrongQuestion());
    counter(
        registry,
        owner,
        "mailwarden.resolver.replies.dropped",
        "Replies dropped, by reason",
        Tags.of("reason", "unparseable"),
        o -> stats.apply(o).droppedUnparseable());
    counter(
        registry,
        owner,
        "mailwarden.resolver.timeouts",
        "Tries that got no reply in time",
        Tags.empty(),
        o -> stats.apply(o).timeouts());
    counter(
        registry,
        owner,
        "mailwarden.resolver.tcp.retries",
        "Truncated replies asked again over TCP",
        Tags.empty(),
        o -> stats.apply(o).tcpRetries());
    counter(
        registry,
        owner,
        "mailwarden.resolver.overloaded",
        "Lookups refused for want of an in-flight slot",
        Tags.empty(),
        o -> stats.apply(o).overloaded());
    Gauge.builder("mailwarden.resolver.in.flight", owner, o -> stats.apply(o).inFlight())
        .description("Queries on the wire now")
        .register(registry);
    Gauge.builder("mailwarden.resolver.waiting", owner, o -> stats.apply(o).waiting())
        .description("Lookups waiting for an in-flight slot now")
        .register(registry);
  }

  private static <T> void counter(
      MeterRegistry registry,
      T owner,
      String name,
      String description,
      Tags tags,
      ToDoubleFunction<T> read) {
    FunctionCounter.builder(name, owner, read)
        .description(description)
        .tags(tags)
        .register(registry);
  }

  @Override
  public void onCheckComplete(MailSession session, CheckReport report) {
    CheckKey key = new CheckKey(report.name(), report.outcome(), report.status());
    Timer t = checks.get(key);
    if (t == null) {
      t =
          checks.computeIfAbsent(
              key,
              k ->
                  Timer.builder("mailwarden.checks")
                      .description("Check results by check, outcome and how the check ended")
                      .tag("check", k.check())
                      .tag("outcome", k.outcome().token())
                      .tag("status", lower(k.status().name()))
                      .register(registry));
    }
    t.record(report.elapsed());
  }

  @Override
  public void onDnsQuery(
      MailSession session, String checkName, DnsAnswer answer, Duration elapsed) {
    int source = answer.fromCache() ? 1 : 0;
    int i = (answer.type().ordinal() * STATUSES.length + answer.status().ordinal()) * 2 + source;
    Timer t = dnsTimers.get(i);
    if (t == null) {
      t =
          Timer.builder("mailwarden.dns.queries")
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
    count(
        events,
        new EventKey(checkName, event.getClass().getSimpleName()),
        "mailwarden.check.events",
        "Events reported by checks, by check and event type",
        "event");
    if (event instanceof CapExceeded cap) {
      count(
          caps,
          new EventKey(checkName, cap.cap()),
          "mailwarden.caps.exceeded",
          "Hostile-input caps hit, by check and cap",
          "cap");
    }
  }

  private void count(
      ConcurrentMap<EventKey, Counter> map,
      EventKey key,
      String name,
      String description,
      String tag) {
    Counter c = map.get(key);
    if (c == null) {
      c =
          map.computeIfAbsent(
              key,
              k ->
                  Counter.builder(name)
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
