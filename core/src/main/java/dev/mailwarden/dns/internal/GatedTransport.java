package dev.mailwarden.dns.internal;

import dev.mailwarden.Ticker;
import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsStatus;
import dev.mailwarden.dns.NetworkResolver;
import dev.mailwarden.dns.RecordType;
import dev.mailwarden.internal.DomainNames;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * What both transports share: admission through the {@link QueryGate} (slots, a bounded waiting
 * FIFO, overload answers), tries and servers in order, ending each query exactly once on the
 * executor, the counters, and ending everything on close. Subclasses only send a try and report how
 * it ended through {@link #nextTry} and {@link #finish}.
 */
abstract class GatedTransport implements Transport {
  final List<InetSocketAddress> servers;
  final int tries;
  final long waitBudgetNanos;
  final Executor completions;
  final @Nullable ExecutorService ownedPool;
  final QueryGate<TransportQuery> gate;
  final Ticker ticker;
  final TransportCounters counters = new TransportCounters();

  /** The queries holding a slot; null when the subclass finds them itself on close. */
  private final @Nullable Set<TransportQuery> inflight;

  volatile boolean closed;

  /**
   * @param tracksQueries keep a set of the queries holding a slot, to end them on close; false when
   *     the subclass ends them itself (a set costs two concurrent-map operations per query)
   */
  GatedTransport(TransportConfig config, String completionThreadName, boolean tracksQueries) {
    this.inflight = tracksQueries ? ConcurrentHashMap.newKeySet() : null;
    this.servers = config.servers();
    this.tries = config.tries();
    this.waitBudgetNanos = config.waitBudgetNanos();
    this.gate = new QueryGate<>(config.maxInFlight(), config.maxWaiting());
    this.ticker = config.ticker();
    Executor executor = config.executor();
    if (executor == null) {
      this.ownedPool = Executors.newFixedThreadPool(2, daemon(completionThreadName));
      this.completions = ownedPool;
    } else {
      this.ownedPool = null;
      this.completions = executor;
    }
  }

  static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Sends the query's current try (its server is {@code servers.get(q.server)}). */
  abstract void sendTry(TransportQuery q);

  /** Called after a query joined the waiting FIFO, e.g. to arm its expiry. */
  void afterEnqueue() {}

  @Override
  public final CompletableFuture<DnsAnswer> query(String name, RecordType type) {
    String asked = DomainNames.stripDot(name);
    CompletableFuture<DnsAnswer> result = new CompletableFuture<>();
    byte[] qname = WireCodec.nameWire(asked);
    if (qname == null) {
      // Such a name cannot exist in the DNS; no query is sent.
      result.complete(DnsAnswer.nxdomain(asked, type, 0));
      return result;
    }
    if (closed) {
      result.complete(TransportQuery.closed(asked, type));
      return result;
    }
    TransportQuery q = new TransportQuery(asked, qname, type, result);
    if (gate.tryAcquire()) {
      start(q);
    } else if (gate.enqueue(q, ticker.read() + waitBudgetNanos)) {
      afterEnqueue();
      startWaiters(); // a slot may have been freed since tryAcquire
      if (closed) {
        dropWaiters(); // close() may have drained the FIFO before this one joined it
      }
    } else {
      counters.overloaded.increment();
      result.complete(q.overloaded(gate));
    }
    return result;
  }

  /** Sends a query that holds a slot. */
  private void start(TransportQuery q) {
    q.holdsSlot = true;
    if (inflight != null) {
      inflight.add(q);
    }
    if (closed) { // close() may have missed it
      finish(q, q.closed());
      return;
    }
    sendTry(q);
  }

  /** Starts waiting queries while slots are free. */
  final void startWaiters() {
    TransportQuery w;
    while (!closed && (w = gate.pollStartable()) != null) {
      start(w);
    }
  }

  /** A waiter whose budget ran out before a slot freed. */
  final void onWaitExpired(TransportQuery q) {
    if (q.markDone()) {
      counters.overloaded.increment();
      complete(q, q.waitedTooLong(gate, waitBudgetNanos));
    }
  }

  /** Moves to the next try, the next server, or gives up; see {@link TransportQuery#advance}. */
  final void nextTry(TransportQuery q, @Nullable DnsAnswer refusal) {
    if (q.advance(tries, servers.size(), refusal)) {
      sendTry(q);
    } else {
      finish(q, q.exhausted(servers, tries));
    }
  }

  /** Ends a query with a decoded answer, or moves on when that server failed or refused. */
  final void conclude(TransportQuery q, DnsAnswer answer) {
    if (answer.status() == DnsStatus.REFUSED || answer.status() == DnsStatus.SERVFAIL) {
      nextTry(q, answer); // another server may do better; keep this answer if none does
    } else {
      finish(q, answer);
    }
  }

  /** Ends a query once: frees its slot, starts a waiter, completes on the executor. */
  final void finish(TransportQuery q, DnsAnswer answer) {
    if (!q.markDone()) {
      return;
    }
    if (q.holdsSlot) {
      if (inflight != null) {
        inflight.remove(q);
      }
      gate.release();
      startWaiters();
    }
    complete(q, answer);
  }

  /** Hands the answer to the executor; on a shut-down executor completes here rather than never. */
  void complete(TransportQuery q, DnsAnswer answer) {
    try {
      completions.execute(() -> q.result.complete(answer));
    } catch (RejectedExecutionException e) {
      q.result.complete(answer);
    }
  }

  private void dropWaiters() {
    gate.drain(
        q -> {
          if (q.markDone()) {
            complete(q, q.closed());
          }
        });
  }

  /**
   * Part of {@code close()}, after sends have stopped: ends every pending query (those holding a
   * slot only if this class tracks them), stops the pool.
   */
  final void endAll() {
    dropWaiters();
    if (inflight != null) {
      for (TransportQuery q : List.copyOf(inflight)) {
        finish(q, q.closed());
      }
    }
    if (ownedPool != null) {
      ownedPool.shutdown(); // lets the completions above run
    }
  }

  /** Stops further sends: false when already closed (close is idempotent). */
  final boolean markClosed() {
    if (closed) {
      return false;
    }
    closed = true;
    return true;
  }

  @Override
  public final NetworkResolver.Stats stats() {
    return counters.snapshot(gate.inFlight(), gate.waiting());
  }
}
