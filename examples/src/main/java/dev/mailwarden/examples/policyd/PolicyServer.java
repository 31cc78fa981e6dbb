package dev.mailwarden.examples.policyd;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP server speaking the Postfix policy delegation protocol: many requests per connection,
 * each answered with one {@code action=...} line and an empty line. One thread per connection,
 * at most {@code maxConnections} at once (further connections are closed at once), an idle
 * timeout per connection, and a clean {@link #close()} that stops accepting and waits briefly
 * for requests in progress.
 */
public final class PolicyServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PolicyServer.class);

  private final ServerSocket server;
  private final PolicyDecider decider;
  private final Duration idleTimeout;
  private final Semaphore slots;
  private final ExecutorService connections;
  private final Thread acceptor;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger ids = new AtomicInteger();
  private volatile boolean closing;

  private PolicyServer(ServerSocket server, PolicyDecider decider, Duration idleTimeout, int maxConnections) {
    this.server = server;
    this.decider = decider;
    this.idleTimeout = idleTimeout;
    this.slots = new Semaphore(maxConnections);
    AtomicInteger threads = new AtomicInteger();
    this.connections =
        Executors.newFixedThreadPool(
            maxConnections,
            r -> {
              Thread t = new Thread(r, "policyd-conn-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.acceptor = new Thread(this::acceptLoop, "policyd-accept");
    this.acceptor.setDaemon(true);
  }

  /** Binds and starts serving. */
  public static PolicyServer start(
      InetSocketAddress listen, PolicyDecider decider, Duration idleTimeout, int maxConnections)
      throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(listen, 128);
    PolicyServer p = new PolicyServer(s, decider, idleTimeout, maxConnections);
    p.acceptor.start();
    LOG.info("policyd listening on {}:{}", listen.getAddress().getHostAddress(), s.getLocalPort());
    return p;
  }

  /** The port actually bound (useful with port 0). */
  public int port() {
    return server.getLocalPort();
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
      if (!slots.tryAcquire()) {
        LOG.warn("connection limit reached; closing connection from {}", socket.getRemoteSocketAddress());
        closeQuietly(socket);
        continue;
      }
      open.add(socket);
      int id = ids.incrementAndGet();
      connections.execute(
          () -> {
            try {
              serve(socket, id);
            } finally {
              open.remove(socket);
              closeQuietly(socket);
              slots.release();
            }
          });
    }
  }

  private void serve(Socket socket, int id) {
    try {
      socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, idleTimeout.toMillis()));
      PolicyRequestReader reader = new PolicyRequestReader(new BufferedInputStream(socket.getInputStream()));
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
        out.write(("action=" + action + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
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
    open.forEach(PolicyServer::closeQuietly);
    connections.shutdown();
    try {
      connections.awaitTermination(5, TimeUnit.SECONDS);
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
