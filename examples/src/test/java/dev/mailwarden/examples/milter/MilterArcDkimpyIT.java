package dev.mailwarden.examples.milter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mailwarden.MailwardenRuntime;
import dev.mailwarden.auth.arc.ArcStatus;
import dev.mailwarden.dns.ZoneResolver;
import dev.mailwarden.testing.Environment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ARC sets added by the milter ({@code arc-seal}) checked by dkimpy 1.1's {@code arc_verify}
 * (Debian {@code python3-dkim}, run as a subprocess with the keys served from a dnsfunc: no
 * network), on fresh mail, on a chain dkimpy sealed first, and on a chain broken before it reached
 * the milter.
 */
class MilterArcDkimpyIT {
  private static final String SCRIPT =
      """
      import sys, json, dkim
      mode, msg_path, zone_path = sys.argv[1], sys.argv[2], sys.argv[3]
      zone = json.load(open(zone_path))
      def dnsfunc(qname, timeout=5):
          q = qname.decode() if isinstance(qname, bytes) else qname
          r = zone.get(q.rstrip('.').lower())
          return r.encode() if r is not None else None
      message = open(msg_path, 'rb').read()
      if mode == 'verify':
          cv, results, reason = dkim.arc_verify(message, dnsfunc=dnsfunc)
          # None: the chain ended with cv=fail (RFC 8617 5.2 step 2 makes that fail)
          print('%s %d' % (cv.decode() if cv else 'fail', len(results)))
          print(reason, file=sys.stderr)
      else:
          key, domain, selector = sys.argv[4:7]
          ar = ('Authentication-Results: %s; arc=none; spf=pass smtp.mailfrom=example.com\\r\\n'
                % domain).encode()
          message = ar + message
          sealed = dkim.arc_sign(message, selector.encode(), domain.encode(), open(key, 'rb').read(),
                                 domain.encode())
          sys.stdout.buffer.write(b''.join(sealed) + message)
      """;

  @TempDir static Path dir;
  private static Path python;
  private static final ExecutorService WORK = Executors.newFixedThreadPool(2);
  private static MilterPipelines pipelines;
  private static MilterServer server;

  @BeforeAll
  static void start() throws Exception {
    python = Environment.requireBinary("python3", "python3-dkim");
    Process p =
        new ProcessBuilder(python.toString(), "-c", "import dkim")
            .redirectErrorStream(true)
            .start();
    boolean present = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    String message =
        "python module 'dkim' not importable by " + python + ": install 'python3-dkim'";
    if (!present && Environment.isCi()) {
      throw new AssertionError(message + " — required under CI=true");
    }
    assumeTrue(present, message);
    Files.writeString(dir.resolve("arc.pem"), MilterArcSealTest.OUR_ARC.privateKeyPem());
    Files.writeString(dir.resolve("list.pem"), MilterArcSealTest.LIST_ARC.privateKeyPem());
    Files.writeString(dir.resolve("script.py"), SCRIPT);
    Files.writeString(
        dir.resolve("zone.json"),
        "{"
            + entry("arc._domainkey.test.example", MilterArcSealTest.OUR_ARC.txtRecord())
            + ", "
            + entry("arc._domainkey.lists.example.org", MilterArcSealTest.LIST_ARC.txtRecord())
            + ", "
            + entry("s1._domainkey.signer.example", MilterArcSealTest.INBOUND_KEY.txtRecord())
            + "}");
    MilterConfig cfg =
        MilterConfig.parse(
            String.join(
                "\n",
                "authserv-id = " + MilterArcSealTest.ID,
                "helo = off",
                "arc-seal = test.example:arc:" + dir.resolve("arc.pem"),
                "deadline = 2s",
                "command-timeout = 5s",
                ""),
            "it");
    ZoneResolver dns = MilterArcSealTest.DNS;
    pipelines =
        new MilterPipelines(cfg, MailwardenRuntime.builder().dns(dns).executor(WORK).build());
    server = MailwardenMilterTest.start(cfg, pipelines, MilterArcSealTest.loopback());
  }

  private static String entry(String name, String txt) {
    return "\"" + name + "\": \"" + txt + "\"";
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (pipelines != null) {
      pipelines.close();
    }
    WORK.shutdownNow();
  }

  /** The message through the milter, as it leaves the MTA. */
  private static byte[] throughMilter(String from, byte[] msg) throws IOException {
    try (MilterTestClient c = new MilterTestClient(server.port()).negotiate()) {
      List<MilterResponse> eom = MilterArcSealTest.inbound(c, from, msg);
      assertThat(eom.get(eom.size() - 1)).isEqualTo(MilterResponse.CONTINUE);
      return MilterArcSealTest.leaving(msg, eom);
    }
  }

  @Test
  void freshMessage_sealedByTheMilter_passesInDkimpy_andATamperedCopyFails() throws Exception {
    byte[] msg =
        MailwardenMilterTest.signedBy(
            MailwardenMilterTest.message("alice@signer.example"),
            "signer.example",
            "s1",
            MilterArcSealTest.INBOUND_KEY);
    byte[] out = throughMilter("alice@signer.example", msg);
    assertThat(MilterArcSealTest.text(out)).startsWith("ARC-Seal:");
    assertThat(dkimpy("verify", out)).isEqualTo("pass 1");
    byte[] tampered =
        MilterArcSealTest.bytes(MilterArcSealTest.text(out).replace("Hello Bob", "Hello Eve"));
    assertThat(dkimpy("verify", tampered)).isEqualTo("fail 1");
  }

  @Test
  void chainSealedByDkimpy_isExtendedByTheMilter_andPassesInDkimpyWithTwoSets() throws Exception {
    byte[] upstream =
        dkimpy(
            MailwardenMilterTest.message("alice@nodmarc.example"),
            "sign",
            dir.resolve("list.pem").toString(),
            "lists.example.org",
            "arc");
    assertThat(dkimpy("verify", upstream)).isEqualTo("pass 1");
    byte[] out = throughMilter("alice@nodmarc.example", upstream);
    assertThat(MilterArcSealTest.field(out, "ARC-Seal")).contains("i=2").contains("cv=pass");
    assertThat(dkimpy("verify", out)).isEqualTo("pass 2");
    assertThat(MilterArcSealTest.verify(out).status()).isEqualTo(ArcStatus.PASS);
  }

  @Test
  void chainBrokenBeforeTheMilter_isSealedCvFail_whichDkimpyReadsAsTheEndedChain()
      throws Exception {
    byte[] upstream =
        dkimpy(
            MailwardenMilterTest.message("alice@nodmarc.example"),
            "sign",
            dir.resolve("list.pem").toString(),
            "lists.example.org",
            "arc");
    byte[] broken =
        MilterArcSealTest.bytes(
            MilterArcSealTest.text(upstream).replace("this is the body", "this is a new body"));
    assertThat(dkimpy("verify", broken)).isEqualTo("fail 1");
    byte[] out = throughMilter("alice@nodmarc.example", broken);
    assertThat(MilterArcSealTest.field(out, "ARC-Seal")).contains("i=2").contains("cv=fail");
    assertThat(dkimpy("verify", out)).startsWith("fail");
    assertThat(MilterArcSealTest.verify(out).status()).isEqualTo(ArcStatus.FAIL);
  }

  private static String dkimpy(String mode, byte[] message) throws Exception {
    return new String(dkimpy(message, mode), StandardCharsets.UTF_8).trim();
  }

  private static byte[] dkimpy(byte[] message, String mode, String... args) throws Exception {
    Path msg = Files.createTempFile(dir, "message", ".eml");
    Files.write(msg, message);
    List<String> cmd =
        new ArrayList<>(
            List.of(
                python.toString(),
                dir.resolve("script.py").toString(),
                mode,
                msg.toString(),
                dir.resolve("zone.json").toString()));
    cmd.addAll(List.of(args));
    Path err = Files.createTempFile(dir, "stderr", ".txt");
    Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    if (p.exitValue() != 0) {
      throw new IOException("dkimpy failed: " + Files.readString(err));
    }
    return out;
  }
}
