package dev.mailwarden.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mailwarden milter}: usage and configuration errors exit before anything listens. */
class MilterCliTest {
  @TempDir Path dir;

  private static int run(StringWriter err, String... args) {
    return Main.run(args, new PrintWriter(new StringWriter()), new PrintWriter(err));
  }

  @Test
  void help_namesTheContractOptions() {
    StringWriter out = new StringWriter();
    int code =
        Main.run(
            new String[] {"milter", "--help"},
            new PrintWriter(out),
            new PrintWriter(new StringWriter()));
    assertThat(code).isZero();
    assertThat(out.toString()).contains("--listen").contains("unix:PATH").contains("--config");
  }

  @Test
  void badConfiguration_isAUsageError() throws Exception {
    Path cfg = dir.resolve("milter.conf");
    Files.writeString(cfg, "on-error = sometimes\n");
    StringWriter err = new StringWriter();
    assertThat(run(err, "milter", "--config", cfg.toString(), "--listen", "127.0.0.1:0"))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("on-error");
  }

  @Test
  void unreadableDkimKey_isAnInputError_andABadListenAUsageError() throws Exception {
    Path cfg = dir.resolve("milter.conf");
    Files.writeString(cfg, "dkim-sign = example.org:s1:" + dir.resolve("missing.pem") + "\n");
    StringWriter err = new StringWriter();
    assertThat(run(err, "milter", "--config", cfg.toString(), "--listen", "127.0.0.1:0"))
        .isEqualTo(ExitCodes.NO_INPUT);
    assertThat(err.toString()).contains("missing.pem");
    assertThat(run(new StringWriter(), "milter", "--listen", "localhost:10041"))
        .isEqualTo(ExitCodes.USAGE);
  }
}
