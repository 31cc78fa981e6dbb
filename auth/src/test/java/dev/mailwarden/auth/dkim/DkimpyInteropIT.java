package dev.mailwarden.auth.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mailwarden.testing.Environment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Our signatures verified by an independent implementation: dkimpy (Debian {@code python3-dkim}),
 * run as a subprocess with the key served from a dnsfunc, no network.
 */
class DkimpyInteropIT {
  private static final String SCRIPT =
      """
      import sys, dkim
      msg_path, name, record = sys.argv[1], sys.argv[2], sys.argv[3]
      def dnsfunc(qname, timeout=5):
          q = qname.decode() if isinstance(qname, bytes) else qname
          return record.encode() if q.rstrip('.').lower() == name else None
      with open(msg_path, 'rb') as f:
          message = f.read()
      ok = dkim.verify(message, dnsfunc=dnsfunc)
      print('PASS' if ok else 'FAIL')
      sys.exit(0 if ok else 1)
      """;

  private static Path python;

  @BeforeAll
  static void requireDkimpy() throws Exception {
    python = Environment.requireBinary("python3", "python3-dkim");
    Process p =
        new ProcessBuilder(python.toString(), "-c", "import dkim, nacl")
            .redirectErrorStream(true)
            .start();
    boolean present = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    String message =
        "python module 'dkim' (with 'nacl' for Ed25519) not importable by "
            + python
            + ": install the Debian packages 'python3-dkim python3-nacl'";
    if (!present && Environment.isCi()) {
      throw new AssertionError(message + " — required under CI=true");
    }
    assumeTrue(present, message);
  }

  @ParameterizedTest(name = "{0} {1}/{2}")
  @CsvSource({
    "rsa, RELAXED, RELAXED",
    "rsa, SIMPLE, SIMPLE",
    "rsa, RELAXED, SIMPLE",
    "ed25519, RELAXED, RELAXED",
    "ed25519, SIMPLE, RELAXED",
  })
  void ourSignature_verifiesWithDkimpy(
      String type, Canonicalization header, Canonicalization body, @TempDir Path dir)
      throws Exception {
    DkimKeyPair key = type.equals("rsa") ? DkimTestKeys.RSA : DkimTestKeys.ED;
    DkimSigner signer =
        DkimSigner.builder()
            .domain("example.com")
            .selector("interop")
            .privateKeyPem(key.privateKeyPem())
            .canonicalization(header, body)
            .build();
    byte[] signed = signer.signMessage(DkimTestKeys.message());
    assertThat(runDkimpy(dir, signed, key)).isEqualTo("PASS");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"rsa", "ed25519"})
  void tamperedMessage_failsWithDkimpy_soTheTestCanFail(String type, @TempDir Path dir)
      throws Exception {
    DkimKeyPair key = type.equals("rsa") ? DkimTestKeys.RSA : DkimTestKeys.ED;
    DkimSigner signer =
        DkimSigner.builder()
            .domain("example.com")
            .selector("interop")
            .privateKey(key.privateKey())
            .build();
    byte[] tampered =
        DkimTestKeys.withBody(signer.signMessage(DkimTestKeys.message()), "Hello Bob", "Hello Eve");
    assertThat(runDkimpy(dir, tampered, key)).isEqualTo("FAIL");
  }

  private static String runDkimpy(Path dir, byte[] message, DkimKeyPair key)
      throws IOException, InterruptedException {
    Path script = dir.resolve("verify.py");
    Files.writeString(script, SCRIPT, StandardCharsets.UTF_8);
    Path msg = dir.resolve("message.eml");
    Files.write(msg, message);
    Process p =
        new ProcessBuilder(
                List.of(
                    python.toString(),
                    script.toString(),
                    msg.toString(),
                    "interop._domainkey.example.com",
                    key.txtRecord()))
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String[] lines = out.split("\n");
    return lines[lines.length - 1].trim()
        + (lines.length > 1 && !out.endsWith("PASS") && !out.endsWith("FAIL") ? out : "");
  }
}
