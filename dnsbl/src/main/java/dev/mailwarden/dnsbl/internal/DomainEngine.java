package dev.mailwarden.dnsbl.internal;

import dev.mailwarden.CapExceeded;
import dev.mailwarden.CheckContext;
import dev.mailwarden.MailSession;
import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsStatus;
import dev.mailwarden.dns.RecordType;
import dev.mailwarden.dnsbl.DomainSource;
import dev.mailwarden.dnsbl.ListError;
import dev.mailwarden.dnsbl.ListResult;
import dev.mailwarden.internal.DomainNames;
import dev.mailwarden.internal.HeaderIndex;
import dev.mailwarden.internal.ReverseNames;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Looks the session's domains (HELO, MAIL FROM, From header, rDNS) up in a group of domain lists.
 * Each distinct domain is queried once per zone; every query of the evaluation runs at once under
 * one deadline. Caching is the core DNS cache's.
 */
public final class DomainEngine {
  private static final int MAX_PTR_NAMES = 2;

  private final List<ListSpec> lists;
  private final Map<String, Health> health = new LinkedHashMap<>();
  private final Set<DomainSource> sources = EnumSet.noneOf(DomainSource.class);

  /** The smallest From-domain cap of the lists that read the From header. */
  private final int maxFromDomains;

  public DomainEngine(List<ListSpec> lists) {
    this.lists = List.copyOf(lists);
    int cap = Integer.MAX_VALUE;
    for (ListSpec s : this.lists) {
      if (s.sources().contains(DomainSource.FROM_HEADER)) {
        cap = Math.min(cap, s.maxFromDomains());
      }
    }
    this.maxFromDomains = cap;
    for (ListSpec s : this.lists) {
      health.computeIfAbsent(s.zone(), z -> new Health(s, Health.Family.DOMAIN));
      sources.addAll(s.sources());
    }
  }

  /** The health of every zone. */
  public List<dev.mailwarden.dnsbl.ListHealth> health() {
    List<dev.mailwarden.dnsbl.ListHealth> out = new ArrayList<>();
    health.values().forEach(h -> out.add(h.snapshot()));
    return out;
  }

  /** True if the session holds any name these lists check (rDNS needs the client IP). */
  public boolean appliesTo(MailSession s) {
    return (sources.contains(DomainSource.HELO) && s.helo().isPresent())
        || (sources.contains(DomainSource.MAIL_FROM)
            && s.mailFrom().filter(m -> !m.isEmpty()).isPresent())
        || (sources.contains(DomainSource.FROM_HEADER) && s.hasMessage())
        || (sources.contains(DomainSource.RDNS) && s.clientIp().isPresent());
  }

  public CompletableFuture<List<ListResult>> evaluate(CheckContext ctx) {
    MailSession s = ctx.session();
    Map<String, EnumSet<DomainSource>> names = new LinkedHashMap<>();
    if (sources.contains(DomainSource.HELO)) {
      s.helo().flatMap(DomainNames::hostName).ifPresent(d -> add(names, d, DomainSource.HELO));
    }
    if (sources.contains(DomainSource.MAIL_FROM)) {
      s.mailFrom()
          .flatMap(DomainNames::hostNameOfAddress)
          .ifPresent(d -> add(names, d, DomainSource.MAIL_FROM));
    }
    List<ListResult> overCap = new ArrayList<>();
    if (sources.contains(DomainSource.FROM_HEADER) && s.hasMessage()) {
      HeaderIndex index = HeaderIndex.of(ctx);
      @Nullable List<String> from =
          index == null ? List.of() : FromHeader.domains(index, maxFromDomains);
      if (from == null || from.size() > maxFromDomains) {
        // over a cap: no From-header query at all, one ERROR per list that reads the From header
        String why =
            from == null
                ? "From header longer than "
                    + FromHeader.MAX_FROM_VALUE
                    + " characters (the cap); not parsed"
                : "From header names more than maxFromDomains ("
                    + maxFromDomains
                    + ") domains; not looked up";
        ctx.report(new CapExceeded(from == null ? "dnsbl.from-bytes" : "dnsbl.from-domains", why));
        for (ListSpec spec : lists) {
          if (spec.sources().contains(DomainSource.FROM_HEADER)) {
            overCap.add(
                Classifier.error(
                    spec,
                    "",
                    DomainSource.FROM_HEADER.token(),
                    "",
                    List.of(),
                    ListError.TOO_MANY_NAMES,
                    why));
          }
        }
      } else {
        for (String d : from) {
          add(names, d, DomainSource.FROM_HEADER);
        }
      }
    }
    long now = ctx.ticker().read();
    for (Health h : health.values()) {
      h.probeIfDue(ctx, now);
    }
    CompletableFuture<List<String>> rdns =
        sources.contains(DomainSource.RDNS) && s.clientIp().isPresent()
            ? ptrNames(ctx, s.clientIp().get())
            : CompletableFuture.completedFuture(List.of());
    return rdns.thenCompose(
        ptr -> {
          for (String p : ptr) {
            DomainNames.hostName(p).ifPresent(d -> add(names, d, DomainSource.RDNS));
          }
          CompletableFuture<List<ListResult>> results = query(ctx, names);
          if (overCap.isEmpty()) {
            return results;
          }
          return results.thenApply(
              r -> {
                List<ListResult> all = new ArrayList<>(r);
                all.addAll(overCap);
                return all;
              });
        });
  }

  private static void add(
      Map<String, EnumSet<DomainSource>> names, String domain, DomainSource source) {
    names.computeIfAbsent(domain, d -> EnumSet.noneOf(DomainSource.class)).add(source);
  }

  private static CompletableFuture<List<String>> ptrNames(CheckContext ctx, InetAddress ip) {
    AddressKey key = AddressKey.of(ip);
    String name =
        key.isIpv4()
            ? ReverseNames.ipv4(key.ipv4(), "in-addr.arpa")
            : ReverseNames.ipv6(key.high(), key.low(), "ip6.arpa");
    long remaining = Math.max(0, ctx.deadlineNanos() - ctx.ticker().read());
    CompletableFuture<DnsAnswer> f;
    try {
      f = ctx.dns().lookup(name, RecordType.PTR);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    return ctx.completeAfter(
            f.thenApply(a -> a), // our own dependent future, safe to complete at the timeout
            remaining / 2,
            () -> DnsAnswer.error(name, RecordType.PTR, DnsStatus.TIMEOUT, "deadline"))
        .handle((a, e) -> a == null || !a.isSuccess() ? List.<String>of() : a.names())
        .thenApply(l -> l.size() > MAX_PTR_NAMES ? l.subList(0, MAX_PTR_NAMES) : l);
  }

  private CompletableFuture<List<ListResult>> query(
      CheckContext ctx, Map<String, EnumSet<DomainSource>> names) {
    List<Batch.Job> jobs = new ArrayList<>();
    List<ListResult> prefilled = new ArrayList<>();
    int slot = 0;
    for (Map.Entry<String, EnumSet<DomainSource>> e : names.entrySet()) {
      String domain = e.getKey();
      Map<String, List<Integer>> byZone = new LinkedHashMap<>();
      for (int i = 0; i < lists.size(); i++) {
        ListSpec spec = lists.get(i);
        if (!java.util.Collections.disjoint(spec.sources(), e.getValue())) {
          byZone.computeIfAbsent(spec.zone(), z -> new ArrayList<>()).add(i);
        }
      }
      for (Map.Entry<String, List<Integer>> z : byZone.entrySet()) {
        Health h = health.get(z.getKey());
        List<ListSpec> specs = new ArrayList<>();
        List<Health> hs = new ArrayList<>();
        int[] slots = new int[z.getValue().size()];
        int n = 0;
        for (int li : z.getValue()) {
          ListSpec spec = lists.get(li);
          String source = sourceTokens(e.getValue(), spec.sources());
          if (h.skip()) {
            prefilled.add(
                Classifier.error(
                    spec,
                    domain,
                    source,
                    "",
                    List.of(),
                    ListError.UNHEALTHY,
                    "skipped while unhealthy: " + h.problem()));
            slot++;
          } else {
            prefilled.add(null);
            specs.add(spec);
            hs.add(h);
            slots[n++] = slot++;
          }
        }
        if (n > 0) {
          jobs.add(
              new Batch.Job(
                  QueryNames.domain(domain, z.getKey()),
                  domain,
                  sourceTokens(e.getValue(), specs.get(0).sources()),
                  specs,
                  hs,
                  Arrays.copyOf(slots, n)));
        }
      }
    }
    ListResult[] results = prefilled.toArray(new ListResult[0]);
    return Batch.run(ctx, jobs, results, true).thenApply(b -> Arrays.asList(b.results()));
  }

  private static String sourceTokens(Set<DomainSource> found, Set<DomainSource> wanted) {
    StringJoiner j = new StringJoiner(",");
    for (DomainSource d : found) {
      if (wanted.contains(d)) {
        j.add(d.token());
      }
    }
    return j.toString();
  }
}
