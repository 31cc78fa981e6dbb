package dev.mailwarden.dnsbl.metrics;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.CheckEvent;
import dev.mailwarden.CheckReport;
import dev.mailwarden.EvaluationListener;
import dev.mailwarden.MailSession;
import dev.mailwarden.dnsbl.DnsblChecker;
import dev.mailwarden.dnsbl.DnsblResult;
import dev.mailwarden.dnsbl.ListErrorEvent;
import dev.mailwarden.dnsbl.ListHealth;
import dev.mailwarden.dnsbl.ListHealthEvent;
import dev.mailwarden.dnsbl.ListResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Micrometer meters for DNS lists. {@link #bind} gives a listener (combine it with {@code
 * MailwardenMetrics.bind(registry)} through {@code EvaluationListener.all}); {@link #bindHealth}
 * adds the health gauge of lists you use.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th></tr>
 *   <tr><td>{@code mailwarden.dnsbl.answers}</td><td>counter</td>
 *       <td>{@code list}, {@code status} ({@code listed}, {@code not_listed}, {@code error})</td></tr>
 *   <tr><td>{@code mailwarden.dnsbl.errors}</td><td>counter</td><td>{@code list}, {@code error}
 *       (a {@code ListError}, lower case)</td></tr>
 *   <tr><td>{@code mailwarden.dnsbl.health.changes}</td><td>counter</td>
 *       <td>{@code list}, {@code family}, {@code healthy}</td></tr>
 *   <tr><td>{@code mailwarden.dnsbl.healthy}</td><td>gauge, 1 healthy, 0 not (RFC 5782 probe
 *       state)</td><td>{@code list}, {@code family} ({@code IPv4}, {@code IPv6}, {@code domain})</td></tr>
 * </table>
 *
 * <p>{@code list} is the list's configured name (any DQS key redacted): as many values as lists you
 * configured. Never the address or domain looked up.
 */
// "exports": MeterRegistry is in the signatures but micrometer.core is not required transitively
// (an optional dependency); whoever calls bind(...) holds a registry, so reads micrometer.core
@SuppressWarnings("exports")
public final class DnsblMetrics implements EvaluationListener {
  private final MeterRegistry registry;
  private final ConcurrentMap<List<String>, Counter> counters = new ConcurrentHashMap<>();

  private DnsblMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** The listener that counts list answers, errors and health changes into {@code registry}. */
  public static DnsblMetrics bind(MeterRegistry registry) {
    return new DnsblMetrics(requireNonNull(registry, "registry"));
  }

  /** Registers {@code mailwarden.dnsbl.healthy} for each list and family of this checker. */
  public DnsblMetrics bindHealth(DnsblChecker checker) {
    requireNonNull(checker, "checker");
    for (ListHealth h : checker.health()) {
      String list = h.list();
      String family = h.family();
      Gauge.builder("mailwarden.dnsbl.healthy", checker, c -> healthy(c.health(), list, family))
          .description("1 while the list is healthy (RFC 5782 probes and answers), 0 while not")
          .tag("list", list)
          .tag("family", family)
          .register(registry);
    }
    return this;
  }

  private static double healthy(List<ListHealth> all, String list, String family) {
    for (ListHealth h : all) {
      if (h.list().equals(list) && h.family().equals(family)) {
        return h.healthy() ? 1 : 0;
      }
    }
    return Double.NaN;
  }

  @Override
  public void onCheckComplete(MailSession session, CheckReport report) {
    if (report.result() instanceof DnsblResult result) {
      for (ListResult r : result.lists()) {
        count(
            "mailwarden.dnsbl.answers",
            "List answers by list and status",
            "list",
            r.list(),
            "status",
            r.status().name().toLowerCase(Locale.ROOT));
      }
    }
  }

  @Override
  public void onCheckEvent(String checkName, CheckEvent event) {
    if (event instanceof ListErrorEvent e) {
      count(
          "mailwarden.dnsbl.errors",
          "List answers that were errors, by list and kind",
          "list",
          e.list(),
          "error",
          e.error().name().toLowerCase(Locale.ROOT));
    } else if (event instanceof ListHealthEvent e) {
      count(
          "mailwarden.dnsbl.health.changes",
          "Lists turning unhealthy or recovering",
          "list",
          e.list(),
          "family",
          e.family(),
          "healthy",
          Boolean.toString(e.healthy()));
    }
  }

  private void count(String name, String description, String... tags) {
    List<String> key = List.of(name, String.join("\u0000", tags));
    Counter c = counters.get(key);
    if (c == null) {
      c =
          counters.computeIfAbsent(
              key,
              k -> Counter.builder(name).description(description).tags(tags).register(registry));
    }
    c.increment();
  }

  @Override
  public String toString() {
    return "DnsblMetrics[" + registry.getClass().getSimpleName() + "]";
  }
}
