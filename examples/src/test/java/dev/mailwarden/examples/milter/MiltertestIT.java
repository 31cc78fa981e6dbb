package dev.mailwarden.examples.milter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.testing.Environment;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's {@code miltertest} (OpenDKIM's Lua-scripted milter client) drives the real {@code java
 * -jar target/mailwarden.jar milter} through {@code miltertest.lua} from the test resources, over
 * TCP and over a UNIX-domain socket.
 */
class MiltertestIT {
  @TempDir Path dir;

  @Test
  void miltertestScript_passesOverTcp() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String out =
        runScript("127.0.0.1:" + port, "inet:" + port + "@127.0.0.1", () -> canConnect(port));
    assertThat(out)
        .contains("ok: option negotiation")
        .contains("ok: abort mid-message")
        .contains("ok: body chunks of 200000 random bytes")
        .contains("miltertest.lua: all checks passed");
  }

  @Test
  void miltertestScript_passesOverAUnixSocket() throws Exception {
    Path sock = dir.resolve("milter.sock");
    String out = runScript("unix:" + sock, "unix:" + sock, () -> Files.exists(sock));
    assertThat(out).contains("miltertest.lua: all checks passed");
  }

  private String runScript(String listen, String sockSpec, java.util.function.BooleanSupplier ready)
      throws Exception {
    Path miltertest = Environment.requireBinary("miltertest", "miltertest");
    Path jar = Path.of("target", "mailwarden.jar").toAbsolutePath();
    assertThat(jar).as("the packaged jar (failsafe runs after package)").exists();
    Path zone = dir.resolve("miltertest.zone");
    Path script = dir.resolve("miltertest.lua");
    copy("miltertest.zone", zone);
    copy("miltertest.lua", script);
    Path config = dir.resolve("milter.conf");
    Files.writeString(
        config,
        String.join(
            "\n",
            "authserv-id = mx.test.example",
            "zone = " + zone,
            "dnsbl = bl.example*6",
            "helo = off",
            ""));
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process milter =
        new ProcessBuilder(
                java.toString(),
                "-jar",
                jar.toString(),
                "milter",
                "--listen",
                listen,
                "--config",
                config.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("milter.log").toFile())
            .start();
    try {
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!ready.getAsBoolean() && System.nanoTime() < until && milter.isAlive()) {
        Thread.sleep(100);
      }
      assertThat(ready.getAsBoolean()).as("milter listening; its log: %s", log()).isTrue();
      Process p =
          new ProcessBuilder(
                  miltertest.toString(), "-D", "sock=" + sockSpec, "-s", script.toString())
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as("miltertest output:\n%s\nmilter log:\n%s", out, log()).isZero();
      return out;
    } finally {
      milter.destroy(); // SIGTERM: the shutdown hook closes the server
      if (!milter.waitFor(20, TimeUnit.SECONDS)) {
        milter.destroyForcibly();
      }
    }
  }

  private String log() {
    try {
      return Files.readString(dir.resolve("milter.log"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private void copy(String resource, Path to) throws IOException {
    try (InputStream in = MiltertestIT.class.getResourceAsStream(resource)) {
      Files.copy(in, to);
    }
  }

  private static boolean canConnect(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
