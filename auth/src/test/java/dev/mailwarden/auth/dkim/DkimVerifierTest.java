package dev.mailwarden.auth.dkim;

import static dev.mailwarden.auth.dkim.DkimTestKeys.CLOCK;
import static dev.mailwarden.auth.dkim.DkimTestKeys.message;
import static dev.mailwarden.auth.dkim.DkimTestKeys.withBody;
import static dev.mailwarden.auth.dkim.DkimTestKeys.zone;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailwarden.AuthResult;
import dev.mailwarden.CheckContext;
import dev.mailwarden.Checker;
import dev.mailwarden.MailSession;
import dev.mailwarden.Outcome;
import dev.mailwarden.dns.DnsResolver;
import dev.mailwarden.dns.ZoneResolver;
import dev.mailwarden.testing.CheckerContract;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DkimVerifierTest extends CheckerContract {

  @Override
  protected Checker<?> checker() {
    return Dkim.check();
  }

  @Override
  protected MailSession session() {
    return MailSession.builder()
        .message(DkimTestKeys.rsaSigner().build().signMessage(message()))
        .build();
  }

  private static DkimResult verify(byte[] msg, DnsResolver dns) throws Exception {
    return Dkim.check().verify(msg, dns, CLOCK, Runnable::run).get(5, TimeUnit.SECONDS);
  }

  @Test
  void rsaSignedMessage_passesWithDetails() throws Exception {
    DkimResult r = verify(DkimTestKeys.rsaSigner().build().signMessage(message()), zone());
    assertThat(r.outcome()).isEqualTo(Outcome.PASS);
    DkimSignatureResult s = r.signatures().get(0);
    assertThat(s.domain()).isEqualTo("example.com");
    assertThat(s.selector()).isEqualTo("rsa");
    assertThat(s.identity()).isEqualTo("@example.com");
    assertThat(s.algorithm()).isEqualTo("rsa-sha256");
    assertThat(s.keyBits()).isEqualTo(2048);
    assertThat(s.bodyLengthLimit()).isEmpty();
    assertThat(r.fromHeaderCount()).isEqualTo(1);
  }

  @Test
  void ed25519SignedMessage_passes() throws Exception {
    DkimResult r = verify(DkimTestKeys.edSigner().build().signMessage(message()), zone());
    assertThat(r.outcome()).isEqualTo(Outcome.PASS);
    assertThat(r.signatures().get(0).algorithm()).isEqualTo("ed25519-sha256");
    assertThat(r.signatures().get(0).keyBits()).isEqualTo(256);
  }

  @Test
  void everyCanonicalizationPair_roundTrips() throws Exception {
    for (Canonicalization h : Canonicalization.values()) {
      for (Canonicalization b : Canonicalization.values()) {
        byte[] signed =
            DkimTestKeys.edSigner().canonicalization(h, b).build().signMessage(message());
        assertThat(verify(signed, zone()).outcome()).as(h + "/" + b).isEqualTo(Outcome.PASS);
      }
    }
  }

  @Test
  void bodyChanged_fails() throws Exception {
    byte[] signed = DkimTestKeys.rsaSigner().build().signMessage(message());
    DkimResult r = verify(withBody(signed, "Hello Bob", "Hello Eve"), zone());
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(r.signatures().get(0).reason()).contains("body hash");
  }

  @Test
  void signedHeaderChanged_fails() throws Exception {
    byte[] signed = DkimTestKeys.rsaSigner().build().signMessage(message());
    DkimResult r = verify(withBody(signed, "Subject: Hello", "Subject: Hi"), zone());
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(r.signatures().get(0).reason()).contains("signature did not verify");
  }

  @Test
  void relaxed_toleratesWhitespaceAndRefolding() throws Exception {
    byte[] signed = DkimTestKeys.rsaSigner().build().signMessage(message());
    byte[] changed =
        withBody(
            withBody(signed, "Subject: Hello", "subject:   Hello\r\n "),
            "With  spaces.",
            "With spaces. ");
    assertThat(verify(changed, zone()).outcome()).isEqualTo(Outcome.PASS);
  }

  @Test
  void bareLineFeeds_verifyLikeCrlf() throws Exception {
    byte[] signed =
        DkimTestKeys.rsaSigner()
            .canonicalization(Canonicalization.SIMPLE, Canonicalization.SIMPLE)
            .build()
            .signMessage(message());
    byte[] lf =
        new String(signed, StandardCharsets.ISO_8859_1)
            .replace("\r\n", "\n")
            .getBytes(StandardCharsets.ISO_8859_1);
    assertThat(verify(lf, zone()).outcome()).isEqualTo(Outcome.PASS);
  }

  @Test
  void fromAddedAfterSigning_failsBecauseFromIsOversigned() throws Exception {
    byte[] signed = DkimTestKeys.rsaSigner().build().signMessage(message());
    byte[] twoFroms = withBody(signed, "To: bob", "From: mallory@example.net\r\nTo: bob");
    DkimResult r = verify(twoFroms, zone());
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(r.fromHeaderCount()).isEqualTo(2);
    assertThat(r.hasMultipleFrom()).isTrue();
  }

  @Test
  void keyServfail_isTemperror() throws Exception {
    byte[] signed =
        DkimSigner.builder()
            .domain("example.com")
            .selector("broken")
            .privateKey(DkimTestKeys.RSA.privateKey())
            .clock(CLOCK)
            .build()
            .signMessage(message());
    assertThat(verify(signed, zone()).outcome()).isEqualTo(Outcome.TEMPERROR);
  }

  @Test
  void keyNxdomain_isPermerrorNoKey() throws Exception {
    byte[] signed =
        DkimSigner.builder()
            .domain("example.com")
            .selector("gone")
            .privateKey(DkimTestKeys.RSA.privateKey())
            .clock(CLOCK)
            .build()
            .signMessage(message());
    DkimResult r = verify(signed, zone());
    assertThat(r.outcome()).isEqualTo(Outcome.PERMERROR);
    assertThat(r.reason()).contains("no key");
  }

  @Test
  void resolverFailingExceptionally_isTemperror() throws Exception {
    byte[] signed = DkimTestKeys.rsaSigner().build().signMessage(message());
    DnsResolver broken =
        (name, type) -> CompletableFuture.failedFuture(new IllegalStateException("boom"));
    assertThat(verify(signed, broken).outcome()).isEqualTo(Outcome.TEMPERROR);
  }

  @Test
  void revokedKey_isPermerror() throws Exception {
    byte[] signed = DkimTestKeys.rsaSigner().build().signMessage(message());
    ZoneResolver dns =
        ZoneResolver.builder().txt("rsa._domainkey.example.com", "v=DKIM1; k=rsa; p=").build();
    DkimResult r = verify(signed, dns);
    assertThat(r.outcome()).isEqualTo(Outcome.PERMERROR);
    assertThat(r.reason()).contains("revoked");
  }

  @Test
  void rsaKeyUnder1024Bits_isPolicyWithKeySize() throws Exception {
    byte[] signed = DkimTestKeys.rsaSigner().build().signMessage(message());
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(512);
    String p = Base64.getEncoder().encodeToString(g.generateKeyPair().getPublic().getEncoded());
    ZoneResolver dns =
        ZoneResolver.builder().txt("rsa._domainkey.example.com", "v=DKIM1; p=" + p).build();
    DkimResult r = verify(signed, dns);
    assertThat(r.outcome()).isEqualTo(Outcome.POLICY);
    assertThat(r.signatures().get(0).keyBits()).isEqualTo(512);
    assertThat(r.signatures().get(0).reason()).contains("RFC 8301");
  }

  @Test
  void rsaSha1_isPolicy() throws Exception {
    byte[] signed = DkimTestKeys.rsaSigner().build().signMessage(message());
    byte[] sha1 = withBody(signed, "a=rsa-sha256", "a=rsa-sha1");
    DkimResult r = verify(sha1, zone());
    assertThat(r.outcome()).isEqualTo(Outcome.POLICY);
    assertThat(r.reason()).contains("rsa-sha1");
  }

  @Test
  void timestampInTheFuture_beyondSkew_isPermerror_withinSkew_passes() throws Exception {
    byte[] signed =
        DkimSigner.builder()
            .domain("example.com")
            .selector("rsa")
            .privateKey(DkimTestKeys.RSA.privateKey())
            .clock(Clock.fixed(DkimTestKeys.NOW.plusSeconds(200), ZoneOffset.UTC))
            .build()
            .signMessage(message());
    assertThat(verify(signed, zone()).outcome()).isEqualTo(Outcome.PASS);
    DkimVerifier strict = Dkim.builder().clockSkew(Duration.ofSeconds(60)).build();
    DkimResult r = strict.verify(signed, zone(), CLOCK, Runnable::run).get();
    assertThat(r.outcome()).isEqualTo(Outcome.PERMERROR);
    assertThat(r.reason()).contains("future");
  }

  @Test
  void expiredSignature_isPermerror() throws Exception {
    byte[] signed =
        DkimTestKeys.rsaSigner().expireAfter(Duration.ofHours(1)).build().signMessage(message());
    assertThat(verify(signed, zone()).outcome()).isEqualTo(Outcome.PASS);
    Clock later = Clock.fixed(DkimTestKeys.NOW.plus(Duration.ofHours(2)), ZoneOffset.UTC);
    DkimResult r = Dkim.check().verify(signed, zone(), later, Runnable::run).get();
    assertThat(r.outcome()).isEqualTo(Outcome.PERMERROR);
    assertThat(r.reason()).contains("expired");
  }

  @Test
  void identityOutsideDomain_isPermerror() throws Exception {
    byte[] signed =
        DkimTestKeys.rsaSigner().identity("@mail.example.com").build().signMessage(message());
    assertThat(verify(signed, zone()).signatures().get(0).identity())
        .isEqualTo("@mail.example.com");
    byte[] outside = withBody(signed, "i=@mail.example.com", "i=@example.net");
    assertThat(verify(outside, zone()).outcome()).isEqualTo(Outcome.PERMERROR);
  }

  @Test
  void hWithoutFrom_orWithAnEmptyName_isPermerror() throws Exception {
    byte[] signed =
        DkimTestKeys.rsaSigner()
            .headers(java.util.List.of("from", "subject"))
            .build()
            .signMessage(message());
    DkimResult noFrom = verify(withBody(signed, "h=from:subject", "h=subject"), zone());
    assertThat(noFrom.outcome()).isEqualTo(Outcome.PERMERROR);
    assertThat(noFrom.reason()).contains("From");
    DkimResult empty = verify(withBody(signed, "h=from:subject", "h=from: :subject"), zone());
    assertThat(empty.outcome()).isEqualTo(Outcome.PERMERROR);
    assertThat(empty.reason()).contains("empty header name in h=");
  }

  @Test
  void noSignature_isNone_withOneNoneClause() throws Exception {
    DkimResult r = verify(message(), zone());
    assertThat(r.outcome()).isEqualTo(Outcome.NONE);
    assertThat(r.signatures()).isEmpty();
    assertThat(r.authResults()).extracting(AuthResult::render).containsExactly("dkim=none");
  }

  @Test
  void authResults_oneClausePerSignature_withHeaderProperties() throws Exception {
    byte[] once = DkimTestKeys.edSigner().build().signMessage(message());
    byte[] twice = DkimTestKeys.rsaSigner().build().signMessage(once);
    DkimResult r = verify(twice, zone());
    assertThat(r.signatures()).hasSize(2);
    assertThat(r.authResults()).hasSize(2);
    String first = r.authResults().get(0).render();
    String b = r.signatures().get(0).signaturePrefix();
    assertThat(b).hasSize(8);
    // base64 may contain '/', which RFC 8601 values can only carry inside a quoted-string
    String bValue = b.indexOf('/') >= 0 ? "\"" + b + "\"" : b;
    assertThat(first)
        .isEqualTo(
            "dkim=pass header.d=example.com header.i=@example.com header.s=rsa header.a=rsa-sha256 header.b="
                + bValue);
    assertThat(r.authResults().get(1).render()).contains("header.s=ed", "header.a=ed25519-sha256");
  }

  @Test
  void firstSignatureBroken_secondPasses_overallPass() throws Exception {
    byte[] once = DkimTestKeys.edSigner().build().signMessage(message());
    byte[] twice =
        DkimSigner.builder()
            .domain("example.com")
            .selector("gone")
            .privateKey(DkimTestKeys.RSA.privateKey())
            .clock(CLOCK)
            .build()
            .signMessage(once);
    DkimResult r = verify(twice, zone());
    assertThat(r.outcome()).isEqualTo(Outcome.PASS);
    assertThat(r.signatures())
        .extracting(DkimSignatureResult::outcome)
        .containsExactly(Outcome.PERMERROR, Outcome.PASS);
  }

  @Test
  void maxSignatures_limitsTheSignaturesEvaluated() throws Exception {
    byte[] m = message();
    for (int i = 0; i < 3; i++) {
      m = DkimTestKeys.edSigner().build().signMessage(m);
    }
    DkimResult r =
        Dkim.builder().maxSignatures(2).build().verify(m, zone(), CLOCK, Runnable::run).get();
    assertThat(r.signatures()).hasSize(2);
    assertThat(r.signaturesSkipped()).isEqualTo(1);
    assertThat(r.outcome()).isEqualTo(Outcome.PASS);
  }

  @Test
  void bodyLengthLimit_isPolicyByDefault_reportsRemainderWhenOptedIn_orFailsByPolicy()
      throws Exception {
    // our signer never writes l= (it invites appended content); a conformance message carries one
    java.nio.file.Path dir = dev.mailwarden.testing.Environment.requireConformance("dkim");
    byte[] appended =
        java.nio.file.Files.readAllBytes(dir.resolve("generated/l-tag-appended-body.eml"));
    com.fasterxml.jackson.databind.JsonNode zones =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(dir.resolve("cases.json").toFile())
            .get("zones")
            .get("generated");
    String key = zones.get("rsa2048._domainkey.example.com").get("txt").get(0).asText();
    ZoneResolver dns = ZoneResolver.builder().txt("rsa2048._domainkey.example.com", key).build();
    DkimResult byDefault = verify(appended, dns);
    assertThat(byDefault.outcome()).isEqualTo(Outcome.POLICY);
    assertThat(byDefault.reason()).contains("body bytes unsigned");
    assertThat(byDefault.passing()).isEmpty();
    DkimResult reported =
        Dkim.builder()
            .bodyLengthPolicy(BodyLengthPolicy.REPORT_REMAINDER)
            .build()
            .verify(appended, dns, CLOCK, Runnable::run)
            .get();
    assertThat(reported.outcome()).isEqualTo(Outcome.PASS);
    DkimSignatureResult s = reported.signatures().get(0);
    assertThat(s.bodyLengthLimit()).isPresent();
    assertThat(s.unsignedBodyBytes()).isPositive();
    DkimResult failed =
        Dkim.builder()
            .bodyLengthPolicy(BodyLengthPolicy.FAIL_ON_REMAINDER)
            .build()
            .verify(appended, dns, CLOCK, Runnable::run)
            .get();
    assertThat(failed.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(failed.reason()).contains("not signed");
  }

  @Test
  void stream_inAnyChunks_givesTheSameResult() throws Exception {
    byte[] signed = DkimTestKeys.rsaSigner().build().signMessage(message());
    java.util.Random random = new java.util.Random(42);
    for (int round = 0; round < 20; round++) {
      DkimStream s = Dkim.check().stream(zone(), CLOCK, Runnable::run);
      int i = 0;
      while (i < signed.length) {
        int n = Math.min(signed.length - i, 1 + random.nextInt(40));
        s.write(signed, i, n);
        i += n;
      }
      s.close();
      assertThat(s.result().get().outcome()).isEqualTo(Outcome.PASS);
    }
  }

  @Test
  void inputStream_transferredIntoTheStream_verifies() throws Exception {
    byte[] signed = DkimTestKeys.rsaSigner().build().signMessage(message());
    DkimStream s = Dkim.check().stream(zone(), CLOCK, Runnable::run);
    new ByteArrayInputStream(signed).transferTo(s);
    s.close();
    assertThat(s.result().get().outcome()).isEqualTo(Outcome.PASS);
  }

  private static DkimResult writtenIntoStream(MimeMessage m) throws Exception {
    DkimStream s = Dkim.check().stream(zone(), CLOCK, Runnable::run);
    m.writeTo(s);
    s.close();
    return s.result().get();
  }

  @Test
  void mimeMessage_unmodified_passes_modified_fails() throws Exception {
    byte[] signed = DkimTestKeys.rsaSigner().build().signMessage(message());
    Session session = Session.getInstance(new Properties());
    MimeMessage parsed = new MimeMessage(session, new ByteArrayInputStream(signed));
    assertThat(writtenIntoStream(parsed).outcome()).isEqualTo(Outcome.PASS);
    MimeMessage changed = new MimeMessage(session, new ByteArrayInputStream(signed));
    changed.setSubject("Changed");
    changed.saveChanges();
    assertThat(writtenIntoStream(changed).outcome()).isEqualTo(Outcome.FAIL);
  }

  @Test
  void check_runsOnTheContextExecutor_andUsesItsClock() throws Exception {
    byte[] signed = DkimTestKeys.rsaSigner().build().signMessage(message());
    AtomicInteger tasks = new AtomicInteger();
    Executor counting =
        r -> {
          tasks.incrementAndGet();
          r.run();
        };
    CheckContext ctx =
        CheckContext.builder(MailSession.builder().message(signed).build(), zone())
            .executor(counting)
            .clock(CLOCK)
            .build();
    DkimResult r = Dkim.check().check(ctx).get(5, TimeUnit.SECONDS);
    assertThat(r.outcome()).isEqualTo(Outcome.PASS);
    assertThat(tasks.get()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void appliesOnlyWithAMessage() {
    assertThat(Dkim.check().appliesTo(MailSession.builder().helo("x").build())).isFalse();
    assertThat(Dkim.check().key()).isSameAs(Dkim.KEY);
  }

  @Test
  void builder_rejectsBadSettings() {
    assertThatThrownBy(() -> Dkim.builder().maxSignatures(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Dkim.builder().clockSkew(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Dkim.builder().maxSignatures(3).maxSignatures(4))
        .isInstanceOf(IllegalStateException.class);
  }
}
