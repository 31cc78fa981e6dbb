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
 *       a {@code CoarseTicker} when it runs on the system ticker (a volatile sampled every 10 ms on
 *       the runtime's timer thread; an answer may outlive its TTL by about 10 ms); any other
 *       ticker, such as a test's fake, is read on every hit;
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
 * <p><b>Without storing.</b> {@link #lookupWithoutStoring} is served by a stored answer or a lookup
 * in flight like any other, and a miss installs a pending entry that others join, but the entry
 * leaves the map when the answer arrives: for callers that cache what they derive from the answer
 * themselves. Nothing outlives the lookup, so nothing is left for the collector to copy.
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
  private final ConcurrentHashMap<String, Entry>[] maps;
  private final ConcurrentLinkedQueue<Entry> order = new ConcurrentLinkedQueue<>();
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
    return lookup(name, type, true);
  }

  /**
   * A hit or a lookup in flight serves as for {@link #lookup}, and concurrent misses for one name
   * still share one upstream query; the answer is not stored. On traffic of mostly new names
   * (DNS-list queries for new client addresses) nothing is retained, so nothing is left for the
   * garbage collector to copy.
   */
  @Override
  public CompletableFuture<DnsAnswer> lookupWithoutStoring(String name, RecordType type) {
    return lookup(name, type, false);
  }

  private CompletableFuture<DnsAnswer> lookup(String name, RecordType type, boolean store) {
    requireNonNull(name, "name");
    ConcurrentHashMap<String, Entry> map = maps[requireNonNull(type, "type").ordinal()];
    Entry found = map.get(name);
    if (found != null) {
      long expiresAt = found.expiresAt;
      if (expiresAt != Entry.PENDING && ticker.read() - expiresAt < 0) {
        if (!found.referenced) {
          found.referenced = true;
        }
        return found;
      }
    }
    return slowLookup(map, name, type, found, store);
  }

  /** The number of answers currently held (pending lookups excluded); for tests and metrics. */
  public long size() {
    long n = 0;
    for (ConcurrentHashMap<String, Entry> m : maps) {
      for (Entry e : m.values()) {
        if (e.expiresAt != Entry.PENDING) {
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
      ConcurrentHashMap<String, Entry> map,
      String asked,
      RecordType type,
      @Nullable Entry seen,
      boolean store) {
    String key = normalize(asked);
    boolean firstTurn = key.equals(asked); // the same object when asked was normalized
    while (true) {
      Entry current = firstTurn ? seen : map.get(key);
      firstTurn = false;
      if (current != null) {
        long expiresAt = current.expiresAt;
        if (expiresAt == Entry.PENDING) {
          // join the request in flight; marked cached: this caller cost no upstream query
          return current.thenApply(DnsAnswer::asCached);
        }
        if (ticker.read() - expiresAt < 0) {
          current.referenced = true;
          return current;
        }
      }
      Entry entry = new Entry(key, type);
      boolean installed =
          current == null ? map.putIfAbsent(key, entry) == null : map.replace(key, current, entry);
      if (installed) {
        misses.increment();
        return fetch(map, entry, asked, store);
      }
    }
  }

  /**
   * Asks upstream and fills {@code entry} (already in the map, pending) with the answer. The entry
   * that waited in the map is the one that stores the answer, so a miss touches the map twice
   * (install, and later evict) and not three times. The caller that started the request gets the
   * upstream answer as it came, in a future of its own.
   */
  private CompletableFuture<DnsAnswer> fetch(
      ConcurrentHashMap<String, Entry> map, Entry entry, String asked, boolean keep) {
    CompletableFuture<DnsAnswer> fromUpstream = askUpstream(asked, entry.type);
    // Not handle(): a stage the caller holds is skipped once the caller cancels it, and the
    // answer must still reach the entry and those who joined it.
    CompletableFuture<DnsAnswer> result = new CompletableFuture<>();
    fromUpstream.whenComplete(
        (answer, failure) -> {
          DnsAnswer a = orServfail(answer, failure, asked, entry.type);
          try {
            store(map, entry, a, keep);
          } catch (RuntimeException e) {
            // storing failed (a ticker that throws): take the entry out so later askers do not
            // join it, and wake those that did; the caller still gets its answer below
            map.remove(entry.key, entry);
            entry.fill(a.asCached());
          }
          result.complete(a);
        });
    return result;
  }

  /** The answer, or a SERVFAIL naming why upstream gave none. */
  private static DnsAnswer orServfail(
      @Nullable DnsAnswer answer, @Nullable Throwable failure, String asked, RecordType type) {
    if (failure == null && answer != null) {
      return answer;
    }
    return DnsAnswer.error(
        asked, type, DnsStatus.SERVFAIL, "upstream resolver failed: " + describe(failure));
  }

  /** Upstream's future for the lookup, or a failed one when upstream throws or gives none. */
  private CompletableFuture<DnsAnswer> askUpstream(String asked, RecordType type) {
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
    return fromUpstream;
  }

  /**
   * Completes the pending {@code entry} with the cached copy of {@code answer} (waking the callers
   * that joined it), then either publishes its expiry, which makes it a hit, or, for an answer not
   * to be cached or not to be kept, takes it out of the map.
   */
  private void store(
      ConcurrentHashMap<String, Entry> map, Entry entry, DnsAnswer answer, boolean keep) {
    long lifetime = keep ? lifetimeNanos(answer) : 0;
    DnsAnswer cached = answer.asCached();
    if (lifetime <= 0) {
      map.remove(entry.key, entry);
      entry.fill(cached);
      return;
    }
    entry.weight = weigh(entry.key, cached);
    entry.fill(cached);
    long expiresAt = ticker.read() + lifetime;
    entry.expiresAt = expiresAt == Entry.PENDING ? expiresAt + 1 : expiresAt; // publishes the hit
    order.add(entry);
    if (bytes.addAndGet(entry.weight) > maxBytes) {
      evict();
    }
  }

  /** Polls the oldest stored answers until the bytes fit the budget; runs on misses only. */
  private void evict() {
    long now = ticker.read();
    while (bytes.get() > maxBytes) {
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
   * An entry of the map: first the pending request that concurrent askers join, then, completed
   * with the cached answer and its expiry published, the future handed to every caller that hits
   * it, so a hit touches one object. Only a completed entry is ever handed out (pending ones are
   * joined through dependent futures), so completing it again is a no-op by contract; {@code
   * obtrude*} would change it for everyone, so it is refused.
   */
  private static final class Entry extends CompletableFuture<DnsAnswer> {
    /** The expiry of an entry still waiting for its answer: never a hit. */
    static final long PENDING = Long.MIN_VALUE;

    final String key;
    final RecordType type;

    /** Written once, after the answer: a reader that sees it set sees the answer too. */
    volatile long expiresAt = PENDING;

    int weight; // written before expiresAt, read after it
    // Plain field: a lost update only changes which entry is evicted first.
    boolean referenced;

    Entry(String key, RecordType type) {
      this.key = key;
      this.type = type;
    }

    void fill(DnsAnswer cached) {
      super.complete(cached);
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
