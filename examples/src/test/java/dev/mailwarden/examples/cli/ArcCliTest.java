package dev.mailwarden.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.auth.arc.Arc;
import dev.mailwarden.auth.arc.ArcResult;
import dev.mailwarden.auth.arc.ArcStatus;
import dev.mailwarden.auth.dkim.DkimKeyPair;
import dev.mailwarden.auth.dkim.DkimKeys;
import dev.mailwarden.dns.ZoneResolver;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;

/** {@code mailwarden arc seal} and the {@code arc=} clause of {@code check}. */
@ResourceLock(Resources.SYSTEM_OUT)
class ArcCliTest {
  private static final DkimKeyPair KEY = DkimKeys.rsa(2048);
  private static final String MESSAGE =
      "Authentication-Results: lists.example.org; arc=none; spf=pass smtp.mailfrom=example.com\r\n"
          + "From: alice@example.com\r\nTo: list@lists.example.org\r\nSubject: hi\r\n\r\nHello.\r\n";

  @TempDir Path dir;
  private Path keyFile;
  private Path zoneFile;
  private ZoneResolver zone;

  private record Run(int exit, String out, String err) {}

  @BeforeEach
  void keys() throws Exception {
    keyFile = dir.resolve("arc.pem");
    Files.writeString(keyFile, KEY.privateKeyPem());
    zoneFile = dir.resolve("arc.zone");
    Files.writeString(
        zoneFile,
        KEY.zoneFileLine("arc", "lists.example.org")
            + "\n"
            + KEY.zoneFileLine("arc", "fwd.example.net")
            + "\n");
    zone =
        ZoneResolver.builder()
            .txt("arc._domainkey.lists.example.org", KEY.txtRecord())
            .txt("arc._domainkey.fwd.example.net", KEY.txtRecord())
            .build();
  }

  private Run run(String... args) {
    PrintStream saved = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code;
    try {
      System.setOut(new PrintStream(bytes, true, StandardCharsets.ISO_8859_1));
      code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
    } finally {
      System.setOut(saved);
    }
    return new Run(code, bytes.toString(StandardCharsets.ISO_8859_1) + out, err.toString());
  }

  private Path file(String name, String content) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, content, StandardCharsets.ISO_8859_1);
    return p;
  }

  private ArcResult verify(String message) throws Exception {
    return Arc.check()
        .verify(message.getBytes(StandardCharsets.ISO_8859_1), zone)
        .get(10, TimeUnit.SECONDS);
  }

  @Test
  void seal_cvFromTheArResult_aarCarriesTheResults_andVerifies() throws Exception {
    Run r =
        run(
            "arc",
            "seal",
            "--domain",
            "lists.example.org",
            "--selector",
            "arc",
            "--key",
            keyFile.toString(),
            "--authserv-id",
            "lists.example.org",
            "--zone",
            zoneFile.toString(),
            file("m.eml", MESSAGE).toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out())
        .startsWith("ARC-Seal: ")
        .contains("cv=none")
        .contains("ARC-Authentication-Results: i=1; lists.example.org;")
        .contains("spf=pass smtp.mailfrom=example.com")
        .endsWith(MESSAGE);
    assertThat(verify(r.out()).status()).isEqualTo(ArcStatus.PASS);
  }

  @Test
  void secondHop_withoutArResult_verifiesTheChainThroughDns_andSealsPass() throws Exception {
    String first =
        run(
                "arc",
                "seal",
                "--domain",
                "lists.example.org",
                "--selector",
                "arc",
                "--key",
                keyFile.toString(),
                "--authserv-id",
                "lists.example.org",
                "--cv",
                "none",
                file("m.eml", MESSAGE).toString())
            .out();
    Run second =
        run(
            "arc",
            "seal",
            "--domain",
            "fwd.example.net",
            "--selector",
            "arc",
            "--key",
            keyFile.toString(),
            "--authserv-id",
            "fwd.example.net",
            "--zone",
            zoneFile.toString(),
            file("m2.eml", first).toString());
    assertThat(second.exit()).as(second.err()).isZero();
    assertThat(second.out()).contains("i=2").contains("cv=pass");
    ArcResult r = verify(second.out());
    assertThat(r.status()).isEqualTo(ArcStatus.PASS);
    assertThat(r.instanceCount()).isEqualTo(2);

    String tampered = first.replace("Hello.", "Buy now.");
    Run third =
        run(
            "arc",
            "seal",
            "--domain",
            "fwd.example.net",
            "--selector",
            "arc",
            "--key",
            keyFile.toString(),
            "--authserv-id",
            "fwd.example.net",
            "--zone",
            zoneFile.toString(),
            file("m3.eml", tampered).toString());
    assertThat(third.out()).contains("cv=fail");
  }

  @Test
  void seal_badCv_isUsageError() throws Exception {
    Run r =
        run(
            "arc",
            "seal",
            "--domain",
            "lists.example.org",
            "--selector",
            "arc",
            "--key",
            keyFile.toString(),
            "--authserv-id",
            "lists.example.org",
            "--cv",
            "maybe",
            file("m.eml", MESSAGE).toString());
    assertThat(r.exit()).isEqualTo(64);
    Run pass =
        run(
            "arc",
            "seal",
            "--domain",
            "lists.example.org",
            "--selector",
            "arc",
            "--key",
            keyFile.toString(),
            "--authserv-id",
            "lists.example.org",
            "--cv",
            "pass",
            file("m.eml", MESSAGE).toString());
    assertThat(pass.exit()).as("cv=pass without a chain").isEqualTo(64);
  }

  @Test
  void check_withMessage_reportsArc() throws Exception {
    String sealed =
        run(
                "arc",
                "seal",
                "--domain",
                "lists.example.org",
                "--selector",
                "arc",
                "--key",
                keyFile.toString(),
                "--authserv-id",
                "lists.example.org",
                "--cv",
                "none",
                file("m.eml", MESSAGE).toString())
            .out();
    Run r =
        run(
            "check",
            "--client-ip",
            "192.0.2.3",
            "--mail-from",
            "a@example.com",
            "--no-helo",
            "--no-spf",
            "--zone",
            zoneFile.toString(),
            file("s.eml", sealed).toString());
    assertThat(r.out()).contains("arc=pass");
  }
}
