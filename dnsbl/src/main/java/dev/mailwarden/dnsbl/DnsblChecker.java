package dev.mailwarden.dnsbl;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.CheckContext;
import dev.mailwarden.CheckKey;
import dev.mailwarden.Checker;
import dev.mailwarden.MailSession;
import dev.mailwarden.Weights;
import dev.mailwarden.dnsbl.internal.DomainEngine;
import dev.mailwarden.dnsbl.internal.IpEngine;
import dev.mailwarden.dnsbl.internal.ListSpec;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The DNS-list checker: its lists queried at once under one deadline, one result with a {@link
 * ListResult} per list and subject. For IP lists one cache entry per client address holds every
 * list's answer, so a repeated address costs one cache read whatever the number of lists. Lists on
 * the same zone with different filters (the postscreen habit, {@code zen=127.0.0.[10..11]} next to
 * {@code zen=127.0.0.[2..9]}) share one query. Registered without weights it scores {@link
 * DnsblWeights#defaults()}.
 *
 * <p>Made by {@link Dnsbl#check} or {@link Dnsbl#builder()}. Thread-safe; its result cache and the
 * lists' health are shared by every evaluation that uses this instance.
 */
public final class DnsblChecker implements Checker<DnsblResult> {
  private final CheckKey<DnsblResult> key;
  private final List<DnsList> lists;
  private final @Nullable IpEngine ipEngine;
  private final @Nullable DomainEngine domainEngine;

  DnsblChecker(String name, List<DnsList> lists) {
    requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("checker name must not be blank");
    }
    this.lists = List.copyOf(lists);
    if (this.lists.isEmpty()) {
      throw new IllegalArgumentException("a DNS-list checker needs at least one list");
    }
    Set<String> names = new HashSet<>();
    List<ListSpec> ip = new ArrayList<>();
    List<ListSpec> domain = new ArrayList<>();
    for (DnsList l : this.lists) {
      if (!names.add(l.spec().name())) {
        throw new IllegalArgumentException(
            "two lists in checker '"
                + name
                + "' are named "
                + l.spec().name()
                + "; give one a distinct name with named(...)");
      }
      (l.isDomainList() ? domain : ip).add(l.spec());
    }
    this.key = CheckKey.of(name, DnsblResult.class);
    this.ipEngine = ip.isEmpty() ? null : new IpEngine(ip, DnsblResult::of);
    this.domainEngine = domain.isEmpty() ? null : new DomainEngine(domain);
  }

  /** The DQS keys of the lists: the engine redacts them from DNS logs and listener events. */
  @Override
  public java.util.Set<String> secrets() {
    java.util.Set<String> all = new java.util.LinkedHashSet<>();
    lists.forEach(l -> all.addAll(l.secrets()));
    return java.util.Set.copyOf(all);
  }

  /** The lists, in order. */
  public List<DnsList> lists() {
    return lists;
  }

  /** Registered without weights: {@link DnsblWeights#defaults()}. */
  @Override
  public Weights defaultWeights() {
    return DnsblWeights.defaults();
  }

  @Override
  public CheckKey<DnsblResult> key() {
    return key;
  }

  @Override
  public boolean appliesTo(MailSession session) {
    return (ipEngine != null && session.clientIp().isPresent())
        || (domainEngine != null && domainEngine.appliesTo(session));
  }

  @Override
  public CompletableFuture<DnsblResult> check(CheckContext context) {
    requireNonNull(context, "context");
    try {
      MailSession s = context.session();
      InetAddress ip = s.clientIp().orElse(null);
      if (domainEngine == null) {
        return ip == null
            ? CompletableFuture.completedFuture(DnsblResult.none("no client IP"))
            : ipEngine.evaluate(context, ip);
      }
      CompletableFuture<List<ListResult>> ipPart =
          ipEngine == null || ip == null
              ? CompletableFuture.completedFuture(List.of())
              : ipEngine.evaluate(context, ip).thenApply(DnsblResult::lists);
      CompletableFuture<List<ListResult>> domainPart = domainEngine.evaluate(context);
      return ipPart.thenCombine(
          domainPart,
          (a, b) -> {
            if (a.isEmpty() && b.isEmpty()) {
              return DnsblResult.none("no domain to look up");
            }
            List<ListResult> all = new ArrayList<>(a);
            all.addAll(b);
            return DnsblResult.of(all);
          });
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(
          DnsblResult.temperror("dnsbl check failed: " + e.getClass().getSimpleName()));
    }
  }

  /**
   * The health of each zone of this checker (per address family for IP lists), as last probed or
   * judged from answers. Lists sharing a zone share its health.
   */
  public List<ListHealth> health() {
    List<ListHealth> out = new ArrayList<>();
    if (ipEngine != null) {
      out.addAll(ipEngine.health());
    }
    if (domainEngine != null) {
      out.addAll(domainEngine.health());
    }
    return List.copyOf(out);
  }

  /** Looks one address up in the IP lists (used by {@link ListingMonitor}). */
  CompletableFuture<DnsblResult> lookup(CheckContext context, InetAddress ip) {
    if (ipEngine == null) {
      return CompletableFuture.completedFuture(DnsblResult.none("no IP lists"));
    }
    return ipEngine.evaluate(context, ip);
  }

  @Override
  public DnsblResult temperror(String reason) {
    return DnsblResult.temperror(reason);
  }

  @Override
  public String toString() {
    List<String> names = new ArrayList<>();
    lists.forEach(l -> names.add(l.spec().name()));
    return "Dnsbl[" + key.name() + ": " + String.join(", ", names) + "]";
  }
}
