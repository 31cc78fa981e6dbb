package dev.mailwarden.examples.milter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.MailwardenRuntime;
import dev.mailwarden.auth.dkim.DkimKeyPair;
import dev.mailwarden.auth.dkim.DkimKeys;
import dev.mailwarden.auth.dkim.DkimSigner;
import dev.mailwarden.dns.ZoneResolver;
import dev.mailwarden.testing.Environment;
import dev.mailwarden.testing.LoopbackServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: a real Postfix (Debian {@code postfix}) in a temporary directory on 127.0.0.1 with
 * {@code smtpd_milters = inet:127.0.0.1:PORT} pointing at our milter; swaks (Debian {@code swaks})
 * sends, setting the client address with XCLIENT; Postfix's {@code virtual} agent delivers to
 * mailbox files that the tests read back. Outbound signatures are checked with dkimpy (Debian
 * {@code python3-dkim}, the library behind {@code dkimverify}, given the key through a dnsfunc
 * since there is no DNS here).
 */
class PostfixMilterIT {
  static final String ID = "mx.test.example";
  static final DkimKeyPair INBOUND_KEY = DkimKeys.rsa(2048);
  static final DkimKeyPair OUR_RSA = DkimKeys.rsa(2048);
  static final DkimKeyPair OUR_ED = DkimKeys.ed25519();
  static final DkimKeyPair OUR_ARC = DkimKeys.rsa(2048);

  @TempDir static Path dir;
  private static Path postfix;
  private static Path swaks;
  private static Path conf;
  private static Path mail;
  private static final ExecutorService WORK = Executors.newFixedThreadPool(2);
  private static MilterPipelines pipelines;
  private static MilterServer milter;
  private static LoopbackServer smtp;

  @BeforeAll
  static void start() throws Exception {
    postfix = Environment.requireBinary("postfix", "postfix");
    swaks = Environment.requireBinary("swaks", "swaks");
    Files.writeString(dir.resolve("rsa.pem"), OUR_RSA.privateKeyPem());
    Files.writeString(dir.resolve("ed.pem"), OUR_ED.privateKeyPem());
    Files.writeString(dir.resolve("arc.pem"), OUR_ARC.privateKeyPem());
    ZoneResolver dns =
        ZoneResolver.builder()
            .address("2.0.0.127.bl.example", "127.0.0.2")
            .address("66.100.51.198.bl.example", "127.0.0.2")
            .txt("s1._domainkey.signer.example", INBOUND_KEY.txtRecord())
            .txt("_dmarc.signer.example", "v=DMARC1; p=reject")
            .txt("_dmarc.paypal.example", "v=DMARC1; p=reject")
            .txt("arc._domainkey.test.example", OUR_ARC.txtRecord())
            .build();
    MilterConfig cfg =
        MilterConfig.parse(
            String.join(
                "\n",
                "authserv-id = " + ID,
                "dnsbl = bl.example*6",
                "helo = off",
                "sign-networks = 192.0.2.0/24",
                "dkim-sign = example.com:rsa:" + dir.resolve("rsa.pem"),
                "dkim-sign = ed.example:ed:" + dir.resolve("ed.pem"),
                "arc-seal = test.example:arc:" + dir.resolve("arc.pem"),
                ""),
            "it");
    pipelines =
        new MilterPipelines(cfg, MailwardenRuntime.builder().dns(dns).executor(WORK).build());
    milter =
        MilterServer.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            () -> MailwardenMilter.session(pipelines, cfg),
            cfg.maxFrameBytes(),
            cfg.idleTimeout(),
            cfg.maxConnections());

    conf = Files.createDirectories(dir.resolve("conf"));
    Path queue = Files.createDirectories(dir.resolve("queue"));
    Path data = Files.createDirectories(dir.resolve("data"));
    mail = Files.createDirectories(dir.resolve("mail"));
    // Postfix's daemons run as the postfix user: they must reach the queue and own data and mail
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    var pf = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postfix");
    Files.setOwner(data, pf);
    Files.setOwner(mail, pf);
    String uid = run(List.of("id", "-u", "postfix")).strip();
    String gid = run(List.of("id", "-g", "postfix")).strip();
    smtp =
        LoopbackServer.start(
            dir,
            port -> {
              writeConfig(port, milter.port(), queue, uid, gid);
              run(List.of(postfix.toString(), "-c", conf.toString(), "set-permissions"));
              return List.of(postfix.toString(), "-c", conf.toString(), "start-fg");
            },
            LoopbackServer.Probe.TCP,
            Duration.ofSeconds(30));
  }

  private static void writeConfig(
      int smtpPort, int milterPort, Path queue, String uid, String gid) {
    String main =
        String.join(
            "\n",
            "compatibility_level = 3.6",
            "queue_directory = " + queue,
            "data_directory = " + dir.resolve("data"),
            "mail_owner = postfix",
            "setgid_group = postdrop",
            "myhostname = " + ID,
            "mydestination =",
            "inet_interfaces = 127.0.0.1",
            "inet_protocols = ipv4",
            // the XCLIENT addresses of the tests; the milter decides, Postfix only relays for these
            "mynetworks = 127.0.0.0/8 192.0.2.0/24 198.51.100.0/24 203.0.113.0/24",
            "maillog_file = /dev/stdout",
            "smtpd_authorized_xclient_hosts = 127.0.0.0/8",
            "smtpd_relay_restrictions =",
            "smtpd_recipient_restrictions = permit_mynetworks, reject",
            "smtpd_milters = inet:127.0.0.1:" + milterPort,
            "milter_default_action = tempfail",
            "virtual_mailbox_domains = test.example, elsewhere.example",
            "virtual_mailbox_base = " + mail,
            "virtual_mailbox_maps = inline:{ bob@test.example=bob, dave@elsewhere.example=dave }",
            "virtual_uid_maps = static:" + uid,
            "virtual_gid_maps = static:" + gid,
            "virtual_minimum_uid = 1",
            "alias_maps =",
            "alias_database =",
            "");
    String master =
        String.join(
            "\n",
            "127.0.0.1:" + smtpPort + " inet n - n - - smtpd",
            "pickup unix n - n 60 1 pickup",
            "cleanup unix n - n - 0 cleanup",
            "qmgr unix n - n 300 1 qmgr",
            "rewrite unix - - n - - trivial-rewrite",
            "bounce unix - - n - 0 bounce",
            "defer unix - - n - 0 bounce",
            "trace unix - - n - 0 bounce",
            "verify unix - - n - 1 verify",
            "proxymap unix - - n - - proxymap",
            "showq unix n - n - - showq",
            "error unix - - n - - error",
            "retry unix - - n - - error",
            "discard unix - - n - - discard",
            "virtual unix - n n - - virtual",
            "anvil unix - - n - 1 anvil",
            "scache unix - - n - 1 scache",
            "postlog unix-dgram n - n - 1 postlogd",
            "");
    try {
      Files.writeString(conf.resolve("main.cf"), main, StandardCharsets.US_ASCII);
      Files.writeString(conf.resolve("master.cf"), master, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @AfterAll
  static void stop() {
    if (smtp != null) {
      run(List.of(postfix.toString(), "-c", conf.toString(), "stop"));
      smtp.close();
    }
    if (milter != null) {
      milter.close();
    }
    if (pipelines != null) {
      pipelines.close();
    }
    WORK.shutdownNow();
  }

  static String run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
      return out;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** swaks with XCLIENT address; the message from a file (CRLF line ends). */
  private static String swaks(String clientIp, String from, String to, byte[] message)
      throws IOException {
    return swaks(clientIp, null, from, to, message);
  }

  /**
   * With {@code login}, XCLIENT also sets the SASL login, which Postfix passes as {auth_authen}.
   */
  private static String swaks(String clientIp, String login, String from, String to, byte[] message)
      throws IOException {
    Path data = Files.createTempFile(dir, "msg", ".eml");
    Files.write(data, message);
    List<String> cmd =
        new ArrayList<>(
            List.of(
                swaks.toString(),
                "--server",
                "127.0.0.1:" + smtp.port(),
                "--helo",
                "client.example",
                "--from",
                from,
                "--to",
                to,
                "--xclient-addr",
                clientIp,
                "--timeout",
                "30",
                "--data",
                "@" + data));
    if (login != null) {
      cmd.addAll(List.of("--xclient-login", login));
    }
    return run(cmd);
  }

  @Test
  void authenticatedClient_fromAListedAddress_isAccepted_andSigned() throws Exception {
    String subject = "sasl-" + UUID.randomUUID();
    String out =
        swaks(
            "198.51.100.66",
            "carol",
            "carol@example.com",
            "dave@elsewhere.example",
            message("carol@example.com", subject));
    assertThat(out).contains("250 2.0.0 Ok: queued");
    String m = delivered("dave", subject);
    assertThat(m).contains("DKIM-Signature: v=1; a=rsa-sha256").contains("d=example.com");
    assertThat(dkimpy(m, "rsa._domainkey.example.com", OUR_RSA.txtRecord())).isEqualTo("PASS");
  }

  static byte[] message(String from, String subject, String... extraHeaders) {
    StringBuilder b = new StringBuilder();
    for (String h : extraHeaders) {
      b.append(h).append("\r\n");
    }
    b.append("From: Sender <").append(from).append(">\r\n");
    b.append("To: someone@test.example\r\nSubject: ")
        .append(subject)
        .append("\r\nDate: Sat, 5 Dec 2026 08:00:00 +0000\r\n");
    b.append("Message-ID: <")
        .append(UUID.randomUUID())
        .append("@")
        .append(from.substring(from.indexOf('@') + 1))
        .append(">\r\n\r\n");
    b.append("Hello,\r\n\r\nthis is the body of ").append(subject).append(".\r\n");
    return b.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  /**
   * The delivered message with this subject from a mailbox file, waiting up to 30 s for delivery.
   */
  static String delivered(String mailbox, String subject) throws Exception {
    Path box = mail.resolve(mailbox);
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < until) {
      if (Files.exists(box)) {
        String all = Files.readString(box, StandardCharsets.ISO_8859_1);
        for (String m : all.split("\n(?=From )")) {
          if (m.contains("Subject: " + subject + "\n")) {
            return m;
          }
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no message '" + subject + "' delivered to " + box);
  }

  static List<String> authResults(String message) {
    List<String> out = new ArrayList<>();
    Matcher m =
        Pattern.compile("(?m)^Authentication-Results:.*(\n[ \t].*)*")
            .matcher(message.substring(0, message.indexOf("\n\n")));
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  @Test
  void inboundPass_getsOneAuthResultsWithOurId_andAForgedOneIsRemoved() throws Exception {
    String subject = "inbound-pass-" + UUID.randomUUID();
    byte[] msg =
        DkimSigner.builder()
            .domain("signer.example")
            .selector("s1")
            .privateKey(INBOUND_KEY.privateKey())
            .build()
            .signMessage(
                message(
                    "alice@signer.example",
                    subject,
                    "Authentication-Results: " + ID + "; dkim=pass header.d=paypal.example",
                    "Authentication-Results: other.example; spf=pass smtp.mailfrom=x.example"));
    String out = swaks("203.0.113.9", "alice@signer.example", "bob@test.example", msg);
    assertThat(out).contains("250 2.0.0 Ok: queued");
    String m = delivered("bob", subject);
    List<String> ar = authResults(m);
    List<String> ours =
        ar.stream().filter(a -> a.startsWith("Authentication-Results: " + ID + ";")).toList();
    assertThat(ours).hasSize(1);
    assertThat(ours.get(0))
        .contains("dkim=pass")
        .contains("header.d=signer.example")
        .contains("dmarc=pass");
    assertThat(m).doesNotContain("header.d=paypal.example");
    assertThat(ar).anyMatch(a -> a.startsWith("Authentication-Results: other.example;"));
  }

  @Test
  void inboundSimpleSimpleSignature_withFoldedHeaders_passesThroughPostfix() throws Exception {
    // simple header canonicalization needs the exact header bytes: leading space and folding as
    // sent
    String subject = "simple-" + UUID.randomUUID();
    byte[] msg =
        DkimSigner.builder()
            .domain("signer.example")
            .selector("s1")
            .privateKey(INBOUND_KEY.privateKey())
            .canonicalization(
                dev.mailwarden.auth.dkim.Canonicalization.SIMPLE,
                dev.mailwarden.auth.dkim.Canonicalization.SIMPLE)
            .headers(List.of("from", "subject", "to", "x-folded"))
            .build()
            .signMessage(
                message(
                    "alice@signer.example",
                    subject,
                    "X-Folded:  two  spaces,\r\n\tthen a folded line"));
    assertThat(swaks("203.0.113.9", "alice@signer.example", "bob@test.example", msg))
        .contains("250 2.0.0 Ok: queued");
    List<String> ours =
        authResults(delivered("bob", subject)).stream()
            .filter(a -> a.startsWith("Authentication-Results: " + ID + ";"))
            .toList();
    assertThat(ours).hasSize(1);
    assertThat(ours.get(0)).contains("dkim=pass").contains("dmarc=pass");
  }

  @Test
  void dmarcRejectFailure_isRefusedAtEndOfData_with550() throws Exception {
    String subject = "dmarc-reject-" + UUID.randomUUID();
    String out =
        swaks(
            "203.0.113.9",
            "billing@paypal.example",
            "bob@test.example",
            message("billing@paypal.example", subject));
    assertThat(out).containsPattern("<\\*\\* +550 5\\.7\\.1 .*DMARC");
    assertThat(out).doesNotContain("Ok: queued");
  }

  @Test
  void dnsblListedClient_isRefusedAtRcpt() throws Exception {
    String out =
        swaks(
            "198.51.100.66",
            "a@spam.example",
            "bob@test.example",
            message("a@spam.example", "listed"));
    // the refusal answers RCPT TO, before DATA
    assertThat(out)
        .containsPattern(
            "(?s)RCPT TO:<bob@test.example>\\s*\\n<\\*\\* +550 5\\.7\\.1 [^\\n]*bl\\.example");
    assertThat(out).doesNotContain("354 ");
  }

  @Test
  void outboundFromSignNetworks_leavesSigned_andVerifiesWithDkimpy_rsaAndEd25519()
      throws Exception {
    for (String[] c :
        new String[][] {
          {"example.com", "rsa", "a=rsa-sha256"}, {"ed.example", "ed", "a=ed25519-sha256"}
        }) {
      String subject = "outbound-" + c[1] + "-" + UUID.randomUUID();
      String from = "carol@" + c[0];
      String out = swaks("192.0.2.25", from, "dave@elsewhere.example", message(from, subject));
      assertThat(out).contains("250 2.0.0 Ok: queued");
      String m = delivered("dave", subject);
      assertThat(m)
          .contains("DKIM-Signature: v=1; " + c[2])
          .contains("d=" + c[0])
          .doesNotContain("Authentication-Results: " + ID);
      DkimKeyPair key = c[1].equals("rsa") ? OUR_RSA : OUR_ED;
      assertThat(dkimpy(m, c[1] + "._domainkey." + c[0], key.txtRecord())).isEqualTo("PASS");
      assertThat(
              dkimpy(
                  m.replace("this is the body", "this is another body"),
                  c[1] + "._domainkey." + c[0],
                  key.txtRecord()))
          .as("a tampered copy must fail, or the check proves nothing")
          .isEqualTo("FAIL");
    }
  }

  @Test
  void inboundMail_leavesArcSealedAtTheTop_andDkimpyArcVerifyPasses() throws Exception {
    String subject = "arc-" + UUID.randomUUID();
    byte[] msg =
        DkimSigner.builder()
            .domain("signer.example")
            .selector("s1")
            .privateKey(INBOUND_KEY.privateKey())
            .build()
            .signMessage(message("alice@signer.example", subject));
    assertThat(swaks("203.0.113.9", "alice@signer.example", "bob@test.example", msg))
        .contains("250 2.0.0 Ok: queued");
    String m = delivered("bob", subject);
    List<String> names = new ArrayList<>();
    for (String line : m.substring(m.indexOf('\n') + 1, m.indexOf("\n\n")).split("\n")) {
      if (!line.isEmpty() && line.charAt(0) != ' ' && line.charAt(0) != '\t') {
        names.add(line.substring(0, line.indexOf(':')));
      }
    }
    // an insert at index 0 goes above Postfix's own Received (as with Sendmail): the ARC set tops
    // what Postfix queued; only the delivery agent's fields are above it
    int seal = names.indexOf("ARC-Seal");
    assertThat(seal).as(names.toString()).isNotNegative();
    assertThat(names.subList(seal, seal + 4))
        .as(names.toString())
        .containsExactly(
            "ARC-Seal",
            "ARC-Message-Signature",
            "ARC-Authentication-Results",
            "Authentication-Results");
    assertThat(names.subList(0, seal))
        .as(names.toString())
        .allMatch(n -> List.of("Return-Path", "X-Original-To", "Delivered-To").contains(n));
    assertThat(names.get(seal + 4)).as(names.toString()).isEqualTo("Received");
    assertThat(arcVerify(m)).isEqualTo("pass");
    assertThat(arcVerify(m.replace("this is the body", "this is another body")))
        .as("a tampered copy must fail, or the check proves nothing")
        .isEqualTo("fail");
  }

  private static final String ARC_VERIFY =
      """
      import sys, dkim
      msg_path, name, record = sys.argv[1], sys.argv[2], sys.argv[3]
      def dnsfunc(qname, timeout=5):
          q = qname.decode() if isinstance(qname, bytes) else qname
          return record.encode() if q.rstrip('.').lower() == name else None
      with open(msg_path, 'rb') as f:
          message = f.read()
      cv, results, reason = dkim.arc_verify(message, dnsfunc=dnsfunc)
      print(cv.decode() if cv else 'fail')
      """;

  /** dkimpy's {@code arc_verify} on a delivered mbox message, with our ARC key. */
  static String arcVerify(String mboxMessage) throws IOException {
    Path python = Environment.requireBinary("python3", "python3-dkim");
    Path msg = Files.createTempFile(dir, "delivered", ".eml");
    Files.writeString(msg, rfc822(mboxMessage), StandardCharsets.ISO_8859_1);
    Path script = dir.resolve("arc_verify.py");
    Files.writeString(script, ARC_VERIFY);
    String out =
        run(List.of(
                python.toString(),
                script.toString(),
                msg.toString(),
                "arc._domainkey.test.example",
                OUR_ARC.txtRecord()))
            .strip();
    return out.substring(out.lastIndexOf('\n') + 1);
  }

  /** A delivered mbox message as RFC 5322: its "From " line dropped, CRLF line ends. */
  static String rfc822(String mboxMessage) {
    return mboxMessage
        .substring(mboxMessage.indexOf('\n') + 1)
        .replace("\r\n", "\n")
        .replace("\n", "\r\n");
  }

  private static final String DKIMPY =
      """
      import sys, dkim
      msg_path, name, record = sys.argv[1], sys.argv[2], sys.argv[3]
      def dnsfunc(qname, timeout=5):
          q = qname.decode() if isinstance(qname, bytes) else qname
          return record.encode() if q.rstrip('.').lower() == name else None
      with open(msg_path, 'rb') as f:
          message = f.read()
      print('PASS' if dkim.verify(message, dnsfunc=dnsfunc) else 'FAIL')
      """;

  /** dkimpy's verdict on a delivered mbox message (its "From " line dropped, CRLF line ends). */
  static String dkimpy(String mboxMessage, String keyName, String txt) throws IOException {
    Path python = Environment.requireBinary("python3", "python3-dkim");
    Path msg = Files.createTempFile(dir, "delivered", ".eml");
    Files.writeString(msg, rfc822(mboxMessage), StandardCharsets.ISO_8859_1);
    Path script = dir.resolve("verify.py");
    Files.writeString(script, DKIMPY);
    String out =
        run(List.of(python.toString(), script.toString(), msg.toString(), keyName, txt)).strip();
    return out.substring(out.lastIndexOf('\n') + 1);
  }
}
