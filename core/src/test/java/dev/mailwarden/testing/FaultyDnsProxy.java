package dev.mailwarden.testing;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * A DNS proxy on 127.0.0.1 (UDP and TCP, one free port) that forwards queries to a real server and
 * breaks the answers for chosen names, to test how code behaves when DNS goes wrong.
 *
 * <pre>{@code
 * try (LoopbackServer nsd = NsdServer.start(dir, Map.of("example.com", "example.com.zone"));
 *     FaultyDnsProxy proxy = FaultyDnsProxy.start(nsd.address());
 *     NetworkResolver dns = NetworkResolver.builder().server(proxy.address())
 *         .timeout(Duration.ofMillis(200)).tries(1).build()) {
 *   proxy.inject("example.com", FaultyDnsProxy.Fault.SERVFAIL);        // this name only
 *   proxy.injectBelow("bl.example.net", FaultyDnsProxy.Fault.SILENCE); // it and every name under
 *   assertThat(dns.lookup("example.com", RecordType.TXT).join().status()).isEqualTo(DnsStatus.SERVFAIL);
 *   assertThat(proxy.injected()).isEqualTo(1);
 * }
 * }</pre>
 *
 * <p>A rule matches the query name without regard to case or a trailing dot, for every record type;
 * an exact rule wins over a suffix rule, a longer suffix over a shorter one. Unmatched queries are
 * forwarded (over the transport they came on) and answered with the server's reply.
 *
 * <p>{@link #delay(Duration)} holds every forwarded query that long before it goes upstream, like a
 * server that far away: e.g. 20 ms to show what a resolver does when DNS is not on loopback.
 * Injected faults are answered at once.
 *
 * <p>UDP queries go upstream through one socket, each under an ID of the proxy's (mapped back to
 * the client's ID in the reply), so thousands of queries in flight cost no thread or socket each; a
 * query upstream does not answer within 10 s is forgotten. Not a general-purpose proxy: one thread
 * per TCP connection, one upstream connection per TCP query.
 */
public final class FaultyDnsProxy implements AutoCloseable {

  /** What the proxy does instead of forwarding. */
  public enum Fault {
    /** Replies RCODE 2 (SERVFAIL) with no records. */
    SERVFAIL,
    /** Replies RCODE 5 (REFUSED) with no records. */
    REFUSED,
    /**
     * Never replies (UDP), or keeps the TCP connection open without a reply: the client times out.
     */
    SILENCE,
    /** Replies over UDP with the TC bit and no records; resets the TCP connection of the retry. */
    TRUNCATED_TCP_RESET,
    /** Replies with the query's ID and the QR bit, followed by a body that does not parse. */
    MALFORMED,
    /**
     * Replies with the query's ID and a well-formed answer for another name ({@value #WRONG_NAME}):
     * A 127.0.0.2, AAAA ::2, TXT {@code "v=spf1 +all"}, MX and PTR to it. A client that accepts it
     * would see a DNSBL listing or an SPF pass.
     */
    WRONG_QUESTION
  }

  /** The name that {@link Fault#WRONG_QUESTION} answers for. */
  public static final String WRONG_NAME = "wrong-question.invalid.";

  private final InetSocketAddress upstream;
  private final DatagramSocket udp;
  private final DatagramSocket upstreamUdp;
  private final ServerSocket tcp;
  private final ExecutorService threads;
  private final ScheduledExecutorService timer;

  /** UDP queries sent upstream and not yet answered, by the proxy's ID. */
  private final Map<Integer, Forward> forwards = new ConcurrentHashMap<>();

  private final AtomicInteger nextId = new AtomicInteger();
  private volatile long delayNanos;
  private final Map<String, Fault> exact = new ConcurrentHashMap<>();
  private final List<Map.Entry<String, Fault>> suffixes = new CopyOnWriteArrayList<>();
  private final AtomicInteger injected = new AtomicInteger();
  private final AtomicInteger forwarded = new AtomicInteger();
  private final List<Socket> connections = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  /** A UDP query forwarded upstream: who asked, with which ID, when. */
  private record Forward(InetSocketAddress client, int clientId, long sentNanos) {}

  private FaultyDnsProxy(
      InetSocketAddress upstream,
      DatagramSocket udp,
      DatagramSocket upstreamUdp,
      ServerSocket tcp) {
    this.upstream = upstream;
    this.udp = udp;
    this.upstreamUdp = upstreamUdp;
    this.tcp = tcp;
    AtomicInteger n = new AtomicInteger();
    ThreadFactory daemons =
        r -> {
          Thread t = new Thread(r, "faulty-dns-proxy-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    this.threads = Executors.newCachedThreadPool(daemons);
    this.timer = Executors.newSingleThreadScheduledExecutor(daemons);
    threads.execute(this::serveUdp);
    threads.execute(this::serveUpstreamReplies);
    threads.execute(this::serveTcp);
    timer.scheduleWithFixedDelay(this::forgetUnanswered, 1, 1, TimeUnit.SECONDS);
  }

  /** Starts a proxy in front of {@code upstream} (e.g. {@link LoopbackServer#address()}). */
  public static FaultyDnsProxy start(InetSocketAddress upstream) {
    for (int attempt = 0; attempt < 20; attempt++) {
      try {
        return start(upstream, LoopbackServer.freePort());
      } catch (UncheckedIOException raced) {
        // the port was taken meanwhile: try another
      }
    }
    throw new IllegalStateException("no free port for the DNS proxy on 127.0.0.1");
  }

  /**
   * Starts a proxy on 127.0.0.1 and the given port (UDP and TCP), e.g. 53 in a private network
   * namespace where the system resolver is pointed at 127.0.0.1.
   *
   * @throws UncheckedIOException if the port is taken
   */
  public static FaultyDnsProxy start(InetSocketAddress upstream, int port) {
    InetSocketAddress local = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    DatagramSocket udp = null;
    DatagramSocket up = null;
    try {
      udp = new DatagramSocket(local);
      up = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      ServerSocket tcp = new ServerSocket();
      tcp.setReuseAddress(true);
      tcp.bind(local, 50);
      return new FaultyDnsProxy(upstream, udp, up, tcp);
    } catch (IOException e) {
      if (udp != null) {
        udp.close();
      }
      if (up != null) {
        up.close();
      }
      throw new UncheckedIOException("cannot listen on " + local, e);
    }
  }

  /**
   * Holds every forwarded query (UDP and TCP) this long before sending it upstream; zero (the
   * default) forwards at once. Injected faults are answered without delay.
   */
  public FaultyDnsProxy delay(Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("negative delay: " + delay);
    }
    this.delayNanos = delay.toNanos();
    return this;
  }

  /** Where to send queries: 127.0.0.1 and the proxy's port (UDP and TCP). */
  public InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), udp.getLocalPort());
  }

  /** Breaks the answers for exactly this name (any type). Replaces an earlier rule for it. */
  public FaultyDnsProxy inject(String name, Fault fault) {
    exact.put(normalize(name), fault);
    return this;
  }

  /** Breaks the answers for this name and every name below it (any type). */
  public FaultyDnsProxy injectBelow(String suffix, Fault fault) {
    suffixes.add(Map.entry(normalize(suffix), fault));
    return this;
  }

  /** Removes every rule and resets the counters: everything is forwarded again. */
  public void clear() {
    exact.clear();
    suffixes.clear();
    injected.set(0);
    forwarded.set(0);
  }

  /** Queries that met a fault since the start or the last {@link #clear()}. */
  public int injected() {
    return injected.get();
  }

  /** Queries forwarded to the upstream server since the start or the last {@link #clear()}. */
  public int forwarded() {
    return forwarded.get();
  }

  /** The fault for a query name, if a rule matches it. */
  public Optional<Fault> faultFor(String name) {
    String n = normalize(name);
    Fault f = exact.get(n);
    if (f != null) {
      return Optional.of(f);
    }
    Map.Entry<String, Fault> best = null;
    for (Map.Entry<String, Fault> rule : suffixes) {
      String s = rule.getKey();
      if ((n.equals(s) || n.endsWith("." + s))
          && (best == null || s.length() > best.getKey().length())) {
        best = rule;
      }
    }
    return best == null ? Optional.empty() : Optional.of(best.getValue());
  }

  // ---------------------------------------------------------------- UDP

  private void serveUdp() {
    byte[] buffer = new byte[65_535];
    while (!closed) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        udp.receive(packet);
      } catch (IOException e) {
        if (closed) {
          return;
        }
        continue;
      }
      byte[] query = java.util.Arrays.copyOf(packet.getData(), packet.getLength());
      InetSocketAddress client = (InetSocketAddress) packet.getSocketAddress();
      if (exact.isEmpty() && suffixes.isEmpty() && query.length >= 12) {
        // no rule to match: forward without parsing (a delaying proxy in front of a busy server
        // must not be the bottleneck itself)
        forwarded.incrementAndGet();
        forwardUdp(query, client);
        continue;
      }
      Message parsed = parse(query);
      if (parsed == null || parsed.getQuestion() == null) {
        continue; // not a query we understand: drop it
      }
      Optional<Fault> fault = faultFor(parsed.getQuestion().getName().toString());
      if (fault.isEmpty()) {
        forwarded.incrementAndGet();
        forwardUdp(query, client);
        continue;
      }
      injected.incrementAndGet();
      byte[] reply = faultyReply(parsed, query, fault.get());
      if (reply != null) {
        sendUdp(reply, client);
      }
    }
  }

  /** Sends a query upstream under an ID of the proxy's, after the delay if one is set. */
  private void forwardUdp(byte[] query, InetSocketAddress client) {
    int id = nextId.getAndIncrement() & 0xffff;
    int clientId = ((query[0] & 0xff) << 8) | (query[1] & 0xff);
    forwards.put(id, new Forward(client, clientId, System.nanoTime()));
    query[0] = (byte) (id >>> 8);
    query[1] = (byte) id;
    long delay = delayNanos;
    if (delay <= 0) {
      sendUpstream(query);
      return;
    }
    try {
      timer.schedule(() -> sendUpstream(query), delay, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closing) {
      // closing: the client times out
    }
  }

  private void sendUpstream(byte[] query) {
    try {
      upstreamUdp.send(new DatagramPacket(query, query.length, upstream));
    } catch (IOException e) {
      // closing, or upstream unreachable: the client times out, as it would without the proxy
    }
  }

  /** Hands each upstream reply to the client that asked, under the client's ID. */
  private void serveUpstreamReplies() {
    byte[] buffer = new byte[65_535];
    while (!closed) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        upstreamUdp.receive(packet);
      } catch (IOException e) {
        if (closed) {
          return;
        }
        continue;
      }
      if (packet.getLength() < 12 || !upstream.equals(packet.getSocketAddress())) {
        continue;
      }
      byte[] reply = java.util.Arrays.copyOf(packet.getData(), packet.getLength());
      Forward f = forwards.remove(((reply[0] & 0xff) << 8) | (reply[1] & 0xff));
      if (f == null) {
        continue; // late, or not ours
      }
      reply[0] = (byte) (f.clientId() >>> 8);
      reply[1] = (byte) f.clientId();
      sendUdp(reply, f.client());
    }
  }

  /** Drops the forwards upstream never answered (the client has long timed out). */
  private void forgetUnanswered() {
    long now = System.nanoTime();
    forwards.values().removeIf(f -> now - f.sentNanos() > TimeUnit.SECONDS.toNanos(10));
  }

  private void sendUdp(byte[] reply, InetSocketAddress client) {
    try {
      udp.send(new DatagramPacket(reply, reply.length, client));
    } catch (IOException e) {
      // closing, or the client went away
    }
  }

  // ---------------------------------------------------------------- TCP

  private void serveTcp() {
    while (!closed) {
      Socket s;
      try {
        s = tcp.accept();
      } catch (IOException e) {
        if (closed) {
          return;
        }
        continue;
      }
      connections.add(s);
      threads.execute(() -> serveConnection(s));
    }
  }

  private void serveConnection(Socket s) {
    try (s) {
      DataInputStream in = new DataInputStream(s.getInputStream());
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      while (!closed) {
        byte[] query = readFrame(in);
        Message parsed = parse(query);
        if (parsed == null || parsed.getQuestion() == null) {
          return;
        }
        Optional<Fault> fault = faultFor(parsed.getQuestion().getName().toString());
        byte[] reply;
        if (fault.isEmpty()) {
          forwarded.incrementAndGet();
          reply = forwardTcp(query);
        } else {
          injected.incrementAndGet();
          if (fault.get() == Fault.TRUNCATED_TCP_RESET) {
            s.setSoLinger(true, 0); // close() now sends RST instead of FIN
            return;
          }
          reply = faultyReply(parsed, query, fault.get());
        }
        if (reply != null) {
          writeFrame(out, reply);
        }
      }
    } catch (IOException e) {
      // client closed, or the proxy is closing
    } finally {
      connections.remove(s);
    }
  }

  private byte[] forwardTcp(byte[] query) throws IOException {
    long delay = delayNanos;
    if (delay > 0) {
      try {
        TimeUnit.NANOSECONDS.sleep(delay); // one thread per connection: it may wait
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("closing", e);
      }
    }
    try (Socket up = new Socket()) {
      up.connect(upstream, 5_000);
      up.setSoTimeout(5_000);
      writeFrame(new DataOutputStream(up.getOutputStream()), query);
      return readFrame(new DataInputStream(up.getInputStream()));
    }
  }

  private static byte[] readFrame(DataInputStream in) throws IOException {
    int length = in.readUnsignedShort();
    byte[] frame = new byte[length];
    in.readFully(frame);
    return frame;
  }

  private static void writeFrame(DataOutputStream out, byte[] frame) throws IOException {
    out.writeShort(frame.length);
    out.write(frame);
    out.flush();
  }

  // ---------------------------------------------------------------- faults

  /** The reply for a fault, or null for none (silence). */
  private static byte[] faultyReply(Message query, byte[] wire, Fault fault) {
    switch (fault) {
      case SERVFAIL:
        return reply(query, Rcode.SERVFAIL, query.getQuestion()).toWire();
      case REFUSED:
        return reply(query, Rcode.REFUSED, query.getQuestion()).toWire();
      case SILENCE:
        return null;
      case TRUNCATED_TCP_RESET:
        {
          Message m = reply(query, Rcode.NOERROR, query.getQuestion());
          m.getHeader().setFlag(Flags.TC);
          return m.toWire();
        }
      case MALFORMED:
        return malformed(wire);
      case WRONG_QUESTION:
      default:
        return wrongQuestion(query);
    }
  }

  private static Message reply(Message query, int rcode, Record question) {
    Message m = new Message(query.getHeader().getID());
    m.getHeader().setFlag(Flags.QR);
    m.getHeader().setFlag(Flags.AA);
    if (query.getHeader().getFlag(Flags.RD)) {
      m.getHeader().setFlag(Flags.RD);
    }
    m.getHeader().setRcode(rcode);
    m.addRecord(question, Section.QUESTION);
    return m;
  }

  /** The query's ID and a reply header claiming a question and an answer, then a broken label. */
  private static byte[] malformed(byte[] query) {
    byte[] garbage = {
      query[0],
      query[1], // the query's ID
      (byte) 0x85,
      (byte) 0x80, // QR, AA, RD, RA, NOERROR
      0,
      1,
      0,
      1,
      0,
      0,
      0,
      0, // one question, one answer
      63,
      'g',
      'a',
      'r',
      'b',
      'a',
      'g',
      'e' // a 63-octet label cut short
    };
    return garbage;
  }

  private static byte[] wrongQuestion(Message query) {
    Record asked = query.getQuestion();
    try {
      Name other = Name.fromString(WRONG_NAME);
      Message m =
          reply(query, Rcode.NOERROR, Record.newRecord(other, asked.getType(), asked.getDClass()));
      Record answer = tempting(other, asked.getType());
      if (answer != null) {
        m.addRecord(answer, Section.ANSWER);
      }
      return m.toWire();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Record tempting(Name name, int type) throws IOException {
    Name target = Name.fromString("mail." + WRONG_NAME);
    switch (type) {
      case Type.A:
        return new ARecord(
            name, DClass.IN, 300, InetAddress.getByAddress(new byte[] {127, 0, 0, 2}));
      case Type.AAAA:
        return new AAAARecord(name, DClass.IN, 300, InetAddress.getByName("::2"));
      case Type.TXT:
        return new TXTRecord(name, DClass.IN, 300, "v=spf1 +all");
      case Type.MX:
        return new MXRecord(name, DClass.IN, 300, 10, target);
      case Type.PTR:
        return new PTRRecord(name, DClass.IN, 300, target);
      default:
        return null;
    }
  }

  private static Message parse(byte[] wire) {
    try {
      return new Message(wire);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static String normalize(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".") && n.length() > 1 ? n.substring(0, n.length() - 1) : n;
  }

  /** Stops serving; open connections are closed. Idempotent. */
  @Override
  public void close() {
    closed = true;
    udp.close();
    upstreamUdp.close();
    timer.shutdownNow();
    try {
      tcp.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (Socket s : connections) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    threads.shutdownNow();
    try {
      threads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "FaultyDnsProxy["
        + address().getPort()
        + " -> "
        + upstream.getPort()
        + ", exact="
        + exact
        + ", below="
        + suffixes
        + "]";
  }
}
