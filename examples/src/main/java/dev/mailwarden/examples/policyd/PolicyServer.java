package dev.mailwarden.examples.policyd;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP server speaking the Postfix policy delegation protocol: many requests per connection, each
 * answered with one {@code action=...} line and an empty line. One thread per connection.
 *
 * <p>Hardened for whoever can reach the port ({@link Limits}): only clients in the allow-list
 * (default loopback) are served; at most {@code maxConnections} at once and {@code
 * maxConnectionsPerClient} per client address; when a limit is reached the longest-idle connection
 * (of that client, or of all) is closed to make room, so idle sockets cannot lock Postfix out; a
 * request must arrive whole within {@code requestTimeout} and an answer must be written within
 * {@code writeTimeout} (a watchdog thread owned by the server closes connections that overrun); an
 * idle connection is closed after {@code idleTimeout}. {@link #close()} stops accepting and waits
 * briefly for requests in progress.
 */
public final class PolicyServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PolicyServer.class);

  /**
   * The server's limits. Defaults: idle 300 s, request 10 s, write 10 s, 100 connections, 100 per
   * client, loopback clients only.
   */
  public record Limits(
      Duration idleTimeout,
      Duration requestTimeout,
      Duration writeTimeout,
      int maxConnections,
      int maxConnectionsPerClient,
      List<ClientNetwork> allowedClients) {
    public Limits {
      requirePositive(idleTimeout, "idleTimeout");
      requirePositive(requestTimeout, "requestTimeout");
      requirePositive(writeTimeout, "writeTimeout");
      if (maxConnections < 1 || maxConnectionsPerClient < 1) {
        throw new IllegalArgumentException("connection limits must be at least 1");
      }
      allowedClients = List.copyOf(allowedClients);
      if (allowedClients.isEmpty()) {
        throw new IllegalArgumentException("the client allow-list must not be empty");
      }
    }

    public static Limits defaults() {
      return new Limits(
          Duration.ofSeconds(300),
          Duration.ofSeconds(10),
          Duration.ofSeconds(10),
          100,
          100,
          ClientNetwork.LOOPBACK);
    }

    private static void requirePositive(Duration d, String name) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
    }
  }

  /** One connection's state, read by the watchdog and the acceptor. */
  private static final class Conn {
    final Socket socket;
    final InetAddress client;
    final int id;
    volatile long idleSince; // nanos; meaningful while busySince == 0
    volatile long
        requestSince; // nanos when the first byte of a request arrived, 0 between requests
    volatile long writeSince; // nanos when an answer started to be written, 0 otherwise

    Conn(Socket socket, int id, long now) {
      this.socket = socket;
      this.client = socket.getInetAddress();
      this.id = id;
      this.idleSince = now;
    }

    boolean idle() {
      return requestSince == 0 && writeSince == 0;
    }
  }

  private final ServerSocket server;
  private final PolicyDecider decider;
  private final Limits limits;
  private final ExecutorService connections;
  private final Thread acceptor;
  private final Thread watchdog;
  private final Object lock = new Object();
  private final List<Conn> open = new ArrayList<>(); // guarded by lock
  private final AtomicInteger ids = new AtomicInteger();
  private volatile boolean closing;

  private PolicyServer(ServerSocket server, PolicyDecider decider, Limits limits) {
    this.server = server;
    this.decider = decider;
    this.limits = limits;
    AtomicInteger threads = new AtomicInteger();
    this.connections =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "policyd-conn-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.acceptor = new Thread(this::acceptLoop, "policyd-accept");
    this.acceptor.setDaemon(true);
    this.watchdog = new Thread(this::watch, "policyd-watchdog");
    this.watchdog.setDaemon(true);
  }

  /** Binds and starts serving with default limits except these two. */
  public static PolicyServer start(
      InetSocketAddress listen, PolicyDecider decider, Duration idleTimeout, int maxConnections)
      throws IOException {
    Limits d = Limits.defaults();
    return start(
        listen,
        decider,
        new Limits(
            idleTimeout,
            d.requestTimeout(),
            d.writeTimeout(),
            maxConnections,
            maxConnections,
            d.allowedClients()));
  }

  /** Binds and starts serving. */
  public static PolicyServer start(InetSocketAddress listen, PolicyDecider decider, Limits limits)
      throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(listen, 128);
    PolicyServer p = new PolicyServer(s, decider, limits);
    p.acceptor.start();
    p.watchdog.start();
    LOG.info(
        "policyd listening on {}:{} for {}",
        listen.getAddress().getHostAddress(),
        s.getLocalPort(),
        limits.allowedClients());
    return p;
  }

  /** The port actually bound (useful with port 0). */
  public int port() {
    return server.getLocalPort();
  }

  /** Connections open now. */
  public int openConnections() {
    synchronized (lock) {
      return open.size();
    }
  }

  private boolean allowed(InetAddress client) {
    for (ClientNetwork n : limits.allowedClients()) {
      if (n.contains(client)) {
        return true;
      }
    }
    return false;
  }

  private void acceptLoop() {
    while (!closing) {
      Socket socket;
      try {
        socket = server.accept();
      } catch (IOException e) {
        if (!closing) {
          LOG.warn("accept failed: {}", e.toString());
        }
        continue;
      }
      if (!allowed(socket.getInetAddress())) {
        LOG.warn(
            "client {} is not in the allow-list; connection closed",
            socket.getInetAddress().getHostAddress());
        closeQuietly(socket);
        continue;
      }
      Conn conn = admit(socket);
      if (conn == null) {
        LOG.warn(
            "connection limit reached and no idle connection to close; refusing {}",
            socket.getRemoteSocketAddress());
        closeQuietly(socket);
        continue;
      }
      try {
        connections.execute(
            () -> {
              try {
                serve(conn);
              } finally {
                synchronized (lock) {
                  open.remove(conn);
                }
                closeQuietly(conn.socket);
              }
            });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        closeQuietly(socket); // closing
      }
    }
  }

  /**
   * Registers a new connection, first closing the longest-idle connection of the same client when
   * it is at its cap, else the longest-idle of all when every slot is taken; null when no
   * connection that would have to go is idle.
   */
  private Conn admit(Socket socket) {
    long now = System.nanoTime();
    InetAddress client = socket.getInetAddress();
    Conn victim = null;
    synchronized (lock) {
      int mine = 0;
      Conn mineIdlest = null;
      Conn idlest = null;
      for (Conn c : open) {
        boolean idle = c.idle();
        if (c.client.equals(client)) {
          mine++;
          if (idle && (mineIdlest == null || c.idleSince - mineIdlest.idleSince < 0)) {
            mineIdlest = c;
          }
        }
        if (idle && (idlest == null || c.idleSince - idlest.idleSince < 0)) {
          idlest = c;
        }
      }
      if (mine >= limits.maxConnectionsPerClient()) {
        victim = mineIdlest;
        if (victim == null) {
          return null;
        }
      } else if (open.size() >= limits.maxConnections()) {
        victim = idlest;
        if (victim == null) {
          return null;
        }
      }
      if (victim != null) {
        open.remove(victim);
      }
      Conn conn = new Conn(socket, ids.incrementAndGet(), now);
      open.add(conn);
      if (victim != null) {
        LOG.info(
            "conn={} closed after {} ms idle to make room for {}",
            victim.id,
            (now - victim.idleSince) / 1_000_000,
            client.getHostAddress());
        closeQuietly(victim.socket);
      }
      return conn;
    }
  }

  /** Closes connections whose request or answer overran its time; runs until close(). */
  private void watch() {
    long requestNanos = limits.requestTimeout().toNanos();
    long writeNanos = limits.writeTimeout().toNanos();
    long tick =
        Math.max(
            20,
            Math.min(
                1000,
                Math.min(limits.requestTimeout().toMillis(), limits.writeTimeout().toMillis())
                    / 4));
    while (!closing) {
      try {
        Thread.sleep(tick);
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      List<Conn> overdue = new ArrayList<>();
      synchronized (lock) {
        for (Conn c : open) {
          long r = c.requestSince;
          long w = c.writeSince;
          if ((r != 0 && now - r > requestNanos) || (w != 0 && now - w > writeNanos)) {
            overdue.add(c);
          }
        }
      }
      for (Conn c : overdue) {
        LOG.warn(
            "conn={} from {} closed: {} took longer than {}",
            c.id,
            c.client.getHostAddress(),
            c.writeSince != 0 ? "writing the answer" : "the request",
            c.writeSince != 0 ? limits.writeTimeout() : limits.requestTimeout());
        closeQuietly(c.socket);
      }
    }
  }

  private void serve(Conn conn) {
    Socket socket = conn.socket;
    int id = conn.id;
    try {
      socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, limits.idleTimeout().toMillis()));
      InputStream marking =
          new FilterInputStream(new BufferedInputStream(socket.getInputStream())) {
            @Override
            public int read() throws IOException {
              int b = super.read();
              if (b >= 0 && conn.requestSince == 0) {
                conn.requestSince =
                    System.nanoTime(); // the request's deadline runs from its first byte
              }
              return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
              int n = super.read(buf, off, len);
              if (n > 0 && conn.requestSince == 0) {
                conn.requestSince = System.nanoTime();
              }
              return n;
            }
          };
      PolicyRequestReader reader = new PolicyRequestReader(marking);
      OutputStream out = socket.getOutputStream();
      while (!closing) {
        Optional<PolicyRequestReader.Read> read = reader.next();
        if (read.isEmpty()) {
          return; // client closed
        }
        String action;
        if (read.get() instanceof PolicyRequestReader.Malformed bad) {
          LOG.warn("conn={} malformed request ({}): answering DUNNO", id, bad.reason());
          action = "DUNNO";
        } else {
          action = decide(((PolicyRequestReader.Ok) read.get()).request(), id);
        }
        conn.writeSince = System.nanoTime();
        out.write(("action=" + action + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        conn.idleSince = System.nanoTime();
        conn.writeSince = 0;
        conn.requestSince = 0;
      }
    } catch (SocketTimeoutException e) {
      LOG.debug("conn={} idle timeout", id);
    } catch (SocketException e) {
      if (!closing) {
        LOG.debug("conn={} closed: {}", id, e.getMessage());
      }
    } catch (IOException e) {
      LOG.warn("conn={} I/O error: {}", id, e.toString());
    }
  }

  private String decide(PolicyRequest request, int id) {
    try {
      String action = decider.decide(request);
      return PolicyActions.sanitize(action);
    } catch (RuntimeException e) {
      LOG.error("conn={} decision failed, answering DUNNO: {}", id, e.toString());
      return "DUNNO";
    }
  }

  /** Stops accepting, closes idle connections and waits up to 5 s for requests in progress. */
  @Override
  public void close() {
    if (closing) {
      return;
    }
    closing = true;
    closeQuietly(server);
    watchdog.interrupt();
    List<Conn> all;
    synchronized (lock) {
      all = new ArrayList<>(open);
    }
    for (Conn c : all) {
      if (c.idle()) {
        closeQuietly(c.socket);
      }
    }
    connections.shutdown();
    try {
      if (!connections.awaitTermination(5, TimeUnit.SECONDS)) {
        all.forEach(c -> closeQuietly(c.socket));
      }
      acceptor.join(1000);
      watchdog.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    connections.shutdownNow();
    LOG.info("policyd stopped");
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // closing anyway
    }
  }
}
