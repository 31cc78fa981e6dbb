package dev.mailwarden.examples.milter;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the milter protocol on TCP or a UNIX-domain socket: one thread per MTA connection, at most
 * {@code maxConnections} at once (further connections are closed at once, and Postfix applies its
 * {@code milter_default_action}), each closed after {@code idleTimeout} without a command. A
 * protocol error (a frame over the cap, cut short, malformed or unknown) is answered with the
 * on-error response and the connection is closed. {@link #close()} stops every thread it started.
 */
public final class MilterServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MilterServer.class);

  private final ServerSocketChannel server;
  private final SocketAddress bound;
  private final Supplier<MilterSession> sessions;
  private final int maxFrame;
  private final Duration idleTimeout;
  private final Semaphore slots;
  private final ExecutorService connections;
  private final ScheduledExecutorService reaper;
  private final Thread acceptor;
  private final Map<SocketChannel, long[]> open = new ConcurrentHashMap<>();
  private final AtomicInteger ids = new AtomicInteger();
  private volatile boolean closing;

  private MilterServer(
      ServerSocketChannel server,
      Supplier<MilterSession> sessions,
      int maxFrame,
      Duration idleTimeout,
      int maxConnections)
      throws IOException {
    this.server = server;
    this.bound = server.getLocalAddress();
    this.sessions = sessions;
    this.maxFrame = maxFrame;
    this.idleTimeout = idleTimeout;
    this.slots = new Semaphore(maxConnections);
    AtomicInteger threads = new AtomicInteger();
    this.connections =
        Executors.newFixedThreadPool(
            maxConnections,
            r -> {
              Thread t = new Thread(r, "milter-conn-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.reaper =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "milter-idle-reaper");
              t.setDaemon(true);
              return t;
            });
    this.acceptor = new Thread(this::acceptLoop, "milter-accept");
    this.acceptor.setDaemon(true);
  }

  /** Binds ({@link InetSocketAddress} or {@link UnixDomainSocketAddress}) and starts serving. */
  public static MilterServer start(
      SocketAddress listen,
      Supplier<MilterSession> sessions,
      int maxFrame,
      Duration idleTimeout,
      int maxConnections)
      throws IOException {
    ServerSocketChannel ch;
    if (listen instanceof UnixDomainSocketAddress unix) {
      Path p = unix.getPath();
      if (Files.exists(p) && !Files.isRegularFile(p) && !Files.isDirectory(p)) {
        Files.delete(p); // a socket left by an earlier run
      }
      ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      ch.bind(listen, 128);
    } else {
      ch = ServerSocketChannel.open();
      ch.setOption(java.net.StandardSocketOptions.SO_REUSEADDR, true);
      ch.bind(listen, 128);
    }
    MilterServer s = new MilterServer(ch, sessions, maxFrame, idleTimeout, maxConnections);
    s.acceptor.start();
    long tick = Math.max(100, Math.min(1000, idleTimeout.toMillis() / 4));
    s.reaper.scheduleWithFixedDelay(s::closeIdle, tick, tick, TimeUnit.MILLISECONDS);
    LOG.info("milter listening on {}", s.bound);
    return s;
  }

  /** The bound address (with the actual port when 0 was asked for). */
  public SocketAddress address() {
    return bound;
  }

  /** The TCP port, or -1 on a UNIX-domain socket. */
  public int port() {
    return bound instanceof InetSocketAddress i ? i.getPort() : -1;
  }

  /** Connections open now. */
  public int openConnections() {
    return open.size();
  }

  private void acceptLoop() {
    while (!closing) {
      SocketChannel ch;
      try {
        ch = server.accept();
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        if (!closing) {
          LOG.warn("accept failed: {}", e.toString());
        }
        continue;
      }
      if (!slots.tryAcquire()) {
        LOG.warn("milter connection limit reached; closing a new connection");
        closeQuietly(ch);
        continue;
      }
      open.put(ch, new long[] {System.nanoTime()});
      int id = ids.incrementAndGet();
      try {
        connections.execute(
            () -> {
              try {
                serve(ch, id);
              } finally {
                open.remove(ch);
                closeQuietly(ch);
                slots.release();
              }
            });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        open.remove(ch);
        closeQuietly(ch);
        slots.release();
      }
    }
  }

  private void serve(SocketChannel ch, int id) {
    MilterSession session = sessions.get();
    MilterDecoder decoder = new MilterDecoder(maxFrame);
    long[] lastActivity = open.get(ch);
    try {
      InputStream in = new BufferedInputStream(Channels.newInputStream(ch), 1 << 16);
      OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 12);
      while (!closing && !session.finished()) {
        Optional<MilterRequest> request;
        try {
          request = decoder.read(in);
        } catch (MilterProtocolException e) {
          LOG.warn(
              "milter conn={} protocol error: {}; answering {} and closing",
              id,
              e.getMessage(),
              session.onError());
          session.onError().writeTo(out);
          out.flush();
          return;
        }
        if (request.isEmpty()) {
          return; // the MTA closed the connection
        }
        if (lastActivity != null) {
          lastActivity[0] = System.nanoTime();
        }
        List<MilterResponse> responses;
        try {
          responses = session.handle(request.get());
        } catch (MilterProtocolException e) {
          LOG.warn(
              "milter conn={} protocol error: {}; answering {} and closing",
              id,
              e.getMessage(),
              session.onError());
          session.onError().writeTo(out);
          out.flush();
          return;
        }
        for (MilterResponse r : responses) {
          r.writeTo(out);
        }
        if (!responses.isEmpty()) {
          out.flush();
        }
        if (lastActivity != null) {
          lastActivity[0] = System.nanoTime();
        }
      }
    } catch (IOException e) {
      if (!closing) {
        LOG.debug("milter conn={} closed: {}", id, e.toString());
      }
    } finally {
      session.close();
    }
  }

  private void closeIdle() {
    long now = System.nanoTime();
    long limit = idleTimeout.toNanos();
    open.forEach(
        (ch, last) -> {
          if (now - last[0] > limit) {
            LOG.info("milter connection idle for over {} s: closing", idleTimeout.toSeconds());
            closeQuietly(ch);
          }
        });
  }

  /** Stops accepting, closes every connection and stops the threads (waits up to 5 s). */
  @Override
  public void close() {
    if (closing) {
      return;
    }
    closing = true;
    closeQuietly(server);
    open.keySet().forEach(MilterServer::closeQuietly);
    reaper.shutdownNow();
    connections.shutdown();
    try {
      if (!connections.awaitTermination(5, TimeUnit.SECONDS)) {
        connections.shutdownNow();
      }
      acceptor.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      connections.shutdownNow();
    }
    if (bound instanceof UnixDomainSocketAddress unix) {
      try {
        Files.deleteIfExists(unix.getPath());
      } catch (IOException ignored) {
        // best effort
      }
    }
    LOG.info("milter stopped");
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // closing anyway
    }
  }
}
