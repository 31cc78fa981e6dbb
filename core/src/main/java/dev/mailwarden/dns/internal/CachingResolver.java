package dev.mailwarden.dns.internal;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.Ticker;
import dev.mailwarden.dns.CacheSpec;
import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsRecord;
import dev.mailwarden.dns.DnsResolver;
import dev.mailwarden.dns.DnsStatus;
import dev.mailwarden.dns.RecordType;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * The DNS cache of a {@link dev.mailwarden.MailwardenRuntime}: TTL-aware, bounded in bytes,
 * negative caching (RFC 2308) and single-flight.
 *
 * <h2>Design (why not Caffeine)</h2>
 *
 * <p>The target is a hit costing at most 3x a plain {@code ConcurrentHashMap.get}. Caffeine's
 * policies cost more than that on a hit (expiry alone about 4x a CHM get on the reference machine),
 * and so does {@code System.nanoTime()} (about 20 ns, 2x a CHM get). So the cache is a {@link
 * ConcurrentHashMap} per record type, keyed by the normalized name (lower-case ASCII, no trailing
 * dot), whose values are the completed futures handed to callers. A hit is:
 *
 * <ol>
 *   <li>{@code maps[type.ordinal()].get(name)}: no key is allocated. The name is used as given
 *       first; since only normalized names are stored, a match proves it was normalized. Other
 *       spellings are normalized and looked up again (one small allocation);
 *   <li>comparing the clock with the expiry stored in that same object. The runtime hands the cache
 *       a {@code CoarseTicker} when it runs on the system ticker (a volatile sampled every
 *       millisecond on the runtime's timer thread; an answer may outlive its TTL by about a
 *       millisecond); any other ticker, such as a test's fake, is read on every hit;
 *   <li>returning that object: a completed future holding the {@link DnsAnswer#asCached()} copy,
 *       made once when the answer was stored. It refuses {@code obtrude*}, so it can be shared.
 * </ol>
 *
 * <p>A hit therefore allocates nothing, touches one object beyond the map's node, and does no
 * bookkeeping other than setting a "referenced" bit once per eviction cycle. Answers served from
 * cache report their original TTL, not the remaining one (that would cost an allocation per hit),
 * and the {@linkplain DnsAnswer#name() name} as spelled by the lookup that filled the entry.
 *
 * <p><b>Bound.</b> Every stored answer is weighed ({@link #weigh}: its name, records and the
 * entry's own objects, in bytes), appended to a FIFO queue and its weight added to a total. When
 * the total exceeds the budget, the storing thread (a miss, never a hit) polls the oldest entry: a
 * referenced, unexpired one gets a second chance (CLOCK, an approximation of LRU), otherwise it is
 * removed. Queue items of answers replaced since count until polled, so the bytes of live answers
 * never exceed the budget.
 *
 * <p><b>TTL.</b> Positive answers live their TTL clamped to [minTtl, maxTtl]; NXDOMAIN and NODATA
 * live min(their negative TTL, maxNegativeTtl) (RFC 2308 section 5); SERVFAIL, TIMEOUT and REFUSED
 * live {@code errorTtl} (zero: not cached). A zero lifetime is not cached.
 *
 * <p><b>Single-flight.</b> A miss installs a pending entry with putIfAbsent/replace; concurrent
 * misses for the same name and type find it and wait for the same upstream future. Each caller
 * receives its own dependent future, so a caller's {@code orTimeout} or {@code cancel} cannot
 * complete the shared request for others. The caller that started the request gets the upstream
 * answer; those that joined it get it marked {@linkplain DnsAnswer#fromCache() from cache}, since
 * they cost no query (what per-evaluation DNS accounting wants to count). An upstream future that
 * fails (or an upstream that throws) becomes a SERVFAIL answer, cached no longer than {@code
 * errorTtl}. An upstream future that never completes keeps its pending entry; network resolvers
 * always complete with TIMEOUT.
 */
public final class CachingResolver implements DnsResolver {
  private static final RecordType[] TYPES = RecordType.values();
  private final DnsResolver upstream;
  private final CacheSpec spec;
  private final Ticker ticker;
  private final ConcurrentHashMap<String, CompletableFuture<DnsAnswer>>[] maps;
  private final ConcurrentLinkedQueue<Stored> order = new ConcurrentLinkedQueue<>();
  private final AtomicLong bytes = new AtomicLong();
  private final LongAdder misses = new LongAdder();
  private final LongAdder evictions = new LongAdder();
  private final long maxBytes;
  private final long minTtlNanos;
  private final long maxTtlNanos;
  private final long maxNegativeTtlNanos;
  private final long errorTtlNanos;

  /**
   * @param ticker read on every hit: pass a coarse one for speed
   * @param maxBytes the budget of all stored answers, by {@link #weigh}
   */
  @SuppressWarnings({"unchecked", "rawtypes"}) // a generic array: one map per record type
  public CachingResolver(DnsResolver upstream, CacheSpec spec, Ticker ticker, long maxBytes) {
    this.upstream = requireNonNull(upstream, "upstream");
    this.spec = requireNonNull(spec, "spec");
    this.ticker = requireNonNull(ticker, "ticker");
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
    }
    this.maxBytes = maxBytes;
    this.minTtlNanos = saturatedNanos(spec.minTtl().toSeconds(), spec.minTtl().toNanosPart());
    this.maxTtlNanos = saturatedNanos(spec.maxTtl().toSeconds(), spec.maxTtl().toNanosPart());
    this.maxNegativeTtlNanos =
        saturatedNanos(spec.maxNegativeTtl().toSeconds(), spec.maxNegativeTtl().toNanosPart());
    this.errorTtlNanos = saturatedNanos(spec.errorTtl().toSeconds(), spec.errorTtl().toNanosPart());
    this.maps = new ConcurrentHashMap[TYPES.length];
    int initial = (int) Math.min(1024, maxBytes / 256);
    for (int i = 0; i < maps.length; i++) {
      maps[i] = new ConcurrentHashMap<>(initial);
    }
  }

  @Override
  public CompletableFuture<DnsAnswer> lookup(String name, RecordType type) {
    requireNonNull(name, "name");
    ConcurrentHashMap<String, CompletableFuture<DnsAnswer>> map =
        maps[requireNonNull(type, "type").ordinal()];
    CompletableFuture<DnsAnswer> found = map.get(name);
    if (found instanceof Stored s && ticker.read() - s.expiresAt < 0) {
      if (!s.referenced) {
        s.referenced = true;
      }
      return s;
    }
    return slowLookup(map, name, type, found);
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

  /**
   * @param seen what {@code map.get(asked)} just gave: when {@code asked} is already normalized
   *     (the usual case) the first turn uses it instead of reading the map again
   */
  private CompletableFuture<DnsAnswer> slowLookup(
      ConcurrentHashMap<String, CompletableFuture<DnsAnswer>> map,
      String asked,
      RecordType type,
      @Nullable CompletableFuture<DnsAnswer> seen) {
    String key = normalize(asked);
    boolean firstTurn = key.equals(asked); // the same object when asked was normalized
    while (true) {
      CompletableFuture<DnsAnswer> current = firstTurn ? seen : map.get(key);
      firstTurn = false;
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
          current == null
              ? map.putIfAbsent(key, flight) == null
              : map.replace(key, current, flight);
      if (installed) {
        misses.increment();
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
            a =
                DnsAnswer.error(
                    asked,
                    type,
                    DnsStatus.SERVFAIL,
                    "upstream resolver failed: " + describe(failure));
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
    DnsAnswer cached = answer.asCached();
    Stored stored = new Stored(key, type, cached, ticker.read() + lifetime, weigh(key, cached));
    if (map.replace(key, flight, stored)) {
      order.add(stored);
      if (bytes.addAndGet(stored.weight) > maxBytes) {
        evict();
      }
    }
  }

  /** Polls the oldest stored answers until the bytes fit the budget; runs on misses only. */
  private void evict() {
    long now = ticker.read();
    while (bytes.get() > maxBytes) {
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
      bytes.addAndGet(-victim.weight);
      if (map.remove(victim.key, victim)) {
        evictions.increment();
      }
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

  /** Lookups that went upstream (joining a lookup in flight is not a miss). */
  public long misses() {
    return misses.sum();
  }

  /** Answers removed to stay within the byte budget (expired answers replaced are not counted). */
  public long evictions() {
    return evictions.sum();
  }

  /** The bytes the stored answers take now, by {@link #weigh}; for tests and metrics. */
  public long bytes() {
    return bytes.get();
  }

  /**
   * What one stored answer retains, estimated for a 64-bit JVM with compressed references: the
   * entry (future, map node, queue node), its key and the answer's name (Latin-1 strings), the
   * detail, and each record (a TXT's bytes once, an address, an exchange or target name).
   */
  public static int weigh(String key, DnsAnswer answer) {
    long w = 200 + 2L * (48 + key.length()) + 48 + answer.detail().map(String::length).orElse(0);
    for (DnsRecord r : answer.records()) {
      w += 32;
      if (r instanceof DnsRecord.Txt t) {
        w += 48 + t.length() + 4L * t.stringCount();
      } else if (r instanceof DnsRecord.Address) {
        w += 40;
      } else if (r instanceof DnsRecord.Mx mx) {
        w += 48 + mx.exchange().length();
      } else if (r instanceof DnsRecord.Name n) {
        w += 48 + n.target().length();
      }
    }
    return (int) Math.min(Integer.MAX_VALUE, w);
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
    return "CachingResolver["
        + size()
        + " answers, "
        + bytes.get()
        + "/"
        + maxBytes
        + " bytes, "
        + spec
        + "] -> "
        + upstream;
  }

  /**
   * A stored answer: the completed future handed to every caller that hits it, with its expiry, so
   * a hit touches one object. Completing it again is a no-op by contract; {@code obtrude*} would
   * change it for everyone, so it is refused. Dependent stages are ordinary futures.
   */
  private static final class Stored extends CompletableFuture<DnsAnswer> {
    final String key;
    final RecordType type;
    final long expiresAt;
    final int weight;
    // Plain field: a lost update only changes which entry is evicted first.
    boolean referenced;

    Stored(String key, RecordType type, DnsAnswer answer, long expiresAt, int weight) {
      this.key = key;
      this.type = type;
      this.expiresAt = expiresAt;
      this.weight = weight;
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
