package dev.mailwarden.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real authoritative NSD (Debian package {@code nsd}) on 127.0.0.1 and a free port, serving the
 * given zones from files in {@code dir}. Skips the test (fails under CI) when NSD is missing.
 */
public final class NsdServer {
  private NsdServer() {}

  /**
   * Starts NSD.
   *
   * @param dir a work directory holding the zone files
   * @param zones zone name (e.g. {@code example.com}) to its zone file name inside {@code dir}
   */
  public static LoopbackServer start(Path dir, Map<String, String> zones) {
    return start(dir, LoopbackServer.freePort(), zones);
  }

  /**
   * Starts NSD on a given port, e.g. the port of an instance stopped earlier, to simulate an outage
   * and a restart: {@code nsd.close(); ... nsd = NsdServer.start(dir, nsd.port(), zones);}
   */
  public static LoopbackServer start(Path dir, int port, Map<String, String> zones) {
    Path binary = Environment.requireBinary("nsd", "nsd");
    return LoopbackServer.start(
        dir,
        port,
        p -> List.of(binary.toString(), "-d", "-c", writeConfig(dir, p, zones).toString()),
        LoopbackServer.Probe.TCP,
        Duration.ofSeconds(15));
  }

  private static Path writeConfig(Path dir, int port, Map<String, String> zones) {
    String d = dir.toAbsolutePath().toString();
    StringBuilder conf =
        new StringBuilder()
            .append("server:\n")
            .append("  ip-address: 127.0.0.1@")
            .append(port)
            .append('\n')
            .append("  username: \"\"\n")
            .append("  chroot: \"\"\n")
            .append("  zonesdir: \"")
            .append(d)
            .append("\"\n")
            .append("  pidfile: \"")
            .append(d)
            .append("/nsd.pid\"\n")
            .append("  database: \"\"\n")
            .append("  xfrdfile: \"")
            .append(d)
            .append("/xfrd.state\"\n")
            .append("  zonelistfile: \"")
            .append(d)
            .append("/zone.list\"\n")
            .append("  xfrdir: \"")
            .append(d)
            .append("\"\n")
            .append("  server-count: 1\n")
            // Debian's NSD rate-limits answers per client (RRL) by default: off for tests
            .append("  rrl-ratelimit: 0\n")
            .append("  rrl-whitelist-ratelimit: 0\n")
            .append("  verbosity: 1\n")
            .append("remote-control:\n")
            .append("  control-enable: no\n");
    zones.forEach(
        (name, file) ->
            conf.append("zone:\n  name: ")
                .append(name)
                .append("\n  zonefile: ")
                .append(file)
                .append('\n'));
    try {
      return Files.writeString(dir.resolve("nsd.conf"), conf, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
