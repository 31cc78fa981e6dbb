package dev.mailwarden.dns.internal;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.Ticker;
import dev.mailwarden.dns.CacheSpec;
import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsResolver;
import dev.mailwarden.dns.DnsStatus;
import dev.mailwarden.dns.RecordType;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The resolver behind {@link DnsResolver#cached}: TTL-aware, bounded, negative caching (RFC 2308)
 * and single-flight.
 *
 * <h2>Design (why not Caffeine)</h2>
 *
 * <p>The target is a hit costing at most 3x a plain {@code ConcurrentHashMap.get}. Caffeine's
 * policies cost more than that on a hit (expiry alone about 4x a CHM get on the reference
 * machine), and so does {@code System.nanoTime()} (about 20 ns, 2x a CHM get). So the cache is a
 * {@link ConcurrentHashMap} per record type, keyed by the normalized name (lower-case ASCII, no
 * trailing dot), whose values are the completed futures handed to callers. A hit is:
 *
 * <ol>
 *   <li>{@code maps[type.ordinal()].get(name)}: no key is allocated. The name is used as given
 *       first; since only normalized names are stored, a match proves it was normalized. Other
 *       spellings are normalized and looked up again (one small allocation);
 *   <li>comparing the clock with the expiry stored in that same object. With the system ticker
 *       the clock is {@link CoarseClock}, a volatile sampled every millisecond by one daemon
 *       thread (an answer may outlive its TTL by about a millisecond); any other ticker, such as
 *       a test's fake, is read on every hit;
 *   <li>returning that object: a completed future holding the {@link DnsAnswer#asCached()} copy,
 *       made once when the answer was stored. It refuses {@code obtrude*}, so it can be shared.
 * </ol>
 *
 * <p>A hit therefore allocates nothing, touches one object beyond the map's node, and does no
 * bookkeeping other than setting a "referenced" bit once per eviction cycle. Answers served from
 * cache report their original TTL, not the remaining one (that would cost an allocation per hit),
 * and the {@linkplain DnsAnswer#name() name} as spelled by the lookup that filled the entry.
 *
 * <p><b>Bound.</b> Every stored answer is appended to a FIFO queue and counted. When the count
 * exceeds {@link CacheSpec#maxEntries()}, the storing thread (a miss, never a hit) polls the
 * oldest entry: a referenced, unexpired one gets a second chance (CLOCK, an approximation of
 * LRU), otherwise it is removed. Queue items of answers replaced since count until polled, so the
 * number of live answers never exceeds the bound.
 *
 * <p><b>TTL.</b> Positive answers live their TTL clamped to [minTtl, maxTtl]; NXDOMAIN and
 * NODATA live min(their negative TTL, maxNegativeTtl) (RFC 2308 section 5); SERVFAIL, TIMEOUT
 * and REFUSED live {@code errorTtl} (zero: not cached). A zero lifetime is not cached.
 *
 * <p><b>Single-flight.</b> A miss installs a pending entry with putIfAbsent/replace; concurrent
 * misses for the same name and type find it and wait for the same upstream future. Each caller
 * receives its own dependent future, so a caller's {@code orTimeout} or {@code cancel} cannot
 * complete the shared request for others. The caller that started the request gets the upstream
 * answer; those that joined it get it marked {@linkplain DnsAnswer#fromCache() from cache}, since
 * they cost no query (what per-evaluation DNS accounting wants to count). An upstream future that fails (or an upstream that throws) becomes a
 * SERVFAIL answer, cached no longer than {@code errorTtl}. An upstream future that never
 * completes keeps its pending entry; network resolvers always complete with TIMEOUT.
 */
public final class CachingResolver implements DnsResolver {
  private static final RecordType[] TYPES = RecordType.values();
  private static final Ticker SYSTEM_TICKER = Ticker.system();

  private final DnsResolver upstream;
  private final CacheSpec spec;
  private final Ticker ticker;
  private final boolean coarseClock;
  private final ConcurrentHashMap<String, CompletableFuture<DnsAnswer>>[] maps;
  private final ConcurrentLinkedQueue<Stored> order = new ConcurrentLinkedQueue<>();
  private final AtomicLong queued = new AtomicLong();
  private final long maxEntries;
  private final long minTtlNanos;
  private final long maxTtlNanos;
  private final long maxNegativeTtlNanos;
  private final long errorTtlNanos;

  @SuppressWarnings("unchecked")
  public CachingResolver(DnsResolver upstream, CacheSpec spec) {
    this.upstream = requireNonNull(upstream, "upstream");
    this.spec = requireNonNull(spec, "spec");
    this.ticker = spec.ticker();
    this.coarseClock = ticker == SYSTEM_TICKER;
    if (coarseClock) {
      CoarseClock.start();
    }
    this.maxEntries = spec.maxEntries();
    this.minTtlNanos = saturatedNanos(spec.minTtl().getSeconds(), spec.minTtl().getNano());
    this.maxTtlNanos = saturatedNanos(spec.maxTtl().getSeconds(), spec.maxTtl().getNano());
    this.maxNegativeTtlNanos =
        saturatedNanos(spec.maxNegativeTtl().getSeconds(), spec.maxNegativeTtl().getNano());
    this.errorTtlNanos = saturatedNanos(spec.errorTtl().getSeconds(), spec.errorTtl().getNano());
    this.maps = new ConcurrentHashMap[TYPES.length];
    int initial = (int) Math.min(1024, maxEntries);
    for (int i = 0; i < maps.length; i++) {
      maps[i] = new ConcurrentHashMap<>(initial);
    }
  }

  @Override
  public CompletableFuture<DnsAnswer> lookup(String name, RecordType type) {
    requireNonNull(name, "name");
    ConcurrentHashMap<String, CompletableFuture<DnsAnswer>> map =
        maps[requireNonNull(type, "type").ordinal()];
    if (map.get(name) instanceof Stored s && now() - s.expiresAt < 0) {
      if (!s.referenced) {
        s.referenced = true;
      }
      return s;
    }
    return slowLookup(map, name, type);
  }

  /** The hit path's clock: the shared coarse clock for the system ticker, else the ticker. */
  private long now() {
    return coarseClock ? CoarseClock.now() : ticker.read();
  }

  /** The number of answers currently held (pending lookups excluded); for tests and metrics. */
  public long size() {
    long n = 0;
    for (ConcurrentHashMap<String, CompletableFuture<DnsAnswer>> m : maps) {
      for (CompletableFuture<DnsAnswer> v : m.values()) {
        if (v instanceof Stored) {
          n++;
        }
      }
    }
    return n;
  }

  private CompletableFuture<DnsAnswer> slowLookup(
      ConcurrentHashMap<String, CompletableFuture<DnsAnswer>> map, String asked, RecordType type) {
    String key = normalize(asked);
    while (true) {
      CompletableFuture<DnsAnswer> current = map.get(key);
      if (current instanceof Stored s) {
        if (ticker.read() - s.expiresAt < 0) {
          s.referenced = true;
          return s;
        }
      } else if (current != null) {
        // join the request in flight; marked cached: this caller cost no upstream query
        return current.thenApply(DnsAnswer::asCached);
      }
      CompletableFuture<DnsAnswer> flight = new CompletableFuture<>();
      boolean installed =
          current == null ? map.putIfAbsent(key, flight) == null : map.replace(key, current, flight);
      if (installed) {
        CompletableFuture<DnsAnswer> result = flight.copy();
        fetch(map, key, flight, asked, type);
        return result;
      }
    }
  }

  private void fetch(
      ConcurrentHashMap<String, CompletableFuture<DnsAnswer>> map,
      String key,
      CompletableFuture<DnsAnswer> flight,
      String asked,
      RecordType type) {
    CompletableFuture<DnsAnswer> fromUpstream;
    try {
      fromUpstream = upstream.lookup(asked, type);
    } catch (RuntimeException e) {
      fromUpstream = CompletableFuture.failedFuture(e);
    }
    if (fromUpstream == null) {
      fromUpstream =
          CompletableFuture.failedFuture(new NullPointerException("upstream returned no future"));
    }
    fromUpstream.whenComplete(
        (answer, failure) -> {
          DnsAnswer a = answer;
          if (failure != null || a == null) {
            a = DnsAnswer.error(asked, type, DnsStatus.SERVFAIL, "upstream resolver failed: " + describe(failure));
          }
          store(map, key, type, flight, a);
          flight.complete(a);
        });
  }

  private void store(
      ConcurrentHashMap<String, CompletableFuture<DnsAnswer>> map,
      String key,
      RecordType type,
      CompletableFuture<DnsAnswer> flight,
      DnsAnswer answer) {
    long lifetime = lifetimeNanos(answer);
    if (lifetime <= 0) {
      map.remove(key, flight);
      return;
    }
    Stored stored = new Stored(key, type, answer.asCached(), ticker.read() + lifetime);
    if (map.replace(key, flight, stored)) {
      order.add(stored);
      if (queued.incrementAndGet() > maxEntries) {
        evict();
      }
    }
  }

  /** Polls the oldest stored answers until the count fits the bound; runs on misses only. */
  private void evict() {
    long now = ticker.read();
    while (queued.get() > maxEntries) {
      Stored victim = order.poll();
      if (victim == null) {
        return;
      }
      ConcurrentHashMap<String, CompletableFuture<DnsAnswer>> map = maps[victim.type.ordinal()];
      if (victim.referenced && now - victim.expiresAt < 0 && map.get(victim.key) == victim) {
        victim.referenced = false;
        order.add(victim); // second chance; the count stays
        continue;
      }
      queued.decrementAndGet();
      map.remove(victim.key, victim);
    }
  }

  private long lifetimeNanos(DnsAnswer answer) {
    long ttl = saturatedNanos(answer.ttlSeconds(), 0);
    switch (answer.status()) {
      case NOERROR:
        return Math.max(minTtlNanos, Math.min(maxTtlNanos, ttl));
      case NXDOMAIN:
      case NODATA:
        return Math.min(ttl, maxNegativeTtlNanos);
      default:
        return errorTtlNanos;
    }
  }

  private static long saturatedNanos(long seconds, int nanos) {
    if (seconds >= Long.MAX_VALUE / 4 / 1_000_000_000L) {
      return Long.MAX_VALUE / 4; // far beyond any TTL; keeps now + lifetime from overflowing
    }
    return TimeUnit.SECONDS.toNanos(seconds) + nanos;
  }

  private static String describe(@Nullable Throwable t) {
    if (t == null) {
      return "no answer";
    }
    Throwable cause = t;
    while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.toString();
  }

  /** Lower-case ASCII without the trailing dot; returns {@code name} itself when already so. */
  static String normalize(String name) {
    int length = name.length();
    if (length > 1 && name.charAt(length - 1) == '.') {
      length--;
    }
    boolean lower = true;
    for (int i = 0; i < length; i++) {
      char c = name.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        lower = false;
        break;
      }
    }
    if (lower && length == name.length()) {
      return name;
    }
    char[] out = new char[length];
    for (int i = 0; i < length; i++) {
      char c = name.charAt(i);
      out[i] = c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }
    return new String(out);
  }

  @Override
  public String toString() {
    return "CachingResolver[" + size() + "/" + maxEntries + " answers, " + spec + "] -> " + upstream;
  }

  /**
   * A stored answer: the completed future handed to every caller that hits it, with its expiry,
   * so a hit touches one object. Completing it again is a no-op by contract; {@code obtrude*}
   * would change it for everyone, so it is refused. Dependent stages are ordinary futures.
   */
  private static final class Stored extends CompletableFuture<DnsAnswer> {
    final String key;
    final RecordType type;
    final long expiresAt;
    // Plain field: a lost update only changes which entry is evicted first.
    boolean referenced;

    Stored(String key, RecordType type, DnsAnswer answer, long expiresAt) {
      this.key = key;
      this.type = type;
      this.expiresAt = expiresAt;
      super.complete(answer);
    }

    @Override
    public void obtrudeValue(DnsAnswer value) {
      throw new UnsupportedOperationException("a cached answer is shared and cannot be changed");
    }

    @Override
    public void obtrudeException(Throwable ex) {
      throw new UnsupportedOperationException("a cached answer is shared and cannot be changed");
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
      return new CompletableFuture<>();
    }
  }
}
