package dev.mailwarden.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real server process (nsd, rbldnsd, redis-server, ...) started by a test on 127.0.0.1 and a free
 * high port, stopped by {@link #close()}. Output goes to a log file in the given work directory,
 * shown when the server fails to start.
 *
 * <pre>{@code
 * try (LoopbackServer redis = LoopbackServer.start(
 *     dir, port -> List.of(redisBinary.toString(), "--port", Integer.toString(port)),
 *     LoopbackServer.Probe.TCP, Duration.ofSeconds(10))) { ... }
 * }</pre>
 */
public final class LoopbackServer implements AutoCloseable {
  /** How to tell that the server is ready. */
  public enum Probe {
    /** A TCP connect to the port succeeds. */
    TCP,
    /** Only wait for the process to stay alive briefly (UDP-only servers). */
    ALIVE
  }

  /** Builds the command line for a port. */
  @FunctionalInterface
  public interface Command {
    List<String> forPort(int port);
  }

  private final Process process;
  private final int port;
  private final Path log;

  private LoopbackServer(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Starts the server and waits until it is ready; throws with its log if it is not. */
  public static LoopbackServer start(Path workDir, Command command, Probe probe, Duration timeout) {
    return start(workDir, freePort(), command, probe, timeout);
  }

  /** Starts the server on a given port. */
  public static LoopbackServer start(
      Path workDir, int port, Command command, Probe probe, Duration timeout) {
    try {
      Files.createDirectories(workDir);
      Path log = Files.createTempFile(workDir, "server-", ".log");
      List<String> cmd = new ArrayList<>(command.forPort(port));
      Process p =
          new ProcessBuilder(cmd)
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      LoopbackServer server = new LoopbackServer(p, port, log);
      server.awaitReady(probe, timeout, cmd);
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitReady(Probe probe, Duration timeout, List<String> cmd) {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      if (!process.isAlive() && probe == Probe.TCP) {
        break;
      }
      if (probe == Probe.TCP) {
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
          return;
        } catch (IOException notYet) {
          // retry
        }
      } else if (System.nanoTime() > end - timeout.toNanos() + Duration.ofMillis(500).toNanos()) {
        if (process.isAlive()) {
          return;
        }
        break;
      }
      sleep(50);
    }
    String output = readLog();
    process.destroyForcibly();
    throw new IllegalStateException(
        "server did not become ready within "
            + timeout
            + ": "
            + String.join(" ", cmd)
            + "\n"
            + output);
  }

  /** The port it listens on (127.0.0.1). */
  public int port() {
    return port;
  }

  /** The address it listens on. */
  public InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
  }

  /** True while the process runs. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** What the server printed so far. */
  public String readLog() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Stops the server (SIGTERM, then SIGKILL after 5 s). Idempotent. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  /** A port that is free for both TCP and UDP on 127.0.0.1 right now (ephemeral range). */
  @SuppressWarnings("try") // the UDP socket is opened only to prove the port is free
  public static int freePort() {
    for (int attempt = 0; attempt < 50; attempt++) {
      try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        int port = tcp.getLocalPort();
        try (DatagramSocket udp =
            new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
          return port;
        } catch (IOException udpTaken) {
          // try another
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw new IllegalStateException("no free port found on 127.0.0.1");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a server", e);
    }
  }

  @Override
  public String toString() {
    return "LoopbackServer[127.0.0.1:" + port + (process.isAlive() ? "" : ", stopped") + "]";
  }
}
