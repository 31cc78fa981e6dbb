package dev.mailwarden.dns.internal;

import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsStatus;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;

/**
 * UDP and TCP on NIO channels; dnsjava only encodes and parses messages.
 *
 * <p>Threads: callers encode and send UDP queries themselves (a {@link DatagramChannel} send is
 * thread-safe); one I/O thread reads replies, drives TCP connections and fires timeouts; answers
 * are completed on the configured executor (or a small owned daemon pool): one hand-off per answer,
 * and the answers the I/O thread settles in one turn of its loop go over in one task, so a burst of
 * replies costs one executor wake-up.
 *
 * <p>Timeouts without a timer thread: every try has the same timeout, so deadlines are reached in
 * the order the tries were sent, and a FIFO is a deadline queue. The I/O thread sleeps in {@code
 * select} until the oldest deadline, never longer than one timeout (a try sent meanwhile cannot
 * expire earlier), so senders never wake it. Settled tries are dropped from the head as it is
 * reached.
 *
 * <p>Back-pressure: at most {@code maxInFlight} queries are on the wire; further ones wait in a
 * bounded FIFO (at most their whole timeout budget) and beyond that are refused at once with
 * TIMEOUT "resolver overloaded".
 *
 * <p>Spoofing resistance (RFC 5452): query IDs come from a {@link SecureRandom}; each query leaves
 * through one of {@value #UDP_SOCKETS} sockets picked at random, each bound to a random port and
 * replaced by a fresh one after a number of queries or an age. A reply is accepted only from the
 * server queried, with the ID sent, and for the same question (name compared without case, type,
 * class IN); anything else is dropped and counted. A reply that matches source and ID but does not
 * parse counts as SERVFAIL from that server: the next server is asked.
 */
final class NioTransport extends GatedTransport {
  static final int UDP_SOCKETS = 8;
  private static final int MAX_UDP = 65_535;

  /** Answers the I/O thread gathers at most before handing them to the executor. */
  private static final int MAX_BATCH = 64;

  private final long timeoutNanos;
  private final int socketMaxQueries;
  private final long socketMaxAgeNanos;
  private final Selector selector;
  private final Thread ioThread;
  private final SecureRandom random = new SecureRandom();
  private final RandomBlock ids = new RandomBlock(random);
  private final AtomicReferenceArray<UdpSocket> sockets = new AtomicReferenceArray<>(UDP_SOCKETS);
  private final Object rotation = new Object();

  /**
   * The UDP tries waiting for a reply, by query ID: an ID is in use on one socket at a time, so the
   * table is 64K references for the whole transport (at most 32,768 are in use, so a free ID is
   * found in a draw or two). A reply is matched by ID, then by socket and source.
   */
  private final AtomicReferenceArray<UdpAttempt> pending = new AtomicReferenceArray<>(65_536);

  /**
   * Tries in the order sent, hence of deadline; only the I/O thread removes. Every unsettled try is
   * here, so on close the queries still in flight are found here.
   */
  private final AppendQueue<Attempt> deadlines = new AppendQueue<>();

  /** Rotated-out sockets, closed by the I/O thread once their replies cannot matter. */
  private final ConcurrentLinkedQueue<UdpSocket> retired = new ConcurrentLinkedQueue<>();

  /** Answers completed on the I/O thread during one loop turn, handed over together. */
  private final ArrayList<TransportQuery> batchQueries = new ArrayList<>();

  private final ArrayList<DnsAnswer> batchAnswers = new ArrayList<>();
  private final ByteBuffer receiveBuffer = ByteBuffer.allocateDirect(MAX_UDP);
  private final byte[] receiveCopy = new byte[MAX_UDP];

  /** Whether the last turn of the I/O loop read a datagram (I/O thread only). */
  private boolean readSome;

  NioTransport(TransportConfig config) throws IOException {
    super(config, "mailwarden-dns-completion", false);
    this.timeoutNanos = config.timeout().toNanos();
    this.socketMaxQueries = config.socketMaxQueries();
    this.socketMaxAgeNanos = config.socketMaxAge().toNanos();
    this.selector = Selector.open();
    try {
      long now = ticker.read();
      for (int i = 0; i < UDP_SOCKETS; i++) {
        sockets.set(i, openUdp(now));
      }
    } catch (IOException e) {
      closeChannels();
      if (ownedPool != null) {
        ownedPool.shutdown();
      }
      throw e;
    }
    this.ioThread = daemon("mailwarden-dns-io").newThread(this::ioLoop);
    ioThread.start();
  }

  // ---------------------------------------------------------------- queries

  /** One try of a query; exactly one of reply, timeout or failure settles it. */
  private abstract static class Attempt extends AppendQueue.Link<Attempt> {
    private static final VarHandle SETTLED;

    static {
      try {
        SETTLED = MethodHandles.lookup().findVarHandle(Attempt.class, "settled", boolean.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    final TransportQuery query;
    final InetSocketAddress server;
    final int id;
    final long deadline;
    private volatile boolean settled; // through SETTLED: no AtomicBoolean per try

    Attempt(TransportQuery query, InetSocketAddress server, int id, long deadline) {
      this.query = query;
      this.server = server;
      this.id = id;
      this.deadline = deadline;
    }

    boolean settle() {
      return SETTLED.compareAndSet(this, false, true);
    }

    boolean isSettled() {
      return settled;
    }
  }

  private static final class UdpAttempt extends Attempt {
    final UdpSocket socket;

    UdpAttempt(
        TransportQuery query, InetSocketAddress server, int id, long deadline, UdpSocket socket) {
      super(query, server, id, deadline);
      this.socket = socket;
    }
  }

  private static final class TcpAttempt extends Attempt {
    final SocketChannel channel;
    final ByteBuffer out;
    ByteBuffer length = ByteBuffer.allocate(2);
    @Nullable ByteBuffer body;

    TcpAttempt(
        TransportQuery query,
        InetSocketAddress server,
        int id,
        long deadline,
        SocketChannel channel,
        byte[] wire) {
      super(query, server, id, deadline);
      this.channel = channel;
      this.out = ByteBuffer.allocate(wire.length + 2);
      out.putShort((short) wire.length).put(wire).flip();
    }
  }

  @Override
  void sendTry(TransportQuery q) {
    if (closed) {
      finish(q, q.closed());
      return;
    }
    InetSocketAddress server = servers.get(q.server);
    long now = ticker.read();
    int bits = ids.nextInt(); // 16 bits of ID, 3 of socket
    UdpSocket socket = pickSocket((bits >>> 16) & (UDP_SOCKETS - 1), now);
    long deadline = now + timeoutNanos;
    UdpAttempt a = null;
    int id = bits & 0xffff;
    while (true) {
      if (pending.get(id) == null) {
        a = new UdpAttempt(q, server, id, deadline, socket);
        if (pending.compareAndSet(id, null, a)) {
          break;
        }
      }
      id = ids.nextInt() & 0xffff; // in use: draw another
    }
    byte[] wire = WireCodec.query(q.qnameWire, q.type, id);
    deadlines.add(a);
    if (closed && a.settle()) { // close() may have gone through deadlines before this try joined
      release(a);
      finish(q, q.closed());
      return;
    }
    try {
      // 0 bytes sent (socket buffer full) is treated like a lost datagram: the timeout retries
      socket.channel.send(ByteBuffer.wrap(wire), server);
      counters.queriesSent.increment();
    } catch (IOException | RuntimeException e) {
      if (a.settle()) {
        release(a);
        nextTry(q, null);
      }
    }
  }

  /** Called on the I/O thread when a try's deadline has passed. */
  private void onTimeout(Attempt a) {
    if (!a.settle()) {
      return;
    }
    counters.timeouts.increment();
    release(a);
    nextTry(a.query, null);
  }

  @Override
  void complete(TransportQuery q, DnsAnswer answer) {
    if (Thread.currentThread() == ioThread) {
      // handed over in one task per loop turn: one executor wake-up for many answers
      batchQueries.add(q);
      batchAnswers.add(answer);
      return;
    }
    try {
      completions.execute(() -> q.result.complete(answer));
    } catch (RejectedExecutionException e) {
      q.result.complete(answer); // the executor is shut down: complete here rather than never
    }
  }

  /** Hands the answers gathered on the I/O thread to the executor (I/O thread only). */
  private void flushCompletions() {
    int n = batchQueries.size();
    if (n == 0) {
      return;
    }
    TransportQuery[] queries = batchQueries.toArray(new TransportQuery[0]);
    DnsAnswer[] answers = batchAnswers.toArray(new DnsAnswer[0]);
    batchQueries.clear();
    batchAnswers.clear();
    Runnable task =
        () -> {
          for (int i = 0; i < queries.length; i++) {
            queries[i].result.complete(answers[i]);
          }
        };
    try {
      completions.execute(task);
    } catch (RuntimeException e) {
      task.run(); // the executor is shut down or refuses: complete here rather than never
    }
  }

  // ---------------------------------------------------------------- replies

  /**
   * Called on the I/O thread with a reply that matched source and ID; {@code wire} may be the
   * shared receive buffer (only read here; copied before dnsjava's path changes it).
   */
  private void onReply(Attempt a, byte[] wire, int length, boolean overTcp) {
    TransportQuery q = a.query;
    DnsAnswer fast;
    try {
      fast = WireCodec.fastAnswer(wire, length, q.qnameWire, q.type, q.asked);
    } catch (RuntimeException e) {
      fast = null; // dnsjava's path below decides
    }
    if (fast != null) {
      // the everyday reply: parsed, the question matched, not truncated (see fastAnswer)
      if (a.settle()) {
        counters.answersAccepted.increment();
        release(a);
        conclude(q, fast);
      }
      return;
    }
    Message response;
    try {
      response = WireCodec.parse(Arrays.copyOf(wire, length), length);
    } catch (IOException | RuntimeException e) {
      counters.droppedUnparseable.increment();
      if (a.settle()) {
        release(a);
        nextTry(q, malformed(q, a, e)); // another server may answer; keep this if none does
      }
      return;
    }
    Name qname = WireCodec.name(q.qnameWire);
    if (!WireCodec.answersQuestion(response, qname, q.type)) {
      counters.droppedWrongQuestion.increment();
      if (overTcp && a.settle()) {
        release(a);
        nextTry(q, null); // a TCP connection that answers another question is useless
      }
      return; // a UDP reply to another question: ignore it, keep waiting
    }
    if (!a.settle()) {
      return;
    }
    counters.answersAccepted.increment();
    release(a);
    if (!overTcp && WireCodec.isTruncated(response)) {
      counters.tcpRetries.increment();
      sendTcp(q);
      return;
    }
    DnsAnswer answer;
    try {
      answer = WireCodec.toAnswer(q.asked, qname, q.type, response);
    } catch (RuntimeException e) {
      answer = malformed(q, a, e);
    }
    conclude(q, answer);
  }

  private static DnsAnswer malformed(TransportQuery q, Attempt a, Exception e) {
    return DnsAnswer.error(
        q.asked,
        q.type,
        DnsStatus.SERVFAIL,
        "malformed reply from "
            + a.server.getAddress().getHostAddress()
            + ":"
            + a.server.getPort()
            + ": "
            + e.getMessage());
  }

  private void release(Attempt a) {
    if (a instanceof UdpAttempt u) {
      pending.compareAndSet(u.id, u, null);
    } else if (a instanceof TcpAttempt t) {
      closeQuietly(t.channel);
    }
  }

  // ---------------------------------------------------------------- TCP

  /** Called on the I/O thread after a truncated UDP reply. */
  private void sendTcp(TransportQuery q) {
    InetSocketAddress server = servers.get(q.server);
    int id = ids.nextInt() & 0xffff;
    SocketChannel channel;
    try {
      channel = SocketChannel.open();
      channel.configureBlocking(false);
    } catch (IOException e) {
      nextTry(q, null);
      return;
    }
    TcpAttempt a =
        new TcpAttempt(
            q,
            server,
            id,
            ticker.read() + timeoutNanos,
            channel,
            WireCodec.query(q.qnameWire, q.type, id));
    deadlines.add(a);
    try {
      if (channel.connect(server)) {
        channel.register(selector, SelectionKey.OP_WRITE, a);
      } else {
        channel.register(selector, SelectionKey.OP_CONNECT, a);
      }
      counters.queriesSent.increment();
    } catch (IOException | RuntimeException e) {
      tcpFailed(a);
    }
  }

  private void tcpFailed(TcpAttempt a) {
    if (a.settle()) {
      closeQuietly(a.channel);
      nextTry(a.query, null);
    }
  }

  @SuppressWarnings("ByteBufferBackingArray") // the body buffer is allocated here, never sliced
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
            counters.droppedUnknownId.increment();
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

  /** A UDP socket; the tries waiting for replies on it are in {@code pending}. */
  private static final class UdpSocket {
    final DatagramChannel channel;
    final long openedAt;
    final AtomicInteger uses = new AtomicInteger();
    volatile long closeAt;

    UdpSocket(DatagramChannel channel, long openedAt) {
      this.channel = channel;
      this.openedAt = openedAt;
    }
  }

  private UdpSocket pickSocket(int slot, long now) {
    UdpSocket s = sockets.get(slot);
    if (s.uses.incrementAndGet() == socketMaxQueries || now - s.openedAt > socketMaxAgeNanos) {
      UdpSocket fresh = rotate(slot, s, now);
      if (fresh != null) {
        fresh.uses.incrementAndGet();
        return fresh;
      }
    }
    return s;
  }

  /**
   * Replaces a socket by one on a fresh random port; the old one serves its pending replies until
   * they have all timed out. Returns the new socket, or null if another thread rotated it or no
   * socket could be opened (the old one is then kept a while longer).
   */
  private @Nullable UdpSocket rotate(int slot, UdpSocket old, long now) {
    UdpSocket fresh;
    synchronized (rotation) {
      if (closed || sockets.get(slot) != old) {
        return null;
      }
      try {
        fresh = openUdp(now);
      } catch (IOException e) {
        old.uses.set(0); // keep using it; try again later
        return null;
      }
      sockets.set(slot, fresh);
    }
    old.closeAt = now + 2 * timeoutNanos; // every try sent on it has timed out by then
    retired.add(old);
    return fresh;
  }

  private UdpSocket openUdp(long now) throws IOException {
    DatagramChannel channel = DatagramChannel.open();
    try {
      channel.configureBlocking(false);
      bindRandomPort(channel);
      UdpSocket socket = new UdpSocket(channel, now);
      channel.register(selector, SelectionKey.OP_READ, socket);
      selector.wakeup(); // a select() in progress does not watch a channel registered meanwhile
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

  /**
   * Each turn reads one datagram from every ready socket, then asks the selector again without
   * sleeping while the last turn read something: a socket with more datagrams is still ready
   * (level-triggered), and one that has none costs nothing, where reading each socket until it is
   * empty costs a failed receive per socket and turn. Answers are handed over once the sockets are
   * empty, before the I/O thread sleeps, or once {@value #MAX_BATCH} are waiting.
   */
  private void ioLoop() {
    Consumer<SelectionKey> onReady = this::onReady; // selected keys go here, not into a set
    while (!closed) {
      long sleepNanos = fireDeadlines(ticker.read());
      try {
        if (readSome) {
          readSome = false;
          if (selector.selectNow(onReady) == 0 || batchQueries.size() >= MAX_BATCH) {
            flushCompletions(); // the sockets are empty, or a steady stream must not hold answers
          }
        } else {
          flushCompletions();
          // select(ms) with 0 would block forever: round up, at least 1 ms
          selector.select(
              onReady, Math.max(1, TimeUnit.NANOSECONDS.toMillis(sleepNanos + 999_999)));
        }
      } catch (IOException | ClosedSelectorException e) {
        if (closed) {
          break;
        }
      }
    }
    flushCompletions();
  }

  /** A key the selector found ready (I/O thread). */
  private void onReady(SelectionKey key) {
    if (!key.isValid()) {
      return;
    }
    Object attachment = key.attachment();
    try {
      if (attachment instanceof UdpSocket socket) {
        readSome |= receiveOne(socket, receiveCopy);
      } else if (attachment instanceof TcpAttempt a) {
        onTcpReady(key, a);
      }
    } catch (RuntimeException e) {
      // keep serving the others
    }
  }

  /**
   * Times out the tries, expires the waiters and closes the retired sockets that are due; returns
   * how long the I/O thread may sleep, at most one timeout (see the class comment).
   */
  private long fireDeadlines(long now) {
    long next = now + timeoutNanos;
    Attempt a;
    while ((a = deadlines.peek()) != null) {
      if (a.isSettled()) {
        deadlines.poll(); // answered: nothing to fire
        continue;
      }
      if (a.deadline - now > 0) {
        next = Math.min(next, a.deadline);
        break;
      }
      deadlines.poll();
      try {
        onTimeout(a);
      } catch (RuntimeException e) {
        // keep firing the others
      }
    }
    long waiter = gate.expire(now, this::onWaitExpired);
    if (waiter != Long.MAX_VALUE && waiter - next < 0) {
      next = waiter;
    }
    UdpSocket old;
    while ((old = retired.peek()) != null && old.closeAt - now <= 0) {
      retired.poll();
      closeQuietly(old.channel);
    }
    return Math.max(0, next - now);
  }

  /** Reads one datagram from a ready socket and handles it; false if there was none. */
  private boolean receiveOne(UdpSocket socket, byte[] copy) {
    receiveBuffer.clear();
    SocketAddress from;
    try {
      from = socket.channel.receive(receiveBuffer);
    } catch (IOException | RuntimeException e) {
      return false; // e.g. ICMP port unreachable surfaced as an error; the timeout handles it
    }
    if (from == null) {
      return false;
    }
    receiveBuffer.flip();
    int length = receiveBuffer.remaining();
    receiveBuffer.get(copy, 0, length);
    int id = WireCodec.id(copy, length);
    if (id < 0) {
      counters.droppedUnparseable.increment();
      return true;
    }
    UdpAttempt a = pending.get(id);
    if (a == null || a.socket != socket) {
      counters.droppedUnknownId.increment();
      return true;
    }
    if (!a.server.equals(from)) {
      counters.droppedWrongSource.increment();
      return true;
    }
    onReply(a, copy, length, false);
    return true;
  }

  // ---------------------------------------------------------------- stats and closing

  @Override
  public void close() {
    if (!markClosed()) {
      return;
    }
    selector.wakeup();
    try {
      ioThread.join(TimeUnit.SECONDS.toMillis(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeChannels();
    // every query on the wire has its unsettled try in deadlines (a try added after this loop
    // sees closed and ends its query itself)
    deadlines.forEachRemaining(
        a -> {
          if (a.settle()) {
            release(a);
            finish(a.query, a.query.closed());
          }
        });
    endAll();
  }

  private void closeChannels() {
    List<java.io.Closeable> channels = new ArrayList<>();
    for (int i = 0; i < UDP_SOCKETS; i++) {
      UdpSocket s = sockets.get(i);
      if (s != null) {
        channels.add(s.channel);
      }
    }
    for (UdpSocket s : retired) {
      channels.add(s.channel);
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
