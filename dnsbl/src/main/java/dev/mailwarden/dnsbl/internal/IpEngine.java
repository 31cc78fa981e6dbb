package dev.mailwarden.dnsbl.internal;

import dev.mailwarden.CheckContext;
import dev.mailwarden.dnsbl.DnsblResult;
import dev.mailwarden.dnsbl.ListError;
import dev.mailwarden.dnsbl.ListResult;
import dev.mailwarden.internal.ReverseNames;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Looks one IP address up in a group of IP lists. Each distinct zone is queried once (lists on the
 * same zone with different filters share the answer), all zones at once, under one deadline.
 *
 * <p>The hit path: one cache entry per address holds the finished result of every list, so a
 * repeated address costs one key (two longs, no string), one map read and one ticker read. Entries
 * live for the smallest TTL of their answers (clamped to [{@value #MIN_TTL_SECONDS} s, {@value
 * #MAX_TTL_SECONDS} s]); results with any error are not cached. Misses go through {@code
 * ctx.dns()}, so the core DNS cache, single-flight and accounting still apply.
 */
public final class IpEngine {
  static final long MIN_TTL_SECONDS = 5;
  static final long MAX_TTL_SECONDS = 3600;

  private final Function<List<ListResult>, DnsblResult> resultOf;
  private final List<ListSpec> lists;
  private final String[] zones;
  private final int[][] listsOfZone;
  private final Health[] v4;
  private final @Nullable Health[] v6;
  private final @Nullable ResultCache<AddressKey, Cached> cache;

  private record Cached(DnsblResult result, long expiresAtNanos, long weightBytes)
      implements ResultCache.Expiring {

    /**
     * A generous estimate of what one entry keeps alive: map and queue nodes, key and this record,
     * then per list its result (strings at 48 bytes of header plus one byte per Latin-1 character)
     * and the result's detail map, which repeats most of those strings under longer keys.
     */
    static Cached of(DnsblResult result, long expiresAtNanos) {
      long w = 256;
      for (ListResult r : result.lists()) {
        long strings =
            chars(r.subject())
                + chars(r.query())
                + chars(r.detail())
                + r.reason().map(Cached::chars).orElse(0L);
        for (String c : r.codes()) {
          strings += 2 * chars(c); // the code and its share of the joined detail value
        }
        for (String c : r.categories()) {
          strings += 2 * chars(c);
        }
        w += 160 + 2 * strings + 8 * 64; // record fields; strings twice (result, details); map
      }
      return new Cached(result, expiresAtNanos, w);
    }

    private static long chars(String s) {
      return 48L + s.length();
    }
  }

  /**
   * {@code resultOf} makes the checker's result of a batch's list answers ({@code DnsblResult}'s
   * factory is not public: only the checker makes results).
   */
  public IpEngine(List<ListSpec> lists, Function<List<ListResult>, DnsblResult> resultOf) {
    this.resultOf = resultOf;
    this.lists = List.copyOf(lists);
    Map<String, List<Integer>> byZone = new LinkedHashMap<>();
    int cacheSize = Integer.MAX_VALUE;
    long cacheBytes = Long.MAX_VALUE;
    for (int i = 0; i < this.lists.size(); i++) {
      byZone.computeIfAbsent(this.lists.get(i).zone(), z -> new ArrayList<>()).add(i);
      cacheSize = Math.min(cacheSize, this.lists.get(i).cacheSize());
      cacheBytes = Math.min(cacheBytes, this.lists.get(i).cacheBytes());
    }
    this.zones = byZone.keySet().toArray(new String[0]);
    this.listsOfZone = new int[zones.length][];
    this.v4 = new Health[zones.length];
    this.v6 = new Health[zones.length];
    int z = 0;
    for (List<Integer> members : byZone.values()) {
      listsOfZone[z] = members.stream().mapToInt(Integer::intValue).toArray();
      ListSpec first = this.lists.get(members.get(0));
      v4[z] = new Health(first, Health.Family.IPV4);
      boolean anyIpv6 = members.stream().anyMatch(i -> this.lists.get(i).ipv6());
      v6[z] = anyIpv6 ? new Health(first, Health.Family.IPV6) : null; // IPv4-only: never probe IPv6
      z++;
    }
    this.cache =
        cacheSize <= 0 || this.lists.isEmpty() ? null : new ResultCache<>(cacheSize, cacheBytes);
  }

  public CompletableFuture<DnsblResult> evaluate(CheckContext ctx, InetAddress ip) {
    AddressKey key = AddressKey.of(ip);
    long now = ctx.ticker().read();
    @Nullable Health[] health = key.isIpv4() ? v4 : v6;
    for (Health h : health) {
      if (h != null) {
        h.probeIfDue(ctx, now);
      }
    }
    if (cache != null) {
      Cached c = cache.get(key);
      if (c != null && now - c.expiresAtNanos < 0) {
        return CompletableFuture.completedFuture(c.result);
      }
    }
    return lookup(ctx, ip, key, health);
  }

  private CompletableFuture<DnsblResult> lookup(
      CheckContext ctx, InetAddress ip, AddressKey key, @Nullable Health[] health) {
    String subject = key.isIpv4() ? ReverseNames.dottedQuad(key.ipv4()) : ip.getHostAddress();
    ListResult[] results = new ListResult[lists.size()];
    List<Batch.Job> jobs = new ArrayList<>(zones.length);
    for (int z = 0; z < zones.length; z++) {
      Health h = health[z];
      List<ListSpec> specs = new ArrayList<>(listsOfZone[z].length);
      List<Health> hs = new ArrayList<>(listsOfZone[z].length);
      int[] slots = new int[listsOfZone[z].length];
      int n = 0;
      for (int li : listsOfZone[z]) {
        ListSpec spec = lists.get(li);
        if (!key.isIpv4() && !spec.ipv6()) {
          results[li] =
              Classifier.notApplicable(spec, subject, "ip", "the list does not cover IPv6");
        } else if (h != null && h.skip()) {
          results[li] =
              Classifier.error(
                  spec,
                  subject,
                  "ip",
                  "",
                  List.of(),
                  ListError.UNHEALTHY,
                  "skipped while unhealthy: " + h.problem());
        } else {
          specs.add(spec);
          hs.add(h);
          slots[n++] = li;
        }
      }
      if (n > 0) {
        jobs.add(
            new Batch.Job(
                QueryNames.forKey(key, zones[z]),
                subject,
                "ip",
                specs,
                hs,
                Arrays.copyOf(slots, n)));
      }
    }
    // with its own result cache, the DNS cache need not keep the same answers a second time
    return Batch.run(ctx, jobs, results, cache == null)
        .thenApply(
            batch -> {
              DnsblResult result = resultOf.apply(Arrays.asList(batch.results()));
              long ttl = batch.minTtlSeconds();
              if (cache != null && ttl >= 0 && result.errors().isEmpty()) {
                long seconds = Math.max(MIN_TTL_SECONDS, Math.min(MAX_TTL_SECONDS, ttl));
                long now = ctx.ticker().read();
                cache.put(key, Cached.of(result, now + TimeUnit.SECONDS.toNanos(seconds)));
              }
              return result;
            });
  }

  /** The health of every zone and family, IPv4 first. */
  public List<dev.mailwarden.dnsbl.ListHealth> health() {
    List<dev.mailwarden.dnsbl.ListHealth> out = new ArrayList<>();
    for (Health h : v4) {
      out.add(h.snapshot());
    }
    for (Health h : v6) {
      if (h != null) {
        out.add(h.snapshot());
      }
    }
    return out;
  }

  /** The result cache's estimated bytes (0 without a cache). */
  public long cachedBytes() {
    return cache == null ? 0 : cache.bytes();
  }

  /** The number of cached results. */
  public int cachedResults() {
    return cache == null ? 0 : cache.size();
  }

  /** Forgets every cached result (e.g. after changing DNS in a test). */
  public void invalidateAll() {
    if (cache != null) {
      cache.clear();
    }
  }
}
