package dev.mailwarden.dns.internal;

import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsStatus;
import dev.mailwarden.dns.RecordType;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;

/**
 * UDP and TCP on NIO channels; dnsjava only encodes and parses messages.
 *
 * <p>Threads: callers encode and send UDP queries themselves (a {@link DatagramChannel} send is
 * thread-safe); one selector thread reads replies and drives TCP connections; one timer thread
 * fires per-try timeouts; answers are completed on the configured executor (or a small owned
 * daemon pool).
 *
 * <p>Spoofing resistance (RFC 5452): query IDs come from a {@link SecureRandom}; each query
 * leaves through one of {@value #UDP_SOCKETS} sockets picked at random, each bound to a random
 * port and replaced by a fresh one after {@value #USES_PER_SOCKET} queries. A reply is accepted
 * only from the server queried, with the ID sent, and for the same question (name compared
 * without case, type, class IN); anything else is ignored. A reply that matches source and ID but
 * does not parse ends the query with SERVFAIL.
 */
final class NioTransport implements Transport {
  static final int UDP_SOCKETS = 8;
  static final int USES_PER_SOCKET = 4096;
  private static final int MAX_UDP = 65_535;

  private final List<InetSocketAddress> servers;
  private final long timeoutNanos;
  private final int tries;
  private final Executor completions;
  private final @Nullable ExecutorService ownedPool;
  private final ScheduledThreadPoolExecutor timer;
  private final Selector selector;
  private final Thread ioThread;
  private final SecureRandom random = new SecureRandom();
  private final AtomicReferenceArray<UdpSocket> sockets = new AtomicReferenceArray<>(UDP_SOCKETS);
  private final Object rotation = new Object();
  private final ConcurrentLinkedQueue<Runnable> ioTasks = new ConcurrentLinkedQueue<>();
  private final Set<Query> inflight = ConcurrentHashMap.newKeySet();
  private final ByteBuffer receiveBuffer = ByteBuffer.allocateDirect(MAX_UDP);
  private volatile boolean closed;

  NioTransport(
      List<InetSocketAddress> servers, Duration timeout, int tries, @Nullable Executor executor)
      throws IOException {
    if (servers.isEmpty()) {
      throw new IllegalArgumentException("no DNS server");
    }
    this.servers = List.copyOf(servers);
    this.timeoutNanos = timeout.toNanos();
    this.tries = tries;
    if (executor == null) {
      this.ownedPool = Executors.newFixedThreadPool(2, daemon("mailwarden-dns-completion"));
      this.completions = ownedPool;
    } else {
      this.ownedPool = null;
      this.completions = executor;
    }
    this.timer = new ScheduledThreadPoolExecutor(1, daemon("mailwarden-dns-timer"));
    timer.setRemoveOnCancelPolicy(true);
    this.selector = Selector.open();
    try {
      for (int i = 0; i < UDP_SOCKETS; i++) {
        sockets.set(i, openUdp());
      }
    } catch (IOException e) {
      closeQuietly();
      throw e;
    }
    this.ioThread = daemon("mailwarden-dns-io").newThread(this::ioLoop);
    ioThread.start();
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  // ---------------------------------------------------------------- queries

  @Override
  public CompletableFuture<DnsAnswer> query(String name, RecordType type) {
    String asked = name.length() > 1 && name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    CompletableFuture<DnsAnswer> result = new CompletableFuture<>();
    Name qname = WireCodec.absoluteName(asked);
    if (qname == null) {
      // Such a name cannot exist in the DNS; no query is sent.
      result.complete(DnsAnswer.nxdomain(asked, type, 0));
      return result;
    }
    Query q = new Query(asked, qname, type, result);
    if (closed) {
      result.complete(DnsAnswer.error(asked, type, DnsStatus.TIMEOUT, "resolver closed"));
      return result;
    }
    inflight.add(q);
    if (closed) { // close() may have missed it
      finish(q, DnsAnswer.error(asked, type, DnsStatus.TIMEOUT, "resolver closed"));
      return result;
    }
    sendUdp(q);
    return result;
  }

  /** One query across its tries and servers. */
  private static final class Query {
    final String asked;
    final Name qname;
    final RecordType type;
    final CompletableFuture<DnsAnswer> result;
    final AtomicBoolean done = new AtomicBoolean();
    // Advanced only by the attempt that settled, so never concurrently.
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

  /** One try of a query; exactly one of reply, timeout or failure settles it. */
  private abstract static class Attempt {
    final Query query;
    final InetSocketAddress server;
    final int id;
    final AtomicBoolean settled = new AtomicBoolean();
    volatile @Nullable ScheduledFuture<?> timeout;

    Attempt(Query query, InetSocketAddress server, int id) {
      this.query = query;
      this.server = server;
      this.id = id;
    }

    boolean settle() {
      if (!settled.compareAndSet(false, true)) {
        return false;
      }
      ScheduledFuture<?> t = timeout;
      if (t != null) {
        t.cancel(false);
      }
      return true;
    }
  }

  private static final class UdpAttempt extends Attempt {
    final UdpSocket socket;

    UdpAttempt(Query query, InetSocketAddress server, int id, UdpSocket socket) {
      super(query, server, id);
      this.socket = socket;
    }
  }

  private static final class TcpAttempt extends Attempt {
    final SocketChannel channel;
    final ByteBuffer out;
    ByteBuffer length = ByteBuffer.allocate(2);
    @Nullable ByteBuffer body;

    TcpAttempt(Query query, InetSocketAddress server, int id, SocketChannel channel, byte[] wire) {
      super(query, server, id);
      this.channel = channel;
      this.out = ByteBuffer.allocate(wire.length + 2);
      out.putShort((short) wire.length).put(wire).flip();
    }
  }

  private void sendUdp(Query q) {
    if (closed) {
      finish(q, DnsAnswer.error(q.asked, q.type, DnsStatus.TIMEOUT, "resolver closed"));
      return;
    }
    InetSocketAddress server = servers.get(q.server);
    UdpSocket socket = pickSocket();
    UdpAttempt attempt;
    int id;
    do {
      id = random.nextInt(65_536);
      attempt = new UdpAttempt(q, server, id, socket);
    } while (socket.pending.putIfAbsent(id, attempt) != null);
    UdpAttempt a = attempt;
    byte[] wire = WireCodec.query(q.qname, q.type, id);
    if (!scheduleTimeout(a)) {
      socket.pending.remove(id, a);
      return;
    }
    try {
      // 0 bytes sent (socket buffer full) is treated like a lost datagram: the timeout retries
      socket.channel.send(ByteBuffer.wrap(wire), server);
    } catch (IOException | RuntimeException e) {
      if (a.settle()) {
        socket.pending.remove(id, a);
        nextTry(q, null);
      }
    }
  }

  /** Arms the try's timeout; false (and the query finished) when the resolver is closing. */
  private boolean scheduleTimeout(Attempt a) {
    try {
      a.timeout = timer.schedule(() -> onTimeout(a), timeoutNanos, TimeUnit.NANOSECONDS);
      return true;
    } catch (RejectedExecutionException closing) {
      a.settled.set(true);
      finish(a.query, DnsAnswer.error(a.query.asked, a.query.type, DnsStatus.TIMEOUT, "resolver closed"));
      return false;
    }
  }

  private void onTimeout(Attempt a) {
    if (!a.settle()) {
      return;
    }
    if (a instanceof UdpAttempt u) {
      u.socket.pending.remove(u.id, u);
    } else if (a instanceof TcpAttempt t) {
      closeQuietly(t.channel);
    }
    nextTry(a.query, null);
  }

  /** Moves to the next try, the next server, or gives up. */
  private void nextTry(Query q, @Nullable DnsAnswer refusal) {
    if (refusal != null) {
      q.lastRefusal = refusal;
      q.attempt = tries; // this server answered: no point asking it again
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
                  q.asked,
                  q.type,
                  DnsStatus.TIMEOUT,
                  "no answer from " + describeServers() + " after " + tries + " tries each"));
      return;
    }
    sendUdp(q);
  }

  private String describeServers() {
    StringBuilder b = new StringBuilder();
    for (InetSocketAddress s : servers) {
      if (b.length() > 0) {
        b.append(", ");
      }
      b.append(s.getAddress().getHostAddress()).append(':').append(s.getPort());
    }
    return b.toString();
  }

  private void finish(Query q, DnsAnswer answer) {
    if (!q.done.compareAndSet(false, true)) {
      return;
    }
    inflight.remove(q);
    try {
      completions.execute(() -> q.result.complete(answer));
    } catch (RejectedExecutionException e) {
      q.result.complete(answer); // the executor is shut down: complete here rather than never
    }
  }

  // ---------------------------------------------------------------- replies

  /** Called on the I/O thread with a reply that matched source and ID. */
  private void onReply(Attempt a, byte[] wire, int length, boolean overTcp) {
    Query q = a.query;
    Message response;
    try {
      response = new Message(ByteBuffer.wrap(wire, 0, length));
    } catch (IOException | RuntimeException e) {
      if (a.settle()) {
        release(a);
        finish(q, malformed(q, a, e));
      }
      return;
    }
    if (!WireCodec.answersQuestion(response, q.qname, q.type)) {
      if (overTcp && a.settle()) {
        release(a);
        nextTry(q, null); // a TCP connection that answers another question is useless
      }
      return; // a UDP reply to another question: ignore it, keep waiting
    }
    if (!a.settle()) {
      return;
    }
    release(a);
    if (!overTcp && WireCodec.isTruncated(response)) {
      sendTcp(q);
      return;
    }
    DnsAnswer answer;
    try {
      answer = WireCodec.toAnswer(q.asked, q.qname, q.type, response);
    } catch (RuntimeException e) {
      answer = malformed(q, a, e);
    }
    if (answer.status() == DnsStatus.REFUSED || answer.status() == DnsStatus.SERVFAIL) {
      nextTry(q, answer); // another server may do better; keep this answer if none does
    } else {
      finish(q, answer);
    }
  }

  private static DnsAnswer malformed(Query q, Attempt a, Exception e) {
    return DnsAnswer.error(
        q.asked,
        q.type,
        DnsStatus.SERVFAIL,
        "malformed reply from " + a.server.getAddress().getHostAddress() + ":" + a.server.getPort()
            + ": " + e.getMessage());
  }

  private void release(Attempt a) {
    if (a instanceof UdpAttempt u) {
      u.socket.pending.remove(u.id, u);
    } else if (a instanceof TcpAttempt t) {
      closeQuietly(t.channel);
    }
  }

  // ---------------------------------------------------------------- TCP

  private void sendTcp(Query q) {
    InetSocketAddress server = servers.get(q.server);
    int id = random.nextInt(65_536);
    SocketChannel channel;
    try {
      channel = SocketChannel.open();
      channel.configureBlocking(false);
    } catch (IOException e) {
      nextTry(q, null);
      return;
    }
    TcpAttempt a = new TcpAttempt(q, server, id, channel, WireCodec.query(q.qname, q.type, id));
    if (!scheduleTimeout(a)) {
      closeQuietly(channel);
      return;
    }
    runOnIoThread(
        () -> {
          if (a.settled.get()) {
            closeQuietly(channel);
            return;
          }
          try {
            if (channel.connect(server)) {
              channel.register(selector, SelectionKey.OP_WRITE, a);
            } else {
              channel.register(selector, SelectionKey.OP_CONNECT, a);
            }
          } catch (IOException | RuntimeException e) {
            tcpFailed(a);
          }
        });
  }

  private void tcpFailed(TcpAttempt a) {
    if (a.settle()) {
      closeQuietly(a.channel);
      nextTry(a.query, null);
    }
  }

  private void onTcpReady(SelectionKey key, TcpAttempt a) {
    try {
      if (key.isConnectable()) {
        a.channel.finishConnect();
        key.interestOps(SelectionKey.OP_WRITE);
      }
      if (key.isValid() && key.isWritable()) {
        a.channel.write(a.out);
        if (!a.out.hasRemaining()) {
          key.interestOps(SelectionKey.OP_READ);
        }
      }
      if (key.isValid() && key.isReadable()) {
        ByteBuffer target = a.body == null ? a.length : a.body;
        if (a.channel.read(target) < 0) {
          tcpFailed(a);
          return;
        }
        if (a.body == null && !a.length.hasRemaining()) {
          int n = ((a.length.get(0) & 0xff) << 8) | (a.length.get(1) & 0xff);
          a.body = ByteBuffer.allocate(n);
          a.channel.read(a.body);
        }
        ByteBuffer body = a.body;
        if (body != null && !body.hasRemaining()) {
          key.cancel();
          byte[] wire = body.array();
          if (WireCodec.id(wire, wire.length) != a.id) {
            tcpFailed(a);
            return;
          }
          onReply(a, wire, wire.length, true);
        }
      }
    } catch (IOException | RuntimeException e) {
      tcpFailed(a);
    }
  }

  // ---------------------------------------------------------------- UDP sockets

  /** A UDP socket with the attempts waiting for replies on it, by query ID. */
  private static final class UdpSocket {
    final DatagramChannel channel;
    final ConcurrentHashMap<Integer, UdpAttempt> pending = new ConcurrentHashMap<>();
    final AtomicInteger uses = new AtomicInteger();

    UdpSocket(DatagramChannel channel) {
      this.channel = channel;
    }
  }

  private UdpSocket pickSocket() {
    int slot = random.nextInt(UDP_SOCKETS);
    UdpSocket s = sockets.get(slot);
    if (s.uses.incrementAndGet() == USES_PER_SOCKET) {
      rotate(slot, s);
    }
    return s;
  }

  /** Replaces a socket by one on a fresh random port; the old one serves its pending replies. */
  private void rotate(int slot, UdpSocket old) {
    synchronized (rotation) {
      if (closed || sockets.get(slot) != old) {
        return;
      }
      try {
        sockets.set(slot, openUdp());
      } catch (IOException e) {
        old.uses.set(0); // keep using it; try again later
        return;
      }
    }
    // every attempt on it has timed out by then
    try {
      timer.schedule(() -> closeQuietly(old.channel), timeoutNanos * 2, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closing) {
      closeQuietly(old.channel);
    }
  }

  private UdpSocket openUdp() throws IOException {
    DatagramChannel channel = DatagramChannel.open();
    try {
      channel.configureBlocking(false);
      bindRandomPort(channel);
      UdpSocket socket = new UdpSocket(channel);
      channel.register(selector, SelectionKey.OP_READ, socket);
      selector.wakeup();
      return socket;
    } catch (IOException | RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  private void bindRandomPort(DatagramChannel channel) throws IOException {
    for (int attempt = 0; attempt < 20; attempt++) {
      int port = 1024 + random.nextInt(65_536 - 1024);
      try {
        channel.bind(new InetSocketAddress(port));
        return;
      } catch (BindException taken) {
        // try another port
      }
    }
    channel.bind(new InetSocketAddress(0)); // the kernel's choice, randomized on Linux
  }

  // ---------------------------------------------------------------- I/O loop

  private void runOnIoThread(Runnable task) {
    ioTasks.add(task);
    selector.wakeup();
  }

  private void ioLoop() {
    byte[] copy = new byte[MAX_UDP];
    while (!closed) {
      try {
        selector.select();
      } catch (IOException | ClosedSelectorException e) {
        if (closed) {
          return;
        }
        continue;
      }
      Runnable task;
      while ((task = ioTasks.poll()) != null) {
        try {
          task.run();
        } catch (RuntimeException e) {
          // a task never throws on purpose; keep serving the others
        }
      }
      Iterator<SelectionKey> keys;
      try {
        keys = selector.selectedKeys().iterator();
      } catch (ClosedSelectorException e) {
        return;
      }
      while (keys.hasNext()) {
        SelectionKey key = keys.next();
        keys.remove();
        if (!key.isValid()) {
          continue;
        }
        Object attachment = key.attachment();
        if (attachment instanceof UdpSocket socket) {
          drain(socket, copy);
        } else if (attachment instanceof TcpAttempt a) {
          onTcpReady(key, a);
        }
      }
    }
  }

  private void drain(UdpSocket socket, byte[] copy) {
    while (true) {
      receiveBuffer.clear();
      SocketAddress from;
      try {
        from = socket.channel.receive(receiveBuffer);
      } catch (IOException | RuntimeException e) {
        return; // e.g. ICMP port unreachable surfaced as an error; the timeout handles it
      }
      if (from == null) {
        return;
      }
      receiveBuffer.flip();
      int length = receiveBuffer.remaining();
      receiveBuffer.get(copy, 0, length);
      int id = WireCodec.id(copy, length);
      if (id < 0) {
        continue;
      }
      UdpAttempt a = socket.pending.get(id);
      if (a == null || !a.server.equals(from)) {
        continue; // not ours, or not from the server asked: ignore
      }
      byte[] wire = new byte[length];
      System.arraycopy(copy, 0, wire, 0, length);
      onReply(a, wire, length, false);
    }
  }

  // ---------------------------------------------------------------- closing

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    selector.wakeup();
    closeQuietly();
    for (Query q : List.copyOf(inflight)) {
      finish(q, DnsAnswer.error(q.asked, q.type, DnsStatus.TIMEOUT, "resolver closed"));
    }
    if (ownedPool != null) {
      ownedPool.shutdown(); // lets the completions above run
    }
    try {
      ioThread.join(TimeUnit.SECONDS.toMillis(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void closeQuietly() {
    timer.shutdownNow();
    List<java.io.Closeable> channels = new ArrayList<>();
    for (int i = 0; i < UDP_SOCKETS; i++) {
      UdpSocket s = sockets.get(i);
      if (s != null) {
        channels.add(s.channel);
      }
    }
    try {
      for (SelectionKey key : selector.keys()) {
        channels.add(key.channel());
      }
    } catch (ClosedSelectorException alreadyClosed) {
      // nothing registered any more
    }
    for (java.io.Closeable c : channels) {
      closeQuietly(c);
    }
    closeQuietly(selector);
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // closing; nothing to do
    }
  }

  @Override
  public String toString() {
    return "NioTransport" + servers;
  }
}
