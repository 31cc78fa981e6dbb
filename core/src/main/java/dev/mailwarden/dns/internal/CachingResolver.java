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
 * machine), so the cache is a {@link ConcurrentHashMap} per record type, keyed by the normalized
 * name (lower-case ASCII, no trailing dot). A hit is:
 *
 * <ol>
 *   <li>{@code maps[type.ordinal()].get(name)}: no key is allocated. The name is used as given
 *       first; since only normalized names are stored, a match proves it was normalized. Other
 *       spellings are normalized and looked up again (one small allocation);
 *   <li>one {@code ticker.read()} compared with the expiry stored in the entry;
 *   <li>returning the entry's completed future, made once when the answer was stored (it holds
 *       the {@link DnsAnswer#asCached()} copy and refuses {@code obtrude*}, so it can be shared).
 * </ol>
 *
 * <p>A hit therefore allocates nothing and does no bookkeeping other than setting a "referenced"
 * bit once per eviction cycle. Answers served from cache report their original TTL, not the
 * remaining one (that would cost an allocation per hit).
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
 * receives its own copy, so a caller's {@code orTimeout} or {@code cancel} cannot complete the
 * shared request for others. An upstream future that fails (or an upstream that throws) becomes a
 * SERVFAIL answer, cached no longer than {@code errorTtl}. An upstream future that never
 * completes keeps its pending entry; network resolvers always complete with TIMEOUT.
 */
public final class CachingResolver implements DnsResolver {
  private static final RecordType[] TYPES = RecordType.values();

  private final DnsResolver upstream;
  private final CacheSpec spec;
  private final Ticker ticker;
  private final ConcurrentHashMap<String, Entry>[] maps;
  private final ConcurrentLinkedQueue<Entry> order = new ConcurrentLinkedQueue<>();
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
    ConcurrentHashMap<String, Entry> map = maps[requireNonNull(type, "type").ordinal()];
    Entry e = map.get(name);
    if (e != null) {
      CompletableFuture<DnsAnswer> cached = e.cached;
      if (cached != null && ticker.read() - e.expiresAt < 0) {
        if (!e.referenced) {
          e.referenced = true;
        }
        return cached;
      }
    }
    return slowLookup(map, name, type);
  }

  /** The number of answers currently held (pending lookups excluded); for tests and metrics. */
  public long size() {
    long n = 0;
    for (ConcurrentHashMap<String, Entry> m : maps) {
      for (Entry e : m.values()) {
        if (e.cached != null) {
          n++;
        }
      }
    }
    return n;
  }

  private CompletableFuture<DnsAnswer> slowLookup(
      ConcurrentHashMap<String, Entry> map, String asked, RecordType type) {
    String key = normalize(asked);
    while (true) {
      Entry current = map.get(key);
      if (current != null) {
        CompletableFuture<DnsAnswer> cached = current.cached;
        if (cached == null) {
          return current.flight().copy(); // join the request in flight
        }
        if (ticker.read() - current.expiresAt < 0) {
          current.referenced = true;
          return cached;
        }
      }
      Entry pending = Entry.pending(key, type);
      boolean installed =
          current == null ? map.putIfAbsent(key, pending) == null : map.replace(key, current, pending);
      if (installed) {
        CompletableFuture<DnsAnswer> result = pending.flight().copy();
        fetch(map, pending, asked, type);
        return result;
      }
    }
  }

  private void fetch(
      ConcurrentHashMap<String, Entry> map, Entry pending, String asked, RecordType type) {
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
          store(map, pending, a);
          pending.flight().complete(a);
        });
  }

  private void store(ConcurrentHashMap<String, Entry> map, Entry pending, DnsAnswer answer) {
    long lifetime = lifetimeNanos(answer);
    if (lifetime <= 0) {
      map.remove(pending.key, pending);
      return;
    }
    Entry stored = Entry.cached(pending.key, pending.type, answer.asCached(), ticker.read() + lifetime);
    if (map.replace(pending.key, pending, stored)) {
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
      Entry victim = order.poll();
      if (victim == null) {
        return;
      }
      ConcurrentHashMap<String, Entry> map = maps[victim.type.ordinal()];
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
   * A stored answer ({@code cached} set) or a request in flight ({@code cached} null, {@code
   * flight} set). Immutable but for the CLOCK bit.
   */
  private static final class Entry {
    final String key;
    final RecordType type;
    final @Nullable CompletableFuture<DnsAnswer> cached;
    final @Nullable CompletableFuture<DnsAnswer> flight;
    final long expiresAt;
    // Plain field: a lost update only changes which entry is evicted first.
    boolean referenced;

    private Entry(
        String key,
        RecordType type,
        @Nullable CompletableFuture<DnsAnswer> cached,
        @Nullable CompletableFuture<DnsAnswer> flight,
        long expiresAt) {
      this.key = key;
      this.type = type;
      this.cached = cached;
      this.flight = flight;
      this.expiresAt = expiresAt;
    }

    static Entry pending(String key, RecordType type) {
      return new Entry(key, type, null, new CompletableFuture<>(), 0);
    }

    static Entry cached(String key, RecordType type, DnsAnswer answer, long expiresAt) {
      return new Entry(key, type, new SharedAnswer(answer), null, expiresAt);
    }

    CompletableFuture<DnsAnswer> flight() {
      return requireNonNull(flight, "flight");
    }
  }

  /**
   * A completed future handed to every caller that hits the same entry. Completing it again is a
   * no-op by contract; {@code obtrude*} would change it for everyone, so it is refused. Dependent
   * stages are ordinary futures.
   */
  private static final class SharedAnswer extends CompletableFuture<DnsAnswer> {
    SharedAnswer(DnsAnswer answer) {
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
