package dev.mailwarden.examples.milter;

import static dev.mailwarden.examples.milter.MilterProtocol.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.MailwardenRuntime;
import dev.mailwarden.auth.arc.Arc;
import dev.mailwarden.auth.arc.ArcResult;
import dev.mailwarden.auth.arc.ArcSealer;
import dev.mailwarden.auth.arc.ArcStatus;
import dev.mailwarden.auth.arc.ArcStream;
import dev.mailwarden.auth.dkim.DkimKeyPair;
import dev.mailwarden.auth.dkim.DkimKeys;
import dev.mailwarden.dns.DnsStatus;
import dev.mailwarden.dns.ZoneResolver;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code arc-seal}: the milter behind a real {@link MilterServer} on loopback, driven by the test
 * MTA ({@link MilterTestClient}); the message as it leaves is rebuilt from the milter's inserts and
 * validated with mailwarden's own {@link Arc#check()} against a DNS fixture holding the public
 * keys.
 */
class MilterArcSealTest {
  static final String ID = "mx.test.example";
  static final DkimKeyPair INBOUND_KEY = DkimKeys.rsa(2048);
  static final DkimKeyPair OUR_ARC = DkimKeys.rsa(2048);
  static final DkimKeyPair LIST_ARC = DkimKeys.rsa(2048);
  static final ZoneResolver DNS =
      ZoneResolver.builder()
          .txt("s1._domainkey.signer.example", INBOUND_KEY.txtRecord())
          .txt("_dmarc.signer.example", "v=DMARC1; p=reject")
          .txt("arc._domainkey.test.example", OUR_ARC.txtRecord())
          .txt("arc._domainkey.lists.example.org", LIST_ARC.txtRecord())
          .fail("arc._domainkey.broken.example", DnsStatus.SERVFAIL)
          .build();

  @TempDir static Path dir;
  static final ExecutorService WORK = Executors.newFixedThreadPool(2);
  static MilterPipelines pipelines;
  static MilterServer server;

  @BeforeAll
  static void start() throws Exception {
    Files.writeString(dir.resolve("arc.pem"), OUR_ARC.privateKeyPem());
    MilterConfig cfg = config("");
    pipelines =
        new MilterPipelines(cfg, MailwardenRuntime.builder().dns(DNS).executor(WORK).build());
    server = MailwardenMilterTest.start(cfg, pipelines, loopback());
  }

  static InetSocketAddress loopback() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
  }

  static MilterConfig config(String extra) {
    return MilterConfig.parse(
        String.join(
            "\n",
            "authserv-id = " + ID,
            "helo = off",
            "sign-networks = 192.0.2.0/24",
            "arc-seal = test.example:arc:" + dir.resolve("arc.pem"),
            "deadline = 2s",
            "command-timeout = 5s",
            extra),
        "test");
  }

  @AfterAll
  static void stop() {
    server.close();
    pipelines.close();
    WORK.shutdownNow();
  }

  /** The upstream hop: lists.example.org records its results and seals with {@code cv}. */
  static byte[] sealedUpstream(String domain, byte[] message, ArcStatus cv) {
    ArcSealer upstream =
        ArcSealer.builder()
            .domain(domain)
            .selector("arc")
            .privateKey(LIST_ARC.privateKey())
            .authservId(domain)
            .build();
    String ar = "Authentication-Results: " + domain + "; spf=pass smtp.mailfrom=example.com\r\n";
    return upstream.seal(bytes(ar + text(message)), cv);
  }

  /** Inbound from 203.0.113.9, the whole message; the end-of-message responses. */
  static List<MilterResponse> inbound(MilterTestClient c, String from, byte[] msg)
      throws IOException {
    c.connect("203.0.113.9", "mail.example.net");
    c.mail(from, null);
    assertThat(c.rcpt("bob@test.example")).containsExactly(MilterResponse.CONTINUE);
    return c.message(msg);
  }

  /** The message as it leaves the MTA: every insert (all at index 0) prepended in turn. */
  static byte[] leaving(byte[] msg, List<MilterResponse> eom) {
    byte[] out = msg;
    for (MilterResponse r : eom) {
      if (r.code() == SMFIR_INSHEADER) {
        assertThat(Frames.int32(r.data(), 0)).as("insert index").isZero();
        out = MailwardenMilterTest.withInsertedHeader(out, r);
      }
    }
    return out;
  }

  static List<String> insertedNames(List<MilterResponse> eom) {
    return eom.stream()
        .filter(r -> r.code() == SMFIR_INSHEADER)
        .map(r -> MilterTestClient.text(r).substring(4).split("\0")[0])
        .toList();
  }

  /** The first header field of that name, folded lines included, ending in CRLF. */
  static String field(byte[] message, String name) {
    String t = text(message);
    String head = "\r\n" + t.substring(0, t.indexOf("\r\n\r\n") + 2);
    int at = head.indexOf("\r\n" + name + ":");
    assertThat(at).as(name + " in " + head).isNotNegative();
    int end = at + 2;
    do {
      end = head.indexOf("\r\n", end) + 2;
    } while (end < head.length() && (head.charAt(end) == ' ' || head.charAt(end) == '\t'));
    return head.substring(at + 2, end);
  }

  static ArcResult verify(byte[] m) throws Exception {
    return Arc.check().verify(m, DNS).get(10, TimeUnit.SECONDS);
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void freshMessage_getsArcSetAtTheTop_cvNone_andItVerifiesPass_withAndWithoutLeadingSpace()
      throws Exception {
    byte[] msg =
        MailwardenMilterTest.signedBy(
            MailwardenMilterTest.message("alice@signer.example"),
            "signer.example",
            "s1",
            INBOUND_KEY);
    for (boolean leadingSpace : new boolean[] {true, false}) {
      try (MilterTestClient c = new MilterTestClient(server.port())) {
        int protocol = leadingSpace ? 0x1fffff : 0x1fffff & ~SMFIP_HDR_LEADSPC;
        c.send(Frames.optneg(6, 0x1ff, protocol));
        MilterDecoder.Frame neg = c.readFrame().orElseThrow();
        c.actions = Frames.int32(neg.data(), 4);
        c.protocol = Frames.int32(neg.data(), 8);
        List<MilterResponse> eom = inbound(c, "alice@signer.example", msg);
        assertThat(eom.get(eom.size() - 1)).isEqualTo(MilterResponse.CONTINUE);
        assertThat(insertedNames(eom))
            .containsExactly(
                "Authentication-Results",
                "ARC-Authentication-Results",
                "ARC-Message-Signature",
                "ARC-Seal");
        byte[] out = leaving(msg, eom);
        // top down: ARC-Seal, ARC-Message-Signature, ARC-Authentication-Results, our A-R
        assertThat(text(out))
            .startsWith("ARC-Seal:")
            .containsPattern(
                "(?s)^ARC-Seal:.*\r\nARC-Message-Signature:.*\r\nARC-Authentication-Results:.*"
                    + "\r\nAuthentication-Results: ?"
                    + ID
                    + ";.*\r\nDKIM-Signature:");
        assertThat(field(out, "ARC-Seal")).contains("i=1").contains("cv=none");
        assertThat(field(out, "ARC-Seal")).contains("d=test.example").contains("s=arc");
        String ar = field(out, "Authentication-Results");
        assertThat(ar).contains("arc=none").contains("dkim=pass").contains("dmarc=pass");
        String aar = field(out, "ARC-Authentication-Results");
        assertThat(aar.replaceFirst(":\\s*", ": "))
            .startsWith("ARC-Authentication-Results: i=1; " + ID + ";");
        // the AAR carries our Authentication-Results clauses
        assertThat(aar.replaceAll("\\s+", " "))
            .contains("arc=none")
            .contains("dkim=pass header.d=signer.example")
            .contains("dmarc=pass");
        ArcResult r = verify(out);
        assertThat(r.status()).as(r.toString()).isEqualTo(ArcStatus.PASS);
        assertThat(r.instanceCount()).isEqualTo(1);
        assertThat(r.sets().get(0).sealDomain()).isEqualTo("test.example");
        byte[] tampered = bytes(text(out).replace("Hello Bob", "Hello Eve"));
        assertThat(verify(tampered).status()).isEqualTo(ArcStatus.FAIL);
      }
    }
  }

  @Test
  void passingChain_isExtendedWithCvPass_atInstanceTwo() throws Exception {
    byte[] msg =
        sealedUpstream(
            "lists.example.org",
            MailwardenMilterTest.message("alice@nodmarc.example"),
            ArcStatus.NONE);
    try (MilterTestClient c = new MilterTestClient(server.port()).negotiate()) {
      List<MilterResponse> eom = inbound(c, "alice@nodmarc.example", msg);
      byte[] out = leaving(msg, eom);
      assertThat(field(out, "Authentication-Results"))
          .startsWith("Authentication-Results: " + ID)
          .contains("arc=pass");
      assertThat(field(out, "ARC-Seal")).contains("i=2").contains("cv=pass");
      ArcResult r = verify(out);
      assertThat(r.status()).as(r.toString()).isEqualTo(ArcStatus.PASS);
      assertThat(r.instanceCount()).isEqualTo(2);
      assertThat(r.sets())
          .extracting(s -> s.sealDomain())
          .containsExactly("lists.example.org", "test.example");
    }
  }

  @Test
  void brokenChain_isSealedWithCvFail_andThatSealEndsTheChain() throws Exception {
    byte[] upstream =
        sealedUpstream(
            "lists.example.org",
            MailwardenMilterTest.message("alice@nodmarc.example"),
            ArcStatus.NONE);
    byte[] msg = bytes(text(upstream).replace("this is the body", "this is a changed body"));
    byte[] out;
    try (MilterTestClient c = new MilterTestClient(server.port()).negotiate()) {
      List<MilterResponse> eom = inbound(c, "alice@nodmarc.example", msg);
      assertThat(eom.get(eom.size() - 1)).isEqualTo(MilterResponse.CONTINUE);
      out = leaving(msg, eom);
    }
    assertThat(field(out, "Authentication-Results"))
        .startsWith("Authentication-Results: " + ID)
        .contains("arc=fail reason=\"ARC-Message-Signature i=1: body hash did not verify\"");
    assertThat(field(out, "ARC-Seal")).contains("i=2").contains("cv=fail");
    ArcResult r = verify(out);
    assertThat(r.status()).isEqualTo(ArcStatus.FAIL);
    assertThat(r.reason()).contains("i=2 records cv=fail");

    // the next hop running this milter does not seal the ended chain again
    try (MilterTestClient c = new MilterTestClient(server.port()).negotiate()) {
      List<MilterResponse> eom = inbound(c, "alice@nodmarc.example", out);
      assertThat(insertedNames(eom)).containsExactly("Authentication-Results");
      assertThat(MilterTestClient.text(MailwardenMilterTest.only(eom, SMFIR_INSHEADER)))
          .contains("arc=fail reason=\"the ARC-Seal of i=2 records cv=fail\"");
      assertThat(eom.get(eom.size() - 1)).isEqualTo(MilterResponse.CONTINUE);
    }
  }

  @Test
  void chainWhoseKeyLookupFails_isNotSealed_andPassesWithArcFailNamingTheLookup() throws Exception {
    byte[] msg =
        sealedUpstream(
            "broken.example",
            MailwardenMilterTest.message("alice@nodmarc.example"),
            ArcStatus.NONE);
    try (MilterTestClient c = new MilterTestClient(server.port()).negotiate()) {
      List<MilterResponse> eom = inbound(c, "alice@nodmarc.example", msg);
      assertThat(insertedNames(eom)).containsExactly("Authentication-Results");
      // arc= knows only none/pass/fail (RFC 8617); the reason says it was DNS, not a broken chain
      assertThat(MilterTestClient.text(MailwardenMilterTest.only(eom, SMFIR_INSHEADER)))
          .contains("arc=fail")
          .contains("arc._domainkey.broken.example: SERVFAIL");
      assertThat(eom.get(eom.size() - 1)).isEqualTo(MilterResponse.CONTINUE);
    }
  }

  @Test
  void outboundMail_isNotSealed() throws Exception {
    try (MilterTestClient c = new MilterTestClient(server.port()).negotiate()) {
      c.connect("192.0.2.7", "app-server");
      c.mail("x@unrelated.example", null);
      c.rcpt("frank@elsewhere.example");
      assertThat(c.message(MailwardenMilterTest.message("x@unrelated.example")))
          .containsExactly(MilterResponse.CONTINUE);
    }
  }

  @Test
  void dmarcRejectFailure_isRefused_notSealed() throws Exception {
    try (MilterTestClient c = new MilterTestClient(server.port()).negotiate()) {
      List<MilterResponse> eom =
          inbound(c, "alice@signer.example", MailwardenMilterTest.message("alice@signer.example"));
      assertThat(eom).hasSize(1);
      assertThat(MilterTestClient.text(eom.get(0))).startsWith("550 5.7.1");
    }
  }

  @Test
  void headerBlockOverTheDkimCap_isNotSealed_butPassesThrough() throws Exception {
    MilterConfig cfg = config("max-header-bytes = 4194304\n");
    StringBuilder filler = new StringBuilder();
    String line = "X-Filler: " + "x".repeat(900);
    for (int i = 0; i < 1200; i++) { // about 1.1 MB, over DKIM's 1 MiB header cap
      filler.append(line).append(i).append(i + 1 < 1200 ? "\r\n" : "");
    }
    byte[] msg = MailwardenMilterTest.message("alice@nodmarc.example", filler.toString());
    try (MilterPipelines p =
            new MilterPipelines(cfg, MailwardenRuntime.builder().dns(DNS).executor(WORK).build());
        MilterServer s = MailwardenMilterTest.start(cfg, p, loopback());
        MilterTestClient c = new MilterTestClient(s.port()).negotiate()) {
      List<MilterResponse> eom = inbound(c, "alice@nodmarc.example", msg);
      assertThat(insertedNames(eom)).containsExactly("Authentication-Results");
      assertThat(eom.get(eom.size() - 1)).isEqualTo(MilterResponse.CONTINUE);
    }
  }

  @Test
  void thirtyTwoMegabyteBody_isSealedWithFlatHeap_andTheSealVerifiesWhenStreamedBack()
      throws Exception {
    int chunk = MilterProtocol.CHUNK_SIZE;
    long total = 32L << 20;
    byte[] line =
        "The quick brown fox jumps over the lazy dog, again and again.  \r\n"
            .getBytes(StandardCharsets.US_ASCII);
    byte[] block = new byte[chunk];
    for (int i = 0; i < chunk; i++) {
      block[i] = line[i % line.length];
    }
    String t = text(MailwardenMilterTest.message("alice@nodmarc.example"));
    byte[] head = bytes(t.substring(0, t.indexOf("\r\n\r\n") + 4));
    List<MilterResponse> eom;
    long growth;
    try (MilterTestClient c = new MilterTestClient(server.port())) {
      // without SMFIP_NR_BODY every chunk is answered, so the milter has read everything sent
      c.send(Frames.optneg(6, 0x1ff, 0x1fffff & ~SMFIP_NR_BODY));
      MilterDecoder.Frame neg = c.readFrame().orElseThrow();
      c.actions = Frames.int32(neg.data(), 4);
      c.protocol = Frames.int32(neg.data(), 8);
      c.connect("203.0.113.9", "mail.example.net");
      c.mail("alice@nodmarc.example", null);
      c.rcpt("bob@test.example");
      c.headers(head);
      long baseline = 0;
      for (long sent = 0; sent < total; sent += chunk) {
        c.call(Frames.body(block), SMFIP_NR_BODY);
        if (sent == 0) {
          baseline = usedHeapAfterGc();
        }
      }
      growth = usedHeapAfterGc() - baseline;
      eom = c.endOfMessage();
    }
    assertThat(growth).as("heap growth over 32 MB of body").isLessThan(8L << 20);
    assertThat(insertedNames(eom)).contains("ARC-Seal");
    // the message as it leaves, streamed through our validator (the test does not hold it either)
    byte[] leavingHead = leaving(head, eom);
    ArcStream check = Arc.check().stream(DNS, Runnable::run);
    check.write(leavingHead);
    for (long sent = 0; sent < total; sent += chunk) {
      check.write(block);
    }
    check.close();
    ArcResult r = check.result().get(10, TimeUnit.SECONDS);
    assertThat(r.status()).as(r.toString()).isEqualTo(ArcStatus.PASS);
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
