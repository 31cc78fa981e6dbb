package dev.mailwarden.dns.internal;

import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsStatus;
import dev.mailwarden.dns.NetworkResolver;
import dev.mailwarden.dns.RecordType;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.SimpleResolver;

/**
 * The transport of dnsjava: {@link SimpleResolver#sendAsync(Message, Executor)}, one UDP resolver
 * and one TCP resolver per server, configured per instance (no dnsjava static default is read or
 * changed). Same tries, server order, back-pressure and {@link DnsAnswer} mapping as {@link
 * NioTransport}; dnsjava completes each reply on the configured executor and the query's
 * continuation runs there, so there is one hand-off per try.
 *
 * <p>Kept for comparison and as a fallback: dnsjava opens a socket per query. Its replies are
 * checked for ID and source by dnsjava and for the question here; the drop counters stay 0
 * because dnsjava does not report what it ignores.
 */
final class DnsjavaTransport implements Transport {
  private final List<InetSocketAddress> servers;
  private final List<SimpleResolver> udp = new ArrayList<>();
  private final List<SimpleResolver> tcp = new ArrayList<>();
  private final int tries;
  private final long waitBudgetNanos;
  private final Executor completions;
  private final @Nullable ExecutorService ownedPool;
  private final ScheduledThreadPoolExecutor waitTimer;
  private final SecureRandom random = new SecureRandom();
  private final QueryGate<Query> gate;
  private final TransportCounters counters = new TransportCounters();
  private final Set<Query> inflight = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  DnsjavaTransport(TransportConfig config) {
    this.servers = config.servers();
    this.tries = config.tries();
    this.waitBudgetNanos = config.waitBudgetNanos();
    for (InetSocketAddress server : servers) {
      udp.add(resolver(server, config, false));
      tcp.add(resolver(server, config, true));
    }
    this.gate = new QueryGate<>(config.maxInFlight(), config.maxWaiting());
    Executor executor = config.executor();
    if (executor == null) {
      this.ownedPool = Executors.newFixedThreadPool(2, NioTransport.daemon("mailwarden-dnsjava-completion"));
      this.completions = ownedPool;
    } else {
      this.ownedPool = null;
      this.completions = executor;
    }
    this.waitTimer = new ScheduledThreadPoolExecutor(1, NioTransport.daemon("mailwarden-dnsjava-wait"));
    waitTimer.setRemoveOnCancelPolicy(true);
  }

  private static SimpleResolver resolver(InetSocketAddress server, TransportConfig config, boolean overTcp) {
    SimpleResolver r = new SimpleResolver(server);
    r.setTimeout(config.timeout());
    r.setTCP(overTcp);
    r.setIgnoreTruncation(true); // TC is handled here, so it is counted and tried like NIO's
    return r;
  }

  private static final class Query {
    final String asked;
    final Name qname;
    final RecordType type;
    final CompletableFuture<DnsAnswer> result;
    final AtomicBoolean done = new AtomicBoolean();
    boolean holdsSlot;
    // advanced by one try's continuation at a time
    int server;
    int attempt;
    @Nullable DnsAnswer lastRefusal;

    Query(String asked, Name qname, RecordType type, CompletableFuture<DnsAnswer> result) {
      this.asked = asked;
      this.qname = qname;
      this.type = type;
      this.result = result;
    }
  }

  @Override
  public CompletableFuture<DnsAnswer> query(String name, RecordType type) {
    String asked = name.length() > 1 && name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    CompletableFuture<DnsAnswer> result = new CompletableFuture<>();
    Name qname = WireCodec.absoluteName(asked);
    if (qname == null) {
      result.complete(DnsAnswer.nxdomain(asked, type, 0));
      return result;
    }
    if (closed) {
      result.complete(closedAnswer(asked, type));
      return result;
    }
    Query q = new Query(asked, qname, type, result);
    if (gate.tryAcquire()) {
      start(q);
    } else if (gate.enqueue(q, System.nanoTime() + waitBudgetNanos)) {
      scheduleExpiry();
      startWaiters();
      if (closed) {
        dropWaiters(); // close() may have drained the FIFO before this one joined it
      }
    } else {
      counters.overloaded.increment();
      result.complete(
          DnsAnswer.error(
              asked,
              type,
              DnsStatus.TIMEOUT,
              "resolver overloaded: " + gate.maxInFlight() + " queries in flight and "
                  + gate.maxWaiting() + " waiting"));
    }
    return result;
  }

  private void scheduleExpiry() {
    try {
      waitTimer.schedule(
          () -> gate.expire(System.nanoTime(), this::onWaitExpired), waitBudgetNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closing) {
      // close() completes the waiters
    }
  }

  private void onWaitExpired(Query q) {
    if (q.done.compareAndSet(false, true)) {
      counters.overloaded.increment();
      complete(
          q,
          DnsAnswer.error(
              q.asked,
              q.type,
              DnsStatus.TIMEOUT,
              "resolver overloaded: no free slot among " + gate.maxInFlight() + " in flight within "
                  + TimeUnit.NANOSECONDS.toMillis(waitBudgetNanos) + " ms"));
    }
  }

  private void start(Query q) {
    q.holdsSlot = true;
    inflight.add(q);
    if (closed) {
      finish(q, closedAnswer(q.asked, q.type));
      return;
    }
    send(q, false);
  }

  private void startWaiters() {
    Query w;
    while (!closed && (w = gate.pollStartable()) != null) {
      start(w);
    }
  }

  private void send(Query q, boolean overTcp) {
    if (closed) {
      finish(q, closedAnswer(q.asked, q.type));
      return;
    }
    SimpleResolver r = (overTcp ? tcp : udp).get(q.server);
    Message query = WireCodec.queryMessage(q.qname, q.type, random.nextInt(65_536));
    counters.queriesSent.increment();
    try {
      r.sendAsync(query, completions)
          .whenComplete((response, error) -> onResult(q, overTcp, response, error));
    } catch (RuntimeException e) {
      onResult(q, overTcp, null, e);
    }
  }

  private void onResult(Query q, boolean overTcp, @Nullable Message response, @Nullable Throwable error) {
    if (q.done.get()) {
      return; // closed meanwhile
    }
    if (error != null || response == null) {
      counters.timeouts.increment(); // a timeout, or an I/O error treated like one
      nextTry(q, null);
      return;
    }
    if (!WireCodec.answersQuestion(response, q.qname, q.type)) {
      counters.droppedWrongQuestion.increment();
      nextTry(q, null);
      return;
    }
    counters.answersAccepted.increment();
    if (!overTcp && WireCodec.isTruncated(response)) {
      counters.tcpRetries.increment();
      send(q, true);
      return;
    }
    DnsAnswer answer;
    try {
      answer = WireCodec.toAnswer(q.asked, q.qname, q.type, response);
    } catch (RuntimeException e) {
      answer = DnsAnswer.error(q.asked, q.type, DnsStatus.SERVFAIL, "malformed reply: " + e.getMessage());
    }
    if (answer.status() == DnsStatus.REFUSED || answer.status() == DnsStatus.SERVFAIL) {
      nextTry(q, answer);
    } else {
      finish(q, answer);
    }
  }

  private void nextTry(Query q, @Nullable DnsAnswer refusal) {
    if (refusal != null) {
      q.lastRefusal = refusal;
      q.attempt = tries;
    }
    q.attempt++;
    if (q.attempt >= tries) {
      q.attempt = 0;
      q.server++;
    }
    if (q.server >= servers.size()) {
      DnsAnswer last = q.lastRefusal;
      finish(
          q,
          last != null
              ? last
              : DnsAnswer.error(
                  q.asked, q.type, DnsStatus.TIMEOUT, "no answer from " + servers + " after " + tries + " tries each"));
      return;
    }
    send(q, false);
  }

  /**
   * Ends a query once. dnsjava completes its futures on the executor, but a continuation attached
   * after that runs on the attaching thread, so the answer is handed to the executor here too.
   */
  private void finish(Query q, DnsAnswer answer) {
    if (!q.done.compareAndSet(false, true)) {
      return;
    }
    if (q.holdsSlot) {
      inflight.remove(q);
      gate.release();
      startWaiters();
    }
    complete(q, answer);
  }

  private void complete(Query q, DnsAnswer answer) {
    try {
      completions.execute(() -> q.result.complete(answer));
    } catch (RejectedExecutionException e) {
      q.result.complete(answer);
    }
  }

  private void dropWaiters() {
    gate.drain(
        q -> {
          if (q.done.compareAndSet(false, true)) {
            complete(q, closedAnswer(q.asked, q.type));
          }
        });
  }

  private static DnsAnswer closedAnswer(String asked, RecordType type) {
    return DnsAnswer.error(asked, type, DnsStatus.TIMEOUT, "resolver closed");
  }

  @Override
  public NetworkResolver.Stats stats() {
    return counters.snapshot(gate.inFlight(), gate.waiting());
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    waitTimer.shutdownNow();
    dropWaiters();
    for (Query q : List.copyOf(inflight)) {
      if (q.done.compareAndSet(false, true)) {
        inflight.remove(q);
        gate.release();
        complete(q, closedAnswer(q.asked, q.type));
      }
    }
    if (ownedPool != null) {
      ownedPool.shutdown();
    }
  }

  @Override
  public String toString() {
    return "DnsjavaTransport" + servers;
  }
}
