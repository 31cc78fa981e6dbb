package dev.mailwarden.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.CapExceeded;
import dev.mailwarden.CheckEvent;
import dev.mailwarden.EvaluationListener;
import dev.mailwarden.MailSession;
import dev.mailwarden.MailWarden;
import dev.mailwarden.Outcome;
import dev.mailwarden.auth.arc.Arc;
import dev.mailwarden.auth.dkim.Dkim;
import dev.mailwarden.auth.dmarc.Dmarc;
import dev.mailwarden.auth.spf.Spf;
import dev.mailwarden.auth.spf.SpfEngine;
import dev.mailwarden.dns.ZoneResolver;
import dev.mailwarden.testing.TestRuntime;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Hostile input that reaches a cap is reported to the listener as {@link CapExceeded} (metrics
 * count it by cap), besides the check's permerror; input under the caps reports none.
 */
class CapExceededTest {
  private final List<String> caps = new CopyOnWriteArrayList<>();
  private final EvaluationListener listener =
      new EvaluationListener() {
        @Override
        public void onCheckEvent(String checkName, CheckEvent event) {
          if (event instanceof CapExceeded c) {
            caps.add(checkName + ":" + c.cap());
          }
        }
      };

  private MailSession.Builder session(String mailFrom) throws Exception {
    return MailSession.builder()
        .clientIp(InetAddress.getByName("192.0.2.1"))
        .helo("mx.example.com")
        .mailFrom(mailFrom);
  }

  @Test
  void spf_overTheLookupLimit_voidLimit_andMacroBudget_areReported() throws Exception {
    assertThat(spfOutcomes(SpfEngine.nativeEngine()))
        .containsExactly(Outcome.PERMERROR, Outcome.PERMERROR, Outcome.PERMERROR, Outcome.PASS);
    assertThat(caps)
        .containsExactly("spf:spf.dns-lookups", "spf:spf.void-lookups", "spf:spf.macro-expansion");
  }

  @Test
  void spf_jspfEngine_reportsTheVoidLimit() throws Exception {
    // our DNS service counts voids for jSPF; jSPF enforces its own 10-lookup limit but gives no
    // reason with its permerror, and has no macro budget of ours, so only voids are reported
    List<Outcome> outcomes = spfOutcomes(SpfEngine.jspf());
    assertThat(outcomes.subList(0, 2)).containsExactly(Outcome.PERMERROR, Outcome.PERMERROR);
    assertThat(outcomes.get(3)).isEqualTo(Outcome.PASS);
    assertThat(caps).containsExactly("spf:spf.void-lookups");
  }

  @Test
  void spf_jspfEngine_reportsItsTermCap() throws Exception {
    ZoneResolver dns =
        ZoneResolver.builder()
            .txt("long.example", "v=spf1 exists:" + "a".repeat(600) + ".example -all")
            .build();
    MailWarden warden =
        MailWarden.builder(TestRuntime.of(dns))
            .check(Spf.builder().engine(SpfEngine.jspf()).build())
            .listener(listener)
            .build();
    assertThat(
            warden
                .evaluateAndWait(session("a@long.example").build())
                .result(Spf.KEY)
                .orElseThrow()
                .outcome())
        .isEqualTo(Outcome.PERMERROR);
    assertThat(caps).containsExactly("spf:spf.term-octets");
  }

  /** Outcomes for many.example, voids.example, macro.example and fine.example, in that order. */
  private List<Outcome> spfOutcomes(SpfEngine engine) throws Exception {
    StringBuilder eleven = new StringBuilder("v=spf1");
    StringBuilder hosts = new StringBuilder("$ORIGIN many.example.\n");
    for (int i = 0; i < 11; i++) {
      eleven.append(" a:h").append(i).append(".many.example");
      hosts.append("h").append(i).append(" 300 IN A 198.51.100.").append(i + 1).append('\n');
    }
    ZoneResolver dns =
        ZoneResolver.builder()
            .zone(hosts.toString())
            .txt("many.example", eleven + " -all")
            .txt(
                "voids.example",
                "v=spf1 a:n1.voids.example a:n2.voids.example a:n3.voids.example -all")
            .txt("macro.example", "v=spf1 a:%{l}%{l}%{l}%{l}%{l}%{l}%{l}%{l}.macro.example -all")
            .txt("fine.example", "v=spf1 ip4:192.0.2.0/24 -all")
            .build();
    MailWarden warden =
        MailWarden.builder(TestRuntime.of(dns))
            .check(Spf.builder().engine(engine).maxMacroExpansion(256).build())
            .listener(listener)
            .build();
    List<Outcome> outcomes = new java.util.ArrayList<>();
    for (String sender :
        List.of(
            "a@many.example",
            "a@voids.example",
            "x".repeat(60) + "@macro.example",
            "a@fine.example")) {
      outcomes.add(
          warden.evaluateAndWait(session(sender).build()).result(Spf.KEY).orElseThrow().outcome());
    }
    return outcomes;
  }

  @Test
  void dkim_headerSectionOverItsCap_andSignaturesOverTheLimit_areReported() throws Exception {
    MailWarden warden =
        MailWarden.builder(TestRuntime.of(ZoneResolver.builder().build()))
            .check(Dkim.builder().maxHeaderBytes(4096).maxSignatures(2).build())
            .listener(listener)
            .build();
    String bigHeader = "Subject: " + "x".repeat(8000) + "\r\n";
    String sig =
        "DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=s; h=from; bh=AAAA; b=AAAA\r\n";

    warden.evaluateAndWait(
        session("a@example.com")
            .message(
                ("From: a@example.com\r\n" + bigHeader + "\r\nbody\r\n")
                    .getBytes(StandardCharsets.US_ASCII))
            .build());
    warden.evaluateAndWait(
        session("a@example.com")
            .message(
                (sig + sig + sig + "From: a@example.com\r\n\r\nbody\r\n")
                    .getBytes(StandardCharsets.US_ASCII))
            .build());
    warden.evaluateAndWait(
        session("a@example.com")
            .message(
                (sig + "From: a@example.com\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII))
            .build());

    assertThat(caps).containsExactly("dkim:dkim.header-bytes", "dkim:dkim.signatures");
  }

  @Test
  void dkim_perSignatureCaps_areReportedOncePerMessageByName() throws Exception {
    // an RSA key with a 101-bit public exponent (the cap is 64): a stranger's key sets the cost
    java.math.BigInteger modulus = java.math.BigInteger.ONE.shiftLeft(2047).setBit(0).setBit(5);
    java.math.BigInteger exponent = java.math.BigInteger.ONE.shiftLeft(100).setBit(0);
    byte[] der =
        java.security.KeyFactory.getInstance("RSA")
            .generatePublic(new java.security.spec.RSAPublicKeySpec(modulus, exponent))
            .getEncoded();
    ZoneResolver dns =
        ZoneResolver.builder()
            .txt(
                "big._domainkey.example.com",
                "v=DKIM1; k=rsa; p=" + java.util.Base64.getEncoder().encodeToString(der))
            .build();
    MailWarden warden =
        MailWarden.builder(TestRuntime.of(dns))
            .check(Dkim.builder().maxSignatures(10).build())
            .listener(listener)
            .build();
    String head = "DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=s; bh=AAAA; b=AAAA; ";
    String manyNames = head + "h=from" + ":x".repeat(300) + "\r\n";
    StringBuilder manyTags = new StringBuilder(head + "h=from");
    for (int i = 0; i < 70; i++) {
      manyTags.append("; x").append(i).append("=y");
    }
    manyTags.append("\r\n");
    String longField = head + "h=from; z=" + "x".repeat(17_000) + "\r\n";
    String bigKey =
        "DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=big; h=from; bh=AAAA; b=AAAA\r\n";

    warden.evaluateAndWait(
        session("a@example.com")
            .message(
                (manyNames
                        + manyNames
                        + manyTags
                        + longField
                        + bigKey
                        + "From: a@example.com\r\n\r\nbody\r\n")
                    .getBytes(StandardCharsets.US_ASCII))
            .build());

    assertThat(caps)
        .containsExactlyInAnyOrder(
            "dkim:dkim.signed-headers",
            "dkim:dkim.tags",
            "dkim:dkim.signature-bytes",
            "dkim:dkim.key-bits");
  }

  @Test
  void dmarc_fromValueOverItsCap_isReported() throws Exception {
    MailWarden warden =
        MailWarden.builder(TestRuntime.of(ZoneResolver.builder().build()))
            .check(Dmarc.check())
            .listener(listener)
            .build();
    String longFrom = "From: " + "a".repeat(17 * 1024) + "@example.com\r\n\r\nbody\r\n";

    warden.evaluateAndWait(
        session("a@example.com").message(longFrom.getBytes(StandardCharsets.US_ASCII)).build());
    warden.evaluateAndWait(
        session("a@example.com")
            .message("From: a@example.com\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII))
            .build());

    assertThat(caps).containsExactly("dmarc:dmarc.from-bytes");
  }

  @Test
  void arc_instanceOverTheSetCap_andAFieldOverTheByteCap_areReported() throws Exception {
    MailWarden warden =
        MailWarden.builder(TestRuntime.of(ZoneResolver.builder().build()))
            .check(Arc.builder().maxSets(5).maxFieldBytes(2048).build())
            .listener(listener)
            .build();
    String seal = "ARC-Seal: i=6; a=rsa-sha256; cv=none; d=example.org; s=arc; b=AAAA\r\n";
    String bigAar =
        "ARC-Authentication-Results: i=1; mx.example.org; spf=pass " + "x".repeat(4096) + "\r\n";
    String oneSet = "ARC-Authentication-Results: i=1; mx.example.org; spf=pass\r\n";

    for (String arc : List.of(seal, bigAar, oneSet)) {
      warden.evaluateAndWait(
          session("a@example.com")
              .message(
                  (arc + "From: a@example.com\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII))
              .build());
    }

    assertThat(caps).containsExactly("arc:arc.sets", "arc:arc.field-bytes");
  }
}
