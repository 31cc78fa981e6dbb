package dev.mailwarden.examples.milter;

import static dev.mailwarden.examples.milter.MilterProtocol.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.MailwardenRuntime;
import dev.mailwarden.Outcome;
import dev.mailwarden.auth.dkim.Dkim;
import dev.mailwarden.auth.dkim.DkimKeyPair;
import dev.mailwarden.auth.dkim.DkimKeys;
import dev.mailwarden.auth.dkim.DkimSigner;
import dev.mailwarden.auth.dkim.DkimSigningStream;
import dev.mailwarden.dns.ZoneResolver;
import dev.mailwarden.examples.policyd.MetricsEndpoint;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mailwarden milter behind a real {@link MilterServer} on loopback, driven by a test MTA
 * ({@link MilterTestClient}) with DNS from a {@link ZoneResolver}.
 */
class MailwardenMilterTest {
  static final String ID = "mx.test.example";
  static final DkimKeyPair INBOUND_KEY = DkimKeys.rsa(2048);
  static final DkimKeyPair OUR_RSA = DkimKeys.rsa(2048);
  static final DkimKeyPair OUR_ED = DkimKeys.ed25519();
  static final ZoneResolver DNS =
      ZoneResolver.builder()
          .address("66.100.51.198.bl.example", "127.0.0.2")
          .address(
              "2.0.0.127.bl.example", "127.0.0.2") // the RFC 5782 test point: the list is alive
          .txt("s1._domainkey.signer.example", INBOUND_KEY.txtRecord())
          .txt("_dmarc.signer.example", "v=DMARC1; p=reject")
          .txt("_dmarc.paypal.example", "v=DMARC1; p=reject")
          .txt("_dmarc.q.example", "v=DMARC1; p=quarantine")
          .txt("q.example", "v=spf1 -all")
          .txt("rsa._domainkey.example.com", OUR_RSA.txtRecord())
          .txt("ed._domainkey.ed.example", OUR_ED.txtRecord())
          .build();

  @TempDir static Path dir;
  static final ExecutorService WORK = Executors.newFixedThreadPool(2);
  static MilterPipelines pipelines;
  static MilterServer server;

  @BeforeAll
  static void start() throws Exception {
    Files.writeString(dir.resolve("rsa.pem"), OUR_RSA.privateKeyPem());
    Files.writeString(dir.resolve("ed.pem"), OUR_ED.privateKeyPem());
    MilterConfig cfg = config("limit = 2/1h\n");
    pipelines =
        new MilterPipelines(cfg, MailwardenRuntime.builder().dns(DNS).executor(WORK).build());
    server = start(cfg, pipelines, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  static MilterConfig config(String extra) {
    return MilterConfig.parse(
        String.join(
            "\n",
            "authserv-id = " + ID,
            "dnsbl = bl.example*6",
            "helo = off",
            "sign-networks = 192.0.2.0/24",
            "dkim-sign = example.com:rsa:" + dir.resolve("rsa.pem"),
            "dkim-sign = ed.example:ed:" + dir.resolve("ed.pem"),
            "idle-timeout = 2s",
            "deadline = 2s",
            "command-timeout = 5s",
            extra),
        "test");
  }

  static MilterServer start(MilterConfig cfg, MilterPipelines p, java.net.SocketAddress at)
      throws IOException {
    return MilterServer.start(
        at,
        () -> MailwardenMilter.session(p, cfg),
        cfg.maxFrameBytes(),
        cfg.idleTimeout(),
        cfg.maxConnections());
  }

  @AfterAll
  static void stop() {
    server.close();
    pipelines.close();
    WORK.shutdownNow();
  }

  static byte[] message(String from, String... extraHeaders) {
    StringBuilder b = new StringBuilder();
    for (String h : extraHeaders) {
      b.append(h).append("\r\n");
    }
    b.append("From: Sender <").append(from).append(">\r\n");
    b.append("To: bob@test.example\r\nSubject: hello\r\nDate: Sat, 5 Dec 2026 08:00:00 +0000\r\n");
    b.append("Message-ID: <1@").append(from.substring(from.indexOf('@') + 1)).append(">\r\n\r\n");
    b.append("Hello Bob,\r\n\r\nthis is the body.\r\n");
    return b.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  static byte[] signedBy(byte[] message, String domain, String selector, DkimKeyPair key) {
    return DkimSigner.builder()
        .domain(domain)
        .selector(selector)
        .privateKey(key.privateKey())
        .build()
        .signMessage(message);
  }

  static MilterResponse only(List<MilterResponse> rs, byte code) {
    return rs.stream()
        .filter(r -> r.code() == code)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no '" + (char) code + "' in " + rs));
  }

  /** The message as it leaves the MTA: a header inserted at the top is prepended. */
  static byte[] withInsertedHeader(byte[] message, MilterResponse insert) {
    String d = MilterTestClient.text(insert).substring(4);
    String[] nv = d.split("\0", -1);
    String field = nv[0] + ":" + nv[1].replace("\n", "\r\n") + "\r\n";
    return (field + new String(message, StandardCharsets.ISO_8859_1))
        .getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void inboundSignedMessage_passesDkimAndDmarc_getsOurAuthResults_andForgedOnesAreDeleted()
      throws Exception {
    byte[] msg =
        signedBy(
            message(
                "alice@signer.example",
                "Authentication-Results: mx.test.example; dkim=pass header.d=paypal.example",
                "Authentication-Results: other.example; spf=pass smtp.mailfrom=x.example",
                "Authentication-Results: (forged) MX.Test.Example 1; dmarc=pass"),
            "signer.example",
            "s1",
            INBOUND_KEY);
    try (MilterTestClient c = new MilterTestClient(server.port()).negotiate()) {
      c.connect("203.0.113.9", "mail.signer.example");
      c.mail("alice@signer.example", null);
      assertThat(c.rcpt("bob@test.example")).containsExactly(MilterResponse.CONTINUE);
      List<MilterResponse> eom = c.message(msg);
      assertThat(eom.get(eom.size() - 1)).isEqualTo(MilterResponse.CONTINUE);
      List<String> changes =
          eom.stream()
              .filter(r -> r.code() == SMFIR_CHGHEADER)
              .map(
                  r ->
                      Frames.int32(r.data(), 0)
                          + " "
                          + new String(
                              r.data(), 4, r.data().length - 4, StandardCharsets.ISO_8859_1))
              .toList();
      // the 1st and 3rd A-R claim our id: deleted, highest index first; the 2nd is someone else's
      assertThat(changes)
          .containsExactly("3 Authentication-Results\0\0", "1 Authentication-Results\0\0");
      MilterResponse ar = only(eom, SMFIR_INSHEADER);
      assertThat(Frames.int32(ar.data(), 0)).isZero();
      String value = MilterTestClient.text(ar).substring(4);
      assertThat(value).startsWith("Authentication-Results\0 " + ID + ";");
      assertThat(value)
          .contains("dkim=pass")
          .contains("header.d=signer.example")
          .contains("dmarc=pass")
          .contains("spf=none");
      assertThat(value).doesNotContain("\r");
    }
  }

  @Test
  void dmarcRejectFailure_isRefusedAtEndOfData_with550() throws Exception {
    try (MilterTestClient c = new MilterTestClient(server.port()).negotiate()) {
      c.connect("203.0.113.9", "mail.evil.example");
      c.mail("billing@paypal.example", null);
      c.rcpt("bob@test.example");
      List<MilterResponse> eom = c.message(message("billing@paypal.example"));
      assertThat(eom).hasSize(1);
      assertThat(eom.get(0).code()).isEqualTo(SMFIR_REPLYCODE);
      assertThat(MilterTestClient.text(eom.get(0))).startsWith("550 5.7.1 ").contains("DMARC");
    }
  }

  @Test
  void dmarcRejectFailure_withRejectDmarcOff_isAcceptedWithDmarcFail() throws Exception {
    MilterConfig cfg = config("reject-dmarc = off\n");
    try (MilterPipelines p =
            new MilterPipelines(cfg, MailwardenRuntime.builder().dns(DNS).executor(WORK).build());
        MilterServer s = start(cfg, p, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        MilterTestClient c = new MilterTestClient(s.port()).negotiate()) {
      c.connect("203.0.113.9", "mail.evil.example");
      c.mail("billing@paypal.example", null);
      c.rcpt("bob@test.example");
      List<MilterResponse> eom = c.message(message("billing@paypal.example"));
      assertThat(eom.get(eom.size() - 1)).isEqualTo(MilterResponse.CONTINUE);
      assertThat(MilterTestClient.text(only(eom, SMFIR_INSHEADER))).contains("dmarc=fail");
    }
  }

  @Test
  void metricsEndpoint_countsTheMiltersEvaluationsListAnswersAndLimiterDecisions()
      throws Exception {
    MilterConfig cfg = config("limit = 1/1h\n");
    try (MailwardenRuntime runtime = MailwardenRuntime.builder().dns(DNS).executor(WORK).build();
        MetricsEndpoint metrics =
            MetricsEndpoint.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        MilterPipelines p = new MilterPipelines(cfg, runtime, metrics);
        MilterServer s =
            start(cfg, p, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      metrics.bindRuntime(runtime);
      try (MilterTestClient c = new MilterTestClient(s.port()).negotiate()) {
        c.connect("198.51.100.66", "spam.example");
        c.mail("a@spam.example", null);
        assertThat(MilterTestClient.text(c.rcpt("bob@test.example").get(0)))
            .startsWith("550 5.7.1");
      }
      try (MilterTestClient c = new MilterTestClient(s.port()).negotiate()) {
        c.connect("192.0.2.99", "laptop");
        c.mail("mallory@example.com", "mallory");
        assertThat(c.rcpt("r1@x.example")).containsExactly(MilterResponse.CONTINUE);
        assertThat(MilterTestClient.text(c.rcpt("r2@x.example").get(0))).startsWith("450 4.7.1");
      }
      String text = metrics.scrape();
      assertThat(text)
          .contains("mailwarden_evaluations_seconds_count{verdict=\"reject\"} 1")
          .contains("mailwarden_dnsbl_answers_total{list=\"bl.example\",status=\"listed\"} 1.0")
          .contains("mailwarden_dnsbl_healthy{family=\"IPv4\",list=\"bl.example\"}")
          .contains("mailwarden_ratelimit_decisions_total{limit=\"1/1h\",result=\"granted\"} 1.0")
          .contains("mailwarden_ratelimit_decisions_total{limit=\"1/1h\",result=\"denied\"} 1.0")
          .containsPattern("mailwarden_cache_size\\{cache=\"dns\"} [1-9]")
          .doesNotContain("198.51.100.66", "mallory");
    }
  }

  @Test
  void dmarcQuarantineFailure_isQuarantined_withAuthResults() throws Exception {
    try (MilterTestClient c = new MilterTestClient(server.port()).negotiate()) {
      c.connect("203.0.113.9", "mail.q.example");
      c.mail("news@q.example", null);
      c.rcpt("bob@test.example");
      List<MilterResponse> eom = c.message(message("news@q.example"));
      assertThat(MilterTestClient.text(only(eom, SMFIR_QUARANTINE))).contains("q.example");
      assertThat(MilterTestClient.text(only(eom, SMFIR_INSHEADER)))
          .contains("dmarc=fail")
          .contains("spf=fail");
      assertThat(eom.get(eom.size() - 1)).isEqualTo(MilterResponse.CONTINUE);
    }
  }

  @Test
  void listedClient_isRefusedAtRcpt_withTheListsReply() throws Exception {
    try (MilterTestClient c = new MilterTestClient(server.port()).negotiate()) {
      c.connect("198.51.100.66", "spam.example");
      c.mail("a@spam.example", null);
      List<MilterResponse> r = c.rcpt("bob@test.example");
      assertThat(r).hasSize(1);
      assertThat(MilterTestClient.text(r.get(0))).startsWith("550 5.7.1").contains("bl.example");
    }
  }

  @Test
  void authenticatedClient_fromAListedIp_isNotRefused_isSignedWithRsa_andTheSignatureVerifies()
      throws Exception {
    byte[] msg =
        message(
            "carol@example.com",
            "Authentication-Results: mx.test.example; dkim=pass header.d=example.com");
    try (MilterTestClient c = new MilterTestClient(server.port()).negotiate()) {
      c.connect("198.51.100.66", "laptop");
      c.mail("carol@example.com", "carol");
      assertThat(c.rcpt("dave@elsewhere.example")).containsExactly(MilterResponse.CONTINUE);
      List<MilterResponse> eom = c.message(msg);
      MilterResponse sig = only(eom, SMFIR_INSHEADER);
      assertThat(MilterTestClient.text(sig))
          .contains("DKIM-Signature\0 v=1; a=rsa-sha256")
          .contains("d=example.com")
          .contains("s=rsa");
      assertThat(only(eom, SMFIR_CHGHEADER)).isNotNull(); // the forged A-R goes outbound too
      assertThat(
              eom.stream()
                  .noneMatch(r -> MilterTestClient.text(r).contains("Authentication-Results\0 ")))
          .isTrue();
      byte[] sent = withInsertedHeader(msg, sig);
      assertThat(
              Dkim.check()
                  .verify(sent, DNS, java.time.Clock.systemUTC(), Runnable::run)
                  .join()
                  .outcome())
          .isEqualTo(Outcome.PASS);
      byte[] tampered =
          new String(sent, StandardCharsets.ISO_8859_1)
              .replace("Hello Bob", "Hello Eve")
              .getBytes(StandardCharsets.ISO_8859_1);
      assertThat(
              Dkim.check()
                  .verify(tampered, DNS, java.time.Clock.systemUTC(), Runnable::run)
                  .join()
                  .outcome())
          .isEqualTo(Outcome.FAIL);
    }
  }

  @Test
  void signNetworksClient_isSignedWithEd25519() throws Exception {
    byte[] msg = message("erin@mail.ed.example");
    try (MilterTestClient c = new MilterTestClient(server.port()).negotiate()) {
      c.connect("192.0.2.7", "app-server");
      c.mail("erin@mail.ed.example", null);
      c.rcpt("frank@elsewhere.example");
      MilterResponse sig = only(c.message(msg), SMFIR_INSHEADER);
      assertThat(MilterTestClient.text(sig)).contains("a=ed25519-sha256").contains("d=ed.example");
      assertThat(
              Dkim.check()
                  .verify(
                      withInsertedHeader(msg, sig), DNS, java.time.Clock.systemUTC(), Runnable::run)
                  .join()
                  .outcome())
          .isEqualTo(Outcome.PASS);
    }
  }

  @Test
  void outboundWithoutAKeyForTheFromDomain_isNotSigned() throws Exception {
    try (MilterTestClient c = new MilterTestClient(server.port()).negotiate()) {
      c.connect("192.0.2.7", "app-server");
      c.mail("x@unrelated.example", null);
      c.rcpt("frank@elsewhere.example");
      assertThat(c.message(message("x@unrelated.example")))
          .containsExactly(MilterResponse.CONTINUE);
    }
  }

  @Test
  void authenticatedUserOverTheLimit_isDeferredAtRcpt() throws Exception {
    try (MilterTestClient c = new MilterTestClient(server.port()).negotiate()) {
      c.connect("192.0.2.99", "laptop");
      c.mail("mallory@example.com", "mallory");
      assertThat(c.rcpt("r1@x.example")).containsExactly(MilterResponse.CONTINUE);
      assertThat(c.rcpt("r2@x.example")).containsExactly(MilterResponse.CONTINUE);
      List<MilterResponse> third = c.rcpt("r3@x.example");
      assertThat(MilterTestClient.text(third.get(0)))
          .startsWith("450 4.7.1")
          .contains("rate limit");
    }
  }

  @Test
  void headerBlockOverTheCap_isRefusedAtEndOfHeaders() throws Exception {
    MilterConfig cfg = config("max-header-bytes = 2048\n");
    StringBuilder big = new StringBuilder("X-Filler: ");
    big.append("x".repeat(3000));
    try (MilterPipelines p =
            new MilterPipelines(cfg, MailwardenRuntime.builder().dns(DNS).executor(WORK).build());
        MilterServer s = start(cfg, p, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        MilterTestClient c = new MilterTestClient(s.port()).negotiate()) {
      c.connect("203.0.113.9", "mail.signer.example");
      c.mail("alice@signer.example", null);
      c.rcpt("bob@test.example");
      List<MilterResponse> eoh = c.headers(message("alice@signer.example", big.toString()));
      assertThat(MilterTestClient.text(eoh.get(eoh.size() - 1))).startsWith("552 5.3.4");
    }
  }

  @Test
  void fiftyMegabyteMessage_streamsThrough_withFlatHeap_andItsSignatureVerifies() throws Exception {
    int chunk = MilterProtocol.CHUNK_SIZE;
    long total = 50L << 20;
    byte[] line =
        "The quick brown fox jumps over the lazy dog, again and again.  \r\n"
            .getBytes(StandardCharsets.US_ASCII);
    byte[] block = new byte[chunk];
    for (int i = 0; i < chunk; i++) {
      block[i] = line[i % line.length];
    }
    byte[] head = message("alice@signer.example");
    String headText = new String(head, StandardCharsets.ISO_8859_1);
    head =
        headText
            .substring(0, headText.indexOf("\r\n\r\n") + 4)
            .getBytes(StandardCharsets.ISO_8859_1);
    // sign the 50 MB message by streaming it (the test must not hold it either)
    DkimSigningStream signing =
        DkimSigner.builder()
            .domain("signer.example")
            .selector("s1")
            .privateKey(INBOUND_KEY.privateKey())
            .build()
            .stream();
    signing.write(head, 0, head.length);
    for (long sent = 0; sent < total; sent += chunk) {
      signing.write(block, 0, chunk);
    }
    signing.close();
    byte[] signedHead =
        (signing.signatureField() + new String(head, StandardCharsets.ISO_8859_1))
            .getBytes(StandardCharsets.ISO_8859_1);

    try (MilterTestClient c = new MilterTestClient(server.port())) {
      // without SMFIP_NR_BODY every chunk is answered, so the milter has read everything sent
      c.send(Frames.optneg(6, 0x1ff, 0x1fffff & ~SMFIP_NR_BODY));
      MilterDecoder.Frame neg = c.readFrame().orElseThrow();
      c.actions = Frames.int32(neg.data(), 4);
      c.protocol = Frames.int32(neg.data(), 8);
      c.connect("203.0.113.9", "mail.signer.example");
      c.mail("alice@signer.example", null);
      c.rcpt("bob@test.example");
      c.headers(signedHead);
      long baseline = 0;
      long atFive = 0;
      for (long sent = 0; sent < total; sent += chunk) {
        assertThat(c.call(Frames.body(block), SMFIP_NR_BODY))
            .containsExactly(MilterResponse.CONTINUE);
        if (sent == 0) {
          baseline = usedHeapAfterGc();
        }
        if (sent == 80L * chunk) {
          atFive = usedHeapAfterGc();
        }
      }
      long atFifty = usedHeapAfterGc();
      assertThat(atFifty - baseline).as("heap growth over 50 MB of body").isLessThan(8L << 20);
      assertThat(atFifty - atFive).as("heap growth from 5 MB to 50 MB").isLessThan(8L << 20);
      List<MilterResponse> eom = c.endOfMessage();
      assertThat(MilterTestClient.text(only(eom, SMFIR_INSHEADER)))
          .contains("dkim=pass")
          .contains("dmarc=pass");
    }
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  @Test
  void abortMidMessage_thenANewMessageOnTheSameConnection_isEvaluatedAfresh() throws Exception {
    try (MilterTestClient c = new MilterTestClient(server.port()).negotiate()) {
      c.connect("203.0.113.9", "mail.signer.example");
      c.mail("billing@paypal.example", null);
      c.rcpt("bob@test.example");
      c.headers(message("billing@paypal.example"));
      c.send(Frames.empty(SMFIC_ABORT));
      c.mail("alice@signer.example", null);
      c.rcpt("bob@test.example");
      List<MilterResponse> eom =
          c.message(signedBy(message("alice@signer.example"), "signer.example", "s1", INBOUND_KEY));
      assertThat(MilterTestClient.text(only(eom, SMFIR_INSHEADER)))
          .contains("dmarc=pass")
          .doesNotContain("paypal");
    }
  }

  @Test
  void oversizedFrame_isAnsweredTempfail_andTheConnectionClosed() throws Exception {
    try (MilterTestClient c = new MilterTestClient(server.port()).negotiate()) {
      c.send(new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 'B'});
      assertThat(c.readFrame().orElseThrow().code()).isEqualTo(SMFIR_TEMPFAIL);
      assertThat(c.closedByMilter()).isTrue();
    }
  }

  @Test
  void unknownCommand_withOnErrorAccept_isAnsweredContinue_andTheConnectionClosed()
      throws Exception {
    MilterConfig cfg = config("on-error = accept\n");
    try (MilterPipelines p =
            new MilterPipelines(cfg, MailwardenRuntime.builder().dns(DNS).executor(WORK).build());
        MilterServer s = start(cfg, p, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        MilterTestClient c = new MilterTestClient(s.port()).negotiate()) {
      c.send(Frames.frame((byte) 'Z', new byte[3]));
      assertThat(c.readFrame().orElseThrow().code()).isEqualTo(SMFIR_CONTINUE);
      assertThat(c.closedByMilter()).isTrue();
    }
  }

  @Test
  void idleConnection_isClosedAfterTheIdleTimeout() throws Exception {
    try (MilterTestClient c = new MilterTestClient(server.port()).negotiate()) {
      long start = System.nanoTime();
      assertThat(c.closedByMilter()).isTrue();
      assertThat((System.nanoTime() - start) / 1_000_000).isBetween(1_000L, 10_000L);
    }
  }

  @Test
  void connectionsOverTheLimit_areClosedAtOnce() throws Exception {
    MilterConfig cfg = config("max-connections = 1\n");
    try (MilterPipelines p =
            new MilterPipelines(cfg, MailwardenRuntime.builder().dns(DNS).executor(WORK).build());
        MilterServer s = start(cfg, p, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        MilterTestClient first = new MilterTestClient(s.port()).negotiate();
        MilterTestClient second = new MilterTestClient(s.port())) {
      assertThat(second.closedByMilter()).isTrue();
      first.connect("203.0.113.9", "x");
      first.mail("a@signer.example", null);
      assertThat(first.rcpt("b@test.example")).containsExactly(MilterResponse.CONTINUE);
    }
  }

  @Test
  @SuppressWarnings("try") // the server must be running; the test talks to it over its socket
  void unixDomainSocket_negotiatesAndAnswers() throws Exception {
    Path sock = dir.resolve("milter.sock");
    MilterConfig cfg = config("");
    try (MilterServer s = start(cfg, pipelines, UnixDomainSocketAddress.of(sock));
        SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
      var out = Channels.newOutputStream(ch);
      var in = Channels.newInputStream(ch);
      out.write(Frames.optneg(6, 0x1ff, 0x1fffff));
      out.write(Frames.macros('M', "i", "Q1"));
      out.write(Frames.mail("<a@example.org>"));
      out.write(Frames.rcpt("<b@test.example>"));
      out.flush();
      MilterDecoder d = new MilterDecoder(1 << 16);
      assertThat(d.readFrame(in).orElseThrow().code()).isEqualTo(SMFIR_OPTNEG);
      assertThat(d.readFrame(in).orElseThrow().code())
          .isEqualTo(SMFIR_CONTINUE); // RCPT; MAIL is not answered
    }
    assertThat(sock).doesNotExist();
  }

  @Test
  void serverClose_stopsItsThreads() throws Exception {
    MilterConfig cfg = config("");
    MilterServer s =
        start(cfg, pipelines, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    try (MilterTestClient c = new MilterTestClient(s.port()).negotiate()) {
      c.connect("203.0.113.9", "x");
      s.close();
      assertThat(c.closedByMilter()).isTrue();
    }
    Thread.sleep(200);
    assertThat(
            Thread.getAllStackTraces().keySet().stream()
                .map(Thread::getName)
                .filter(n -> n.startsWith("milter-") && !n.startsWith("milter-conn"))
                .count())
        .as("accept and reaper threads of the closed server and of the shared one")
        .isLessThanOrEqualTo(2);
  }
}
