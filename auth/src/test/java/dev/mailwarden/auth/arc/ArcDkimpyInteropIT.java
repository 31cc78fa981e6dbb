package dev.mailwarden.auth.arc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mailwarden.dns.ZoneResolver;
import dev.mailwarden.testing.Environment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * ARC interoperability with dkimpy 1.1 (Debian {@code python3-dkim}), both ways, run as a
 * subprocess with keys served from a dnsfunc (no network).
 *
 * <p>dkimpy 1.1's ARC is {@code rsa-sha256} only: {@code arc_sign} fixes the algorithm and reads
 * the key with {@code parse_pem_private_key}, and {@code arc_verify} answers "unknown signature
 * algorithm" for {@code ed25519-sha256}. So Ed25519 chains cannot be exchanged with this peer;
 * {@link #ourEd25519Seal_dkimpyDoesNotSupportIt} pins that (it fails the day dkimpy learns it), and
 * mixed RSA/Ed25519 chains are checked by our verifier alone in {@code ArcVerifierTest}.
 *
 * <p>dkimpy reports a chain whose newest seal says {@code cv=fail} as {@code None} ("ended"); RFC
 * 8617 5.2 step 2 makes that {@code fail}, which is what we compare with.
 */
class ArcDkimpyInteropIT {
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
          print(cv.decode() if cv else 'fail')  # None: the chain ended with cv=fail
          print(reason, file=sys.stderr)
      else:
          key, domain, selector, srv_id = sys.argv[4:8]
          cv, results, reason = dkim.arc_verify(message, dnsfunc=dnsfunc)
          cv = (cv or b'none').decode()
          ar = ('Authentication-Results: %s; arc=%s; spf=pass smtp.mailfrom=example.com\\r\\n' % (srv_id, cv)).encode()
          message = ar + message
          sealed = dkim.arc_sign(message, selector.encode(), domain.encode(), open(key, 'rb').read(),
                                 srv_id.encode(), timestamp=1764921600)
          sys.stdout.buffer.write(b''.join(sealed) + message)
      """;

  private static Path python;

  @BeforeAll
  static void requireDkimpy() throws Exception {
    python = Environment.requireBinary("python3", "python3-dkim");
    Process p =
        new ProcessBuilder(python.toString(), "-c", "import dkim, nacl, authres")
            .redirectErrorStream(true)
            .start();
    boolean present = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    String message =
        "python modules 'dkim', 'nacl' and 'authres' not importable by "
            + python
            + ": install the Debian packages 'python3-dkim python3-nacl python3-authres'";
    if (!present && Environment.isCi()) {
      throw new AssertionError(message + " — required under CI=true");
    }
    assumeTrue(present, message);
  }

  /** Our sealer per hop: "d" dkimpy (RSA), "r" ours RSA, "e" ours Ed25519. */
  @ParameterizedTest(name = "hops={0} change={1}")
  @CsvSource({
    "d, none, pass, 1",
    "dd, none, pass, 2",
    "ddd, none, pass, 3",
    "drd, none, pass, 3",
    "dd, body-after-first, fail, 2",
    // hop 2 seals cv=fail; dkimpy's hop 3 then refuses to extend the ended chain, as we do
    "ddd, body-after-first, fail, 2",
    "ddd, header-after-last, fail, 3",
    "drd, body-after-last, fail, 3",
  })
  void chainsSealedByDkimpy_verifyAsDkimpySays(
      String hops, String change, String expected, int instances, @TempDir Path dir)
      throws Exception {
    byte[] m = build(hops, change, dir);
    String dkimpy = run(dir, "verify", m);
    ArcResult ours = Arc.check().verify(m, zone()).get(10, TimeUnit.SECONDS);
    assertThat(dkimpy).isEqualTo(expected);
    assertThat(ours.status().token()).as(ours.toString()).isEqualTo(dkimpy);
    assertThat(ours.instanceCount()).isEqualTo(instances);
  }

  @ParameterizedTest(name = "hops={0} change={1}")
  @CsvSource({
    "r, none, pass",
    "rr, none, pass",
    "rrr, none, pass",
    "rdr, none, pass",
    "rrr, body-after-last, fail",
    "rr, header-after-last, fail",
    "rr, body-after-first, fail",
  })
  void chainsSealedByUs_verifyInDkimpy(
      String hops, String change, String expected, @TempDir Path dir) throws Exception {
    byte[] m = build(hops, change, dir);
    assertThat(run(dir, "verify", m)).isEqualTo(expected);
    assertThat(Arc.check().verify(m, zone()).get(10, TimeUnit.SECONDS).status().token())
        .isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"e", "re"})
  void ourEd25519Seal_dkimpyDoesNotSupportIt(String hops, @TempDir Path dir) throws Exception {
    byte[] m = build(hops, "none", dir);
    assertThat(Arc.check().verify(m, zone()).get(10, TimeUnit.SECONDS).status())
        .isEqualTo(ArcStatus.PASS);
    assertThat(run(dir, "verify", m)).isEqualTo("fail");
    assertThat(Files.readString(dir.resolve("stderr.txt"))).contains("unknown signature algorithm");
  }

  private static final String[] DOMAINS = {
    "lists.example.org", "fwd.example.net", "mx.example.edu"
  };

  private byte[] build(String hops, String change, Path dir) throws Exception {
    byte[] m =
        ArcTestChains.bytes(
            ArcTestChains.MESSAGE.substring(ArcTestChains.MESSAGE.indexOf("From:")));
    for (int k = 0; k < hops.length(); k++) {
      String domain = DOMAINS[k];
      char who = hops.charAt(k);
      if (who == 'd') {
        m = runBytes(dir, "sign", m, dir.resolve("rsa.pem").toString(), domain, "rsa", domain);
      } else {
        ArcSealer sealer =
            who == 'e' ? ArcTestChains.edSealer(domain) : ArcTestChains.rsaSealer(domain);
        ArcStatus cv = Arc.check().verify(m, zone()).get(10, TimeUnit.SECONDS).status();
        m = ArcTestChains.hop(sealer, m, cv);
      }
      boolean last = k == hops.length() - 1;
      if ((k == 0 && change.equals("body-after-first") && !last)
          || (last && change.equals("body-after-last"))) {
        m =
            ArcTestChains.bytes(
                ArcTestChains.text(m).replace("this is a test.", "this is a changed test."));
      }
      if (last && change.equals("header-after-last")) {
        m =
            ArcTestChains.bytes(
                ArcTestChains.text(m).replace("Subject: Hello", "Subject: Hello [list]"));
      }
    }
    return m;
  }

  private static ZoneResolver zone() {
    return ArcTestChains.zone();
  }

  private static String run(Path dir, String mode, byte[] message, String... args)
      throws Exception {
    return new String(runBytes(dir, mode, message, args), StandardCharsets.UTF_8).trim();
  }

  private static byte[] runBytes(Path dir, String mode, byte[] message, String... args)
      throws Exception {
    Path script = dir.resolve("arc.py");
    Files.writeString(script, SCRIPT, StandardCharsets.UTF_8);
    Path zone = dir.resolve("zone.json");
    StringBuilder z = new StringBuilder("{");
    for (String d : DOMAINS) {
      z.append('"')
          .append("rsa._domainkey.")
          .append(d)
          .append("\": \"")
          .append(ArcTestChains.RSA.txtRecord())
          .append("\", ");
      z.append('"')
          .append("ed._domainkey.")
          .append(d)
          .append("\": \"")
          .append(ArcTestChains.ED.txtRecord())
          .append("\", ");
    }
    z.setLength(z.length() - 2);
    Files.writeString(zone, z.append('}').toString());
    Files.writeString(dir.resolve("rsa.pem"), ArcTestChains.RSA.privateKeyPem());
    Path msg = dir.resolve("message.eml");
    Files.write(msg, message);
    List<String> cmd =
        new ArrayList<>(
            List.of(python.toString(), script.toString(), mode, msg.toString(), zone.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("stderr.txt").toFile()).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    if (p.exitValue() != 0) {
      throw new IOException("dkimpy failed: " + Files.readString(dir.resolve("stderr.txt")));
    }
    return out;
  }
}
