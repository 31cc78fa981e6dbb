package dev.mailwarden.dnsbl;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.CheckContext;
import dev.mailwarden.CheckEvent;
import dev.mailwarden.EvaluationListener;
import dev.mailwarden.MailSession;
import dev.mailwarden.MailwardenRuntime;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * Checks your own outbound addresses against a set of IP lists and reports where each is listed
 * (the "monitor your IPs" advice of the Spamhaus guide). All addresses and lists are queried at
 * once; errors are reported as errors, never as listings.
 *
 * <pre>{@code
 * ListingMonitor monitor = ListingMonitor.builder(runtime)
 *     .list(Dnsbl.spamhausZen())
 *     .list(Dnsbl.parse("bl.example.net=127.0.0.[2..11]"))
 *     .build();
 * MonitorReport report = monitor.checkAndWait(List.of(InetAddress.getByName("192.0.2.25")));
 * report.lines().forEach(System.out::println);
 * if (report.anyListed()) alert(report.listings());
 * }</pre>
 */
public final class ListingMonitor {
  private final MailwardenRuntime runtime;
  private final DnsblChecker group;
  private final Duration timeout;
  private final Consumer<CheckEvent> events;

  private ListingMonitor(Builder b) {
    this.runtime = b.runtime;
    this.group = new DnsblChecker("listing-monitor", b.lists);
    this.timeout = b.timeout;
    this.events = b.events;
  }

  /** A builder of monitors that look up through {@code runtime}. */
  public static Builder builder(MailwardenRuntime runtime) {
    return new Builder(requireNonNull(runtime, "runtime"));
  }

  /** Looks every address up in every list. The future never fails for DNS trouble. */
  public CompletableFuture<MonitorReport> check(Collection<InetAddress> addresses) {
    List<InetAddress> ips = List.copyOf(addresses);
    List<CompletableFuture<DnsblResult>> futures = new ArrayList<>(ips.size());
    EvaluationListener listener =
        new EvaluationListener() {
          @Override
          public void onCheckEvent(String checkName, CheckEvent event) {
            events.accept(event);
          }
        };
    for (InetAddress ip : ips) {
      CheckContext ctx =
          CheckContext.builder(MailSession.builder().clientIp(ip).build(), runtime)
              .deadline(timeout)
              .listener(listener)
              .build();
      futures.add(group.lookup(ctx, ip));
    }
    return CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]))
        .thenApply(
            v -> {
              List<MonitorReport.Entry> entries = new ArrayList<>(ips.size());
              for (int i = 0; i < ips.size(); i++) {
                entries.add(new MonitorReport.Entry(ips.get(i), futures.get(i).join().lists()));
              }
              return new MonitorReport(entries);
            });
  }

  /** Blocking convenience for scripts and the CLI: {@link #check} and wait. */
  public MonitorReport checkAndWait(Collection<InetAddress> addresses) {
    try {
      return check(addresses).join();
    } catch (CompletionException e) {
      throw new IllegalStateException("listing check failed unexpectedly", e.getCause());
    }
  }

  /** The health of the monitored lists, as of the last check. */
  public List<ListHealth> health() {
    return group.health();
  }

  /** The lists checked. */
  public List<DnsList> lists() {
    return group.lists();
  }

  @Override
  public String toString() {
    return "ListingMonitor" + group.lists();
  }

  /** Builds a {@link ListingMonitor}. */
  public static final class Builder {
    private final MailwardenRuntime runtime;
    private final List<DnsList> lists = new ArrayList<>();
    private Duration timeout = Duration.ofSeconds(10);
    private Consumer<CheckEvent> events = e -> {};

    private Builder(MailwardenRuntime runtime) {
      this.runtime = runtime;
    }

    /** An IP list to check; repeatable. */
    public Builder list(DnsList list) {
      requireNonNull(list, "list");
      if (list.isDomainList()) {
        throw new IllegalArgumentException(
            "the monitor checks IP lists; " + list + " is a domain list");
      }
      lists.add(list);
      return this;
    }

    /** Several IP lists. */
    public Builder lists(Collection<DnsList> more) {
      more.forEach(this::list);
      return this;
    }

    /** Time allowed for one {@link #check} (default 10 s). */
    public Builder timeout(Duration timeout) {
      requireNonNull(timeout, "timeout");
      if (timeout.isZero() || timeout.isNegative()) {
        throw new IllegalArgumentException("timeout must be positive: " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /** Receives list-health events ({@link ListHealthEvent}). */
    public Builder onEvent(Consumer<CheckEvent> events) {
      this.events = requireNonNull(events, "events");
      return this;
    }

    /**
     * @throws IllegalStateException without a list
     */
    public ListingMonitor build() {
      if (lists.isEmpty()) {
        throw new IllegalStateException(
            "no list: call list(Dnsbl.spamhausZen()) or list(Dnsbl.parse(spec))");
      }
      return new ListingMonitor(this);
    }
  }
}
