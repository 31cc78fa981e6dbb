package dev.mailwarden.ratelimit.internal;

import dev.mailwarden.Ticker;
import dev.mailwarden.ratelimit.Limit;
import dev.mailwarden.ratelimit.RateDecision;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Buckets in Redis, shared by every gateway of a site. One Lua script per decision reads the key's
 * state, refills every limit by Redis's own clock ({@code TIME}, microseconds), checks and debits
 * all limits together (atomic: Redis runs a script alone) and stores the state with a TTL of the
 * longest period, after which the bucket would be full anyway.
 *
 * <p>Integers only, as in memory: Lua numbers are doubles, exact below 2^53, so each greedy limit
 * must satisfy capacity × period(µs) &lt; 2^52 (checked when built).
 *
 * <p>Never throws into the caller: a refused connection, a dropped one, a slow server or a script
 * error gives {@link RateDecision.Status#STORE_UNAVAILABLE} within the timeout, allowed or refused
 * by the fail mode. Lettuce reconnects in the background (every 50 ms to 1 s) and decisions resume
 * when Redis answers again.
 */
final class RedisStore implements LimitStore {

  static final String SCRIPT =
      String.join(
          "\n",
          "local t = redis.call('TIME')",
          "local now = tonumber(t[1]) * 1000000 + tonumber(t[2])",
          "local cost = tonumber(ARGV[1])",
          "local ttl = tonumber(ARGV[2])",
          "local n = tonumber(ARGV[3])",
          "local caps, pers, ivs, tok, aux = {}, {}, {}, {}, {}",
          "for i = 1, n do",
          "  caps[i] = tonumber(ARGV[3 * i + 1]); pers[i] = tonumber(ARGV[3 * i + 2]); ivs[i] = ARGV[3 * i + 3] == '1'",
          "end",
          "local last = now",
          "local fields = {}",
          "local raw = redis.call('GET', KEYS[1])",
          "if raw then for f in string.gmatch(raw, '[^,]+') do fields[#fields + 1] = tonumber(f) end end",
          "if #fields == 1 + 2 * n then",
          "  last = fields[1]",
          "  for i = 1, n do tok[i] = fields[2 * i]; aux[i] = fields[2 * i + 1] end",
          "else",
          "  for i = 1, n do tok[i] = caps[i]; aux[i] = 0 end",
          "end",
          "local elapsed = now - last",
          "if elapsed < 0 then elapsed = 0 end",
          "for i = 1, n do",
          "  local c, p = caps[i], pers[i]",
          "  if ivs[i] then",
          "    local phase = aux[i] + (elapsed % p)",
          "    if elapsed >= p or phase >= p then tok[i] = c end",
          "    aux[i] = phase % p",
          "  elseif tok[i] >= c or elapsed >= p then",
          "    tok[i] = c; aux[i] = 0",
          "  else",
          "    local num = elapsed * c + aux[i]",
          "    local add = math.floor(num / p)",
          "    local rem = num - add * p",
          "    while rem < 0 do add = add - 1; rem = rem + p end",
          "    while rem >= p do add = add + 1; rem = rem - p end",
          "    tok[i] = tok[i] + add; aux[i] = rem",
          "    if tok[i] >= c then tok[i] = c; aux[i] = 0 end",
          "  end",
          "end",
          "local allowed, worst, wait, overcap = 1, -1, 0, 0",
          "for i = 1, n do",
          "  local w = 0",
          "  if cost > caps[i] then",
          "    overcap = 1; w = pers[i]",
          "  elseif tok[i] < cost then",
          "    if ivs[i] then w = pers[i] - aux[i] else",
          "      local num = (cost - tok[i]) * pers[i] - aux[i]",
          "      w = math.floor(num / caps[i])",
          "      while w * caps[i] < num do w = w + 1 end",
          "      while w > 0 and (w - 1) * caps[i] >= num do w = w - 1 end",
          "    end",
          "  end",
          "  if cost > caps[i] or tok[i] < cost then",
          "    allowed = 0",
          "    if worst < 0 or w > wait then worst = i - 1; wait = w end",
          "  end",
          "end",
          "if allowed == 1 then for i = 1, n do tok[i] = tok[i] - cost end end",
          "local parts = {string.format('%d', now)}",
          "for i = 1, n do",
          "  parts[#parts + 1] = string.format('%d', tok[i]); parts[#parts + 1] = string.format('%d', aux[i])",
          "end",
          "redis.call('SET', KEYS[1], table.concat(parts, ','), 'PX', ttl)",
          "local out = {allowed, worst, wait, overcap}",
          "for i = 1, n do out[#out + 1] = tok[i] end",
          "return out");

  private static final long EXACT_LIMIT = 1L << 52;
  private static final long RECONNECT_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  private final BucketSpec spec;
  private final List<Limit> limits;
  private final String keyPrefix;
  private final boolean failOpen;
  private final Duration failClosedRetryAfter;
  private final String[] fixedArgs;
  private final ClientResources resources;
  private final RedisClient client;
  private final RedisURI uri;
  private final String description;
  private final Ticker ticker;
  private final Decisions decisions;
  private final AtomicLong lastConnectAttempt;
  private volatile @Nullable StatefulRedisConnection<String, String> connection;
  private volatile @Nullable CompletableFuture<StatefulRedisConnection<String, String>> connecting;
  private volatile boolean closed;

  RedisStore(
      BucketSpec spec,
      String uriText,
      String keyPrefix,
      Duration timeout,
      boolean failOpen,
      Duration failClosedRetryAfter,
      Ticker ticker,
      Decisions decisions) {
    this.spec = spec;
    this.decisions = decisions;
    this.ticker = ticker;
    this.lastConnectAttempt = new AtomicLong(ticker.read() - RECONNECT_PAUSE_NANOS);
    this.limits = spec.limits();
    this.keyPrefix = keyPrefix;
    this.failOpen = failOpen;
    this.failClosedRetryAfter = failClosedRetryAfter;
    long ttlMillis = 0;
    fixedArgs = new String[2 + 3 * limits.size()];
    fixedArgs[1] = Integer.toString(limits.size());
    for (int i = 0; i < limits.size(); i++) {
      Limit l = limits.get(i);
      long periodMicros = l.period().toNanos() / 1000;
      if (l.refill() == Limit.Refill.GREEDY
          && (Math.multiplyHigh(l.capacity(), periodMicros) != 0
              || l.capacity() * periodMicros >= EXACT_LIMIT)) {
        throw new IllegalArgumentException(
            "limit "
                + l
                + " is too large for the Redis store (capacity x period in microseconds"
                + " must stay below 2^52 for exact arithmetic in Lua)");
      }
      fixedArgs[2 + 3 * i] = Long.toString(l.capacity());
      fixedArgs[3 + 3 * i] = Long.toString(periodMicros);
      fixedArgs[4 + 3 * i] = l.refill() == Limit.Refill.INTERVAL ? "1" : "0";
      ttlMillis = Math.max(ttlMillis, l.period().toMillis());
    }
    fixedArgs[0] = Long.toString(ttlMillis + 1000);
    try {
      this.uri = RedisURI.create(uriText);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "not a usable Redis URI: '" + uriText + "': " + e.getMessage(), e);
    }
    uri.setTimeout(timeout);
    this.resources =
        ClientResources.builder()
            .ioThreadPoolSize(1)
            .computationThreadPoolSize(1)
            .reconnectDelay(
                Delay.exponential(
                    Duration.ofMillis(50), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
            .build();
    this.client = RedisClient.create(resources);
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            // commands fail at once while disconnected instead of queueing until the timeout
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .requestQueueSize(100_000)
            .timeoutOptions(TimeoutOptions.enabled(timeout))
            .build());
    this.description =
        "redis("
            + uri.getHost()
            + ":"
            + uri.getPort()
            + ", prefix="
            + keyPrefix
            + ", timeout="
            + timeout.toMillis()
            + " ms, fail "
            + (failOpen ? "open" : "closed")
            + ")";
    connect(); // in the background: building the limiter does not wait for Redis
  }

  private CompletableFuture<StatefulRedisConnection<String, String>> connect() {
    CompletableFuture<StatefulRedisConnection<String, String>> f;
    try {
      f = client.connectAsync(StringCodec.UTF8, uri).toCompletableFuture();
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    f.thenAccept(
        c -> {
          if (closed) {
            c.closeAsync();
          } else {
            connection = c;
          }
        });
    connecting = f;
    return f;
  }

  /** The connection, or a future of one; a failed connect is retried at most every 200 ms. */
  private CompletableFuture<StatefulRedisConnection<String, String>> connection() {
    StatefulRedisConnection<String, String> c = connection;
    if (c != null) {
      return CompletableFuture.completedFuture(c);
    }
    CompletableFuture<StatefulRedisConnection<String, String>> pending = connecting;
    if (pending != null && !pending.isCompletedExceptionally()) {
      return pending;
    }
    long last = lastConnectAttempt.get();
    long now = ticker.read();
    if (now - last >= RECONNECT_PAUSE_NANOS && lastConnectAttempt.compareAndSet(last, now)) {
      return connect();
    }
    return CompletableFuture.failedFuture(new IllegalStateException("Redis not connected"));
  }

  @Override
  public RateDecision tryAcquire(String key, long cost) {
    return tryAcquireAsync(key, cost).join(); // never fails, bounded by the timeout
  }

  @Override
  public CompletableFuture<RateDecision> tryAcquireAsync(String key, long cost) {
    if (closed) {
      return CompletableFuture.completedFuture(unavailable());
    }
    String[] all = new String[fixedArgs.length + 1];
    all[0] = Long.toString(cost);
    System.arraycopy(fixedArgs, 0, all, 1, fixedArgs.length);
    String[] keys = {keyPrefix + key};
    CompletableFuture<List<Object>> reply;
    try {
      reply =
          connection()
              .thenCompose(
                  c ->
                      c.async()
                          .<List<Object>>eval(SCRIPT, ScriptOutputType.MULTI, keys, all)
                          .toCompletableFuture());
    } catch (RuntimeException e) {
      reply = CompletableFuture.failedFuture(e);
    }
    // Lettuce's own timeouts (connect timeout on the URI, TimeoutOptions on commands) end both
    return reply.handle((r, error) -> error != null || r == null ? unavailable() : decision(r));
  }

  private RateDecision unavailable() {
    return decisions.storeUnavailable(limits, failOpen, failClosedRetryAfter);
  }

  private RateDecision decision(List<Object> r) {
    try {
      int n = limits.size();
      if (r.size() != 4 + n) {
        return unavailable();
      }
      long[] remaining = new long[n];
      for (int i = 0; i < n; i++) {
        remaining[i] = ((Number) r.get(4 + i)).longValue();
      }
      if (((Number) r.get(0)).longValue() == 1) {
        return decisions.allowed(limits, remaining);
      }
      int worst = ((Number) r.get(1)).intValue();
      long waitMicros = ((Number) r.get(2)).longValue();
      boolean overCapacity = ((Number) r.get(3)).longValue() == 1;
      return decisions.denied(
          limits,
          remaining,
          worst,
          Duration.ofNanos(Math.multiplyExact(waitMicros, 1000L)),
          overCapacity);
    } catch (RuntimeException e) {
      return unavailable(); // an unexpected reply is store trouble, not the caller's
    }
  }

  @Override
  public long estimatedKeys() {
    return -1;
  }

  @Override
  public void close() {
    closed = true;
    StatefulRedisConnection<String, String> c = connection;
    if (c != null) {
      c.close();
    }
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }

  @Override
  public String toString() {
    return description;
  }

  BucketSpec spec() {
    return spec;
  }
}
