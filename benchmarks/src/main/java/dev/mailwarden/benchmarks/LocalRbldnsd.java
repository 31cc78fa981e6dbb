package dev.mailwarden.benchmarks;

import dev.mailwarden.testing.LoopbackServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real rbldnsd (Debian package {@code rbldnsd}) on 127.0.0.1 and a free high port, for the
 * benchmarks that measure the network path. Each zone is served as an {@code ip4set} from the given
 * data lines.
 *
 * <pre>{@code
 * try (LocalRbldnsd dns = LocalRbldnsd.start(Map.of("bl.test", List.of("127.0.0.2")))) {
 *   NetworkResolver.builder().server(dns.address()).build();
 * }
 * }</pre>
 */
public final class LocalRbldnsd implements AutoCloseable {
  private final LoopbackServer server;
  private final Path dir;

  private LocalRbldnsd(LoopbackServer server, Path dir) {
    this.server = server;
    this.dir = dir;
  }

  /** Starts rbldnsd serving {@code zone → ip4set lines}; throws if it is not installed. */
  public static LocalRbldnsd start(Map<String, List<String>> ip4setZones) {
    return start(ip4setZones, LoopbackServer.freePort());
  }

  /**
   * Starts rbldnsd on 127.0.0.1 and the given port, e.g. 53 inside the private network namespace of
   * {@code benchmarks/coldcache.sh}, where the system resolver ({@code InetAddress}) can reach it.
   */
  public static LocalRbldnsd start(Map<String, List<String>> ip4setZones, int port) {
    Path binary = Path.of(System.getProperty("rbldnsd", "/usr/sbin/rbldnsd"));
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(
          binary + " not found: install the Debian package rbldnsd (or set -Drbldnsd=PATH)");
    }
    try {
      Path dir = Files.createTempDirectory("mailwarden-rbldnsd");
      // rbldnsd started as root drops to its own user: the data must be readable by it
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      List<String> zoneArgs = new ArrayList<>();
      int n = 0;
      for (Map.Entry<String, List<String>> zone : ip4setZones.entrySet()) {
        String file = "zone" + n++;
        Path data = dir.resolve(file);
        List<String> lines = new ArrayList<>();
        lines.add(
            "$SOA 60 ns."
                + zone.getKey()
                + " hostmaster."
                + zone.getKey()
                + " 1 3600 600 86400 60");
        lines.add(":127.0.0.2:listed");
        lines.addAll(zone.getValue());
        Files.write(data, lines);
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rw-r--r--"));
        zoneArgs.add(zone.getKey() + ":ip4set:" + file);
      }
      LoopbackServer server =
          LoopbackServer.start(
              dir,
              port,
              p -> {
                List<String> cmd =
                    new ArrayList<>(
                        List.of(
                            binary.toString(),
                            "-n",
                            "-b",
                            "127.0.0.1/" + p,
                            "-w",
                            dir.toString(),
                            "-t",
                            "60"));
                cmd.addAll(zoneArgs);
                return cmd;
              },
              LoopbackServer.Probe.ALIVE,
              Duration.ofSeconds(10));
      return new LocalRbldnsd(server, dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where rbldnsd answers (UDP). */
  public InetSocketAddress address() {
    return server.address();
  }

  /** The port rbldnsd listens on. */
  public int port() {
    return server.port();
  }

  @Override
  public void close() {
    server.close();
  }

  @Override
  public String toString() {
    return "rbldnsd@" + address() + " in " + dir;
  }
}
