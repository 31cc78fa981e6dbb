package dev.mailwarden.ratelimit;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.Ticker;
import dev.mailwarden.ratelimit.internal.BucketSpec;
import dev.mailwarden.ratelimit.internal.LimitStore;
import dev.mailwarden.ratelimit.internal.MemoryStore;
import dev.mailwarden.ratelimit.internal.RedisStores;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Token buckets per key with several limits each (say 100 per hour and 1000 per day): a request is
 * granted only when every limit allows its cost, and then it is debited from all of them; a refused
 * request debits nothing. There is no blocking acquire: the {@link RateDecision} says how long to
 * wait, the caller decides what to do (an SMTP gateway answers 450 and lets the client retry).
 *
 * <pre>{@code
 * RateLimiter limiter = RateLimiter.builder()
 *     .limit(Limit.of(100).per(Duration.ofHours(1)))
 *     .limit(Limit.of(1_000).per(Duration.ofDays(1)))
 *     .maxKeys(1_000_000)
 *     .build();
 * RateDecision d = limiter.tryAcquire("sasl:" + user, recipients.size());
 * }</pre>
 *
 * <p>In memory by default: lock-free, bounded by {@link Builder#maxKeys}, idle keys forgotten once
 * they would be full again. With {@link Builder#redis(String)} every gateway of a site shares the
 * same buckets; that needs {@code io.lettuce:lettuce-core} on the class path (on the module path:
 * {@code requires lettuce.core;} in the application's module, as this module's is static).
 *
 * <p>Immutable and thread-safe; share one instance. {@link #close()} releases a Redis connection.
 */
public final class RateLimiter implements AutoCloseable {

  /** What a shared store's outage means for callers. */
  public enum FailMode {
    /** Allow every request while the store is unreachable (mail keeps flowing, unlimited). */
    OPEN,
    /** Refuse every request while the store is unreachable (nothing leaves unlimited). */
    CLOSED
  }

  static final String LETTUCE_CLASS = "io.lettuce.core.RedisClient";
  static final String LETTUCE_ARTIFACT = "io.lettuce:lettuce-core";

  private final List<Limit> limits;
  private final LimitStore store;
  private final Predicate<String> exempt;
  private final String description;

  private RateLimiter(Builder b, LimitStore store) {
    this.limits = List.copyOf(b.limits);
    this.store = store;
    this.exempt = b.exempt;
    this.description =
        "RateLimiter[" + limits + ", " + store + (b.exemptDescribed ? ", exemptions" : "") + "]";
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A limiter in memory with these limits and default settings. */
  public static RateLimiter of(Limit first, Limit... more) {
    Builder b = builder().limit(first);
    for (Limit l : more) {
      b.limit(l);
    }
    return b.build();
  }

  /** One token for {@code key}. */
  public RateDecision tryAcquire(String key) {
    return tryAcquire(key, 1);
  }

  /**
   * Takes {@code cost} tokens from every limit of {@code key} if all of them hold that many;
   * otherwise takes nothing. A cost of zero asks without taking. With a shared store, waits at most
   * the store timeout and never throws for store trouble (see {@link FailMode}).
   *
   * @throws IllegalArgumentException when {@code cost} is negative
   */
  public RateDecision tryAcquire(String key, long cost) {
    requireNonNull(key, "key");
    checkCost(cost);
    if (exempt.test(key)) {
      return RateDecision.exempt(limits);
    }
    return store.tryAcquire(key, cost);
  }

  /**
   * Like {@link #tryAcquire(String, long)} without blocking the calling thread: in memory the
   * future is already complete; with Redis it completes when Redis answers or the timeout passes.
   * The future never fails.
   */
  public CompletableFuture<RateDecision> tryAcquireAsync(String key, long cost) {
    requireNonNull(key, "key");
    checkCost(cost);
    if (exempt.test(key)) {
      return CompletableFuture.completedFuture(RateDecision.exempt(limits));
    }
    return store.tryAcquireAsync(key, cost);
  }

  private static void checkCost(long cost) {
    if (cost < 0) {
      throw new IllegalArgumentException("cost must not be negative: " + cost);
    }
  }

  /** The limits every key has, in order. */
  public List<Limit> limits() {
    return limits;
  }

  /** Approximate number of keys held in memory (-1 for Redis). */
  public long estimatedKeys() {
    return store.estimatedKeys();
  }

  /** Whether {@code key} is exempt from the limits. */
  public boolean isExempt(String key) {
    return exempt.test(key);
  }

  /** Releases the Redis connection, or forgets every in-memory bucket. */
  @Override
  public void close() {
    store.close();
  }

  /** The store, for tests in this module. */
  LimitStore store() {
    return store;
  }

  @Override
  public String toString() {
    return description;
  }

  /**
   * Fails with a message naming the artifact when Lettuce is not on the class path (or, on the
   * module path, not resolved: this module only {@code requires static lettuce.core}).
   */
  static void requireClass(String className, String artifact) {
    try {
      Class.forName(className, false, RateLimiter.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IllegalStateException(
          "the Redis store needs "
              + artifact
              + " on the class path (it is an optional dependency"
              + " of mailwarden-ratelimit): add the Maven dependency "
              + artifact
              + " (on the module path also 'requires lettuce.core;' in your module-info or"
              + " --add-modules lettuce.core), or build the limiter without redis(...) to keep"
              + " buckets in memory",
          e);
    }
  }

  /**
   * Builds a {@link RateLimiter}. Defaults: in memory, system ticker, at most 100,000 keys, no
   * exemptions; with Redis: 250 ms timeout, fail open, key prefix {@code mailwarden:rl:}.
   */
  public static final class Builder {
    private final List<Limit> limits = new ArrayList<>();
    private Ticker ticker = Ticker.system();
    private long maxKeys = 100_000;
    private Predicate<String> exempt = key -> false;
    private boolean exemptDescribed;
    private @Nullable String redisUri;
    private String redisKeyPrefix = "mailwarden:rl:";
    private Duration storeTimeout = Duration.ofMillis(250);
    private FailMode failMode = FailMode.OPEN;
    private Duration failClosedRetryAfter = Duration.ofMinutes(1);
    private boolean tickerSet;
    private boolean maxKeysSet;

    private Builder() {}

    /** Adds a limit; every limit must allow a request. Two equal limits are refused. */
    public Builder limit(Limit limit) {
      requireNonNull(limit, "limit");
      if (limits.contains(limit)) {
        throw new IllegalArgumentException("limit " + limit + " given twice");
      }
      limits.add(limit);
      return this;
    }

    /** Adds several limits. */
    public Builder limits(List<Limit> limits) {
      limits.forEach(this::limit);
      return this;
    }

    /** Monotonic time for the in-memory buckets (tests pass a fake). Redis uses its own clock. */
    public Builder ticker(Ticker ticker) {
      requireState(!tickerSet, "ticker was already set");
      this.ticker = requireNonNull(ticker, "ticker");
      tickerSet = true;
      return this;
    }

    /**
     * Most keys kept in memory. When full, the least valuable keys are evicted and keys seen for
     * the first time start with empty buckets, so rotating keys never buys a full bucket.
     */
    public Builder maxKeys(long maxKeys) {
      requireState(!maxKeysSet, "maxKeys was already set");
      if (maxKeys < 1) {
        throw new IllegalArgumentException("maxKeys must be positive: " + maxKeys);
      }
      this.maxKeys = maxKeys;
      maxKeysSet = true;
      return this;
    }

    /** Keys for which every request is allowed and nothing is counted. */
    public Builder exempt(Predicate<String> isExempt) {
      requireNonNull(isExempt, "isExempt");
      Predicate<String> before = this.exempt;
      this.exempt = key -> before.test(key) || isExempt.test(key);
      exemptDescribed = true;
      return this;
    }

    /** These exact keys are exempt (e.g. {@code "user:postmaster"}). */
    public Builder exemptKeys(String... keys) {
      Set<String> set = Set.of(keys);
      return exempt(set::contains);
    }

    /**
     * Keeps buckets in Redis, shared by every limiter that uses the same server and prefix, with
     * Redis's clock: {@code redis://[password@]host[:port][/database]} (or {@code rediss://}).
     * Needs {@code io.lettuce:lettuce-core} on the class path; {@link #build()} fails without it.
     */
    public Builder redis(String uri) {
      requireState(redisUri == null, "redis was already set");
      requireNonNull(uri, "uri");
      if (!uri.startsWith("redis://")
          && !uri.startsWith("rediss://")
          && !uri.startsWith("redis-socket://")) {
        throw new IllegalArgumentException(
            "not a Redis URI: '" + uri + "' (expected redis://host:port)");
      }
      this.redisUri = uri;
      return this;
    }

    /** Redis on {@code host:port}, database 0, no password. */
    public Builder redis(String host, int port) {
      if (port < 1 || port > 65_535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      return redis("redis://" + requireNonNull(host, "host") + ":" + port);
    }

    /**
     * Prefix of the Redis keys (default {@code mailwarden:rl:}); limiters sharing it share limits.
     */
    public Builder redisKeyPrefix(String prefix) {
      this.redisKeyPrefix = requireNonNull(prefix, "prefix");
      return this;
    }

    /** Longest wait for Redis before the fail mode applies (default 250 ms). */
    public Builder storeTimeout(Duration timeout) {
      requireNonNull(timeout, "timeout");
      if (timeout.isNegative()
          || timeout.isZero()
          || timeout.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException(
            "store timeout must be between 0 and 1 minute: " + timeout);
      }
      this.storeTimeout = timeout;
      return this;
    }

    /** What callers get while Redis is unreachable (default {@link FailMode#OPEN}). */
    public Builder whenStoreUnavailable(FailMode mode) {
      this.failMode = requireNonNull(mode, "mode");
      return this;
    }

    /** The retry-after a caller refused by {@link FailMode#CLOSED} is told (default 1 minute). */
    public Builder failClosedRetryAfter(Duration retryAfter) {
      requireNonNull(retryAfter, "retryAfter");
      if (retryAfter.isNegative()) {
        throw new IllegalArgumentException("retryAfter must not be negative: " + retryAfter);
      }
      this.failClosedRetryAfter = retryAfter;
      return this;
    }

    /**
     * Builds the limiter.
     *
     * @throws IllegalStateException when no limit was given, or Redis was asked for and {@code
     *     io.lettuce:lettuce-core} is not on the class path
     */
    public RateLimiter build() {
      requireState(!limits.isEmpty(), "at least one limit is required");
      BucketSpec spec = new BucketSpec(limits);
      LimitStore store;
      if (redisUri != null) {
        requireClass(LETTUCE_CLASS, LETTUCE_ARTIFACT);
        store =
            RedisStores.create(
                spec,
                redisUri,
                redisKeyPrefix,
                storeTimeout,
                failMode == FailMode.OPEN,
                failClosedRetryAfter,
                ticker,
                RateDecision.FACTORY);
      } else {
        store = new MemoryStore(spec, ticker, maxKeys, RateDecision.FACTORY);
      }
      return new RateLimiter(this, store);
    }

    private static void requireState(boolean ok, String message) {
      if (!ok) {
        throw new IllegalStateException(message);
      }
    }
  }
}
