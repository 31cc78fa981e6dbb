package dev.mailwarden.auth.dmarc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailwarden.CheckContext;
import dev.mailwarden.Checker;
import dev.mailwarden.Evaluation;
import dev.mailwarden.MailSession;
import dev.mailwarden.MailWarden;
import dev.mailwarden.Outcome;
import dev.mailwarden.Verdict;
import dev.mailwarden.dns.DnsResolver;
import dev.mailwarden.dns.DnsStatus;
import dev.mailwarden.dns.ZoneResolver;
import dev.mailwarden.testing.CheckerContract;
import dev.mailwarden.testing.TestRuntime;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class DmarcTest extends CheckerContract {

  private static final DmarcInputs.DkimAuth DKIM_EXAMPLE = dkim("example.com", Outcome.PASS);

  @Override
  protected Checker<?> checker() {
    return Dmarc.builder()
        .authResults(AuthResultsSource.fixed(DmarcInputs.of(null, List.of(DKIM_EXAMPLE))))
        .build();
  }

  @Override
  protected MailSession session() {
    return session("sender@example.com", "bounce@example.com");
  }

  // ---- helpers ----

  static DmarcInputs.DkimAuth dkim(String d, Outcome o) {
    return new DmarcInputs.DkimAuth(d, o, "sel");
  }

  static MailSession session(String fromHeaderAddress, String mailFrom) {
    return sessionWithHeaders("From: Someone <" + fromHeaderAddress + ">\r\n", mailFrom);
  }

  static MailSession sessionWithHeaders(String headers, String mailFrom) {
    try {
      return MailSession.builder()
          .clientIp(InetAddress.getByName("192.0.2.10"))
          .helo("mail.example.net")
          .mailFrom(mailFrom)
          .message((headers + "Subject: test\r\n\r\nbody\r\n").getBytes(StandardCharsets.UTF_8))
          .build();
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  static DmarcResult run(Dmarc dmarc, DnsResolver dns, MailSession s) throws Exception {
    return dmarc.check(CheckContext.forTesting(s, dns)).get(5, TimeUnit.SECONDS);
  }

  static Dmarc dmarc(DmarcInputs inputs) {
    return Dmarc.builder().authResults(AuthResultsSource.fixed(inputs)).build();
  }

  static Dmarc dmarcPsl(DmarcInputs inputs) {
    return Dmarc.builder()
        .authResults(AuthResultsSource.fixed(inputs))
        .organizationalDomains(OrganizationalDomains.publicSuffixList())
        .build();
  }

  static ZoneResolver zone(String name, String txt) {
    return ZoneResolver.builder().txt(name, txt).build();
  }

  /** Always answers {@code value} for nextInt(bound). */
  static RandomGenerator fixedRandom(int value) {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        return value;
      }

      @Override
      public int nextInt(int bound) {
        return value;
      }
    };
  }

  // ---- alignment ----

  @Test
  void dkimRelaxed_subdomainSignature_passes() throws Exception {
    DmarcResult r =
        run(
            dmarc(DmarcInputs.of(null, List.of(dkim("news.example.com", Outcome.PASS)))),
            zone("_dmarc.example.com", "v=DMARC1; p=reject"),
            session("a@example.com", "b@example.com"));
    assertThat(r.outcome()).isEqualTo(Outcome.PASS);
    assertThat(r.alignedDkimDomains()).containsExactly("news.example.com");
    assertThat(r.disposition()).isEqualTo(Policy.NONE);
  }

  @Test
  void dkimStrict_parentDomainSignature_failsWithoutFallingBackToRelaxed() throws Exception {
    for (Dmarc d :
        List.of(
            dmarc(DmarcInputs.of(null, List.of(DKIM_EXAMPLE))),
            dmarcPsl(DmarcInputs.of(null, List.of(DKIM_EXAMPLE))))) {
      DmarcResult r =
          run(
              d,
              zone("_dmarc.example.com", "v=DMARC1; p=reject; adkim=s"),
              session("a@mail.example.com", "b@other.example"));
      assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
      assertThat(r.appliedTag()).contains(PolicyTag.SP);
      assertThat(r.disposition()).isEqualTo(Policy.REJECT);
    }
  }

  @Test
  void spfStrict_subdomainMailFrom_fails() throws Exception {
    DmarcInputs in =
        DmarcInputs.of(
            new DmarcInputs.SpfAuth("bounce.example.com", Outcome.PASS, false), List.of());
    DmarcResult r =
        run(
            dmarc(in),
            zone("_dmarc.example.com", "v=DMARC1; p=quarantine; aspf=s"),
            session("a@example.com", "x@bounce.example.com"));
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(r.disposition()).isEqualTo(Policy.QUARANTINE);
  }

  @Test
  void failedDkimSignature_neverAligns() throws Exception {
    DmarcResult r =
        run(
            dmarc(DmarcInputs.of(null, List.of(dkim("example.com", Outcome.FAIL)))),
            zone("_dmarc.example.com", "v=DMARC1; p=reject"),
            session("a@example.com", "b@example.com"));
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(r.dkimAligned()).isFalse();
  }

  @Test
  void spfHeloIdentity_alignsOnlyForTheNullSender() throws Exception {
    DmarcInputs in =
        DmarcInputs.of(new DmarcInputs.SpfAuth("mail.example.com", Outcome.PASS, true), List.of());
    ZoneResolver dns = zone("_dmarc.example.com", "v=DMARC1; p=reject");
    DmarcResult bounce = run(dmarc(in), dns, session("a@example.com", ""));
    assertThat(bounce.outcome()).isEqualTo(Outcome.PASS);
    assertThat(bounce.alignedSpfDomain()).contains("mail.example.com");
    DmarcResult normal = run(dmarc(in), dns, session("a@example.com", "b@example.com"));
    assertThat(normal.outcome()).isEqualTo(Outcome.FAIL);
  }

  @Test
  void alignedTemperror_withoutAnyAlignedPass_isTemperrorNotFail() throws Exception {
    ZoneResolver dns = zone("_dmarc.example.com", "v=DMARC1; p=reject");
    DmarcInputs spfTemp =
        DmarcInputs.of(new DmarcInputs.SpfAuth("example.com", Outcome.TEMPERROR, false), List.of());
    DmarcResult r = run(dmarc(spfTemp), dns, session("a@example.com", "b@example.com"));
    assertThat(r.outcome()).isEqualTo(Outcome.TEMPERROR);
    assertThat(r.smtpReply()).hasValueSatisfying(reply -> assertThat(reply.code()).isEqualTo(451));
    // an unaligned temperror changes nothing, an aligned pass wins
    DmarcInputs unaligned = DmarcInputs.of(null, List.of(dkim("other.example", Outcome.TEMPERROR)));
    assertThat(run(dmarc(unaligned), dns, session("a@example.com", "b@example.com")).outcome())
        .isEqualTo(Outcome.FAIL);
    DmarcInputs mixed =
        DmarcInputs.of(
            new DmarcInputs.SpfAuth("example.com", Outcome.TEMPERROR, false),
            List.of(DKIM_EXAMPLE));
    assertThat(run(dmarc(mixed), dns, session("a@example.com", "b@example.com")).outcome())
        .isEqualTo(Outcome.PASS);
  }

  @Test
  void treeWalk_relaxedAlignment_usesOrganisationalDomainFoundInDns() throws Exception {
    DmarcResult r =
        run(
            dmarc(DmarcInputs.of(null, List.of(dkim("b.example.com", Outcome.PASS)))),
            zone("_dmarc.example.com", "v=DMARC1; p=reject"),
            session("a@a.example.com", "x@y.example"));
    assertThat(r.outcome()).isEqualTo(Outcome.PASS);
    assertThat(r.organizationalDomain()).contains("example.com");
  }

  @Test
  void treeWalk_psdRecord_makesTheChildTheOrganisationalDomain() throws Exception {
    ZoneResolver dns =
        ZoneResolver.builder().txt("_dmarc.example", "v=DMARC1; p=reject; psd=y").build();
    // a.example and b.example are separate organisations under the PSD "example"
    DmarcResult r =
        run(
            dmarc(DmarcInputs.of(null, List.of(dkim("b.example", Outcome.PASS)))),
            dns,
            session("x@mail.a.example", "y@z.test"));
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(r.policyDomain()).contains("example");
    DmarcResult same =
        run(
            dmarc(DmarcInputs.of(null, List.of(dkim("a.example", Outcome.PASS)))),
            dns,
            session("x@mail.a.example", "y@z.test"));
    assertThat(same.outcome()).isEqualTo(Outcome.PASS);
    assertThat(same.organizationalDomain()).contains("a.example");
  }

  @Test
  void treeWalk_intermediateRecord_isThePolicy() throws Exception {
    ZoneResolver dns =
        ZoneResolver.builder()
            .txt("_dmarc.example.com", "v=DMARC1; p=reject")
            .txt("_dmarc.b.example.com", "v=DMARC1; p=none")
            .build();
    DmarcResult r = run(dmarc(DmarcInputs.none()), dns, session("x@a.b.example.com", "y@z.test"));
    assertThat(r.policyDomain()).contains("b.example.com");
    assertThat(r.requestedPolicy()).contains(Policy.NONE);
    // the walk stops at the first record above the From domain (RFC 9989 §4.10)
    assertThat(dns.queries())
        .containsExactly("_dmarc.a.b.example.com TXT", "_dmarc.b.example.com TXT");
    DmarcResult psl =
        run(dmarcPsl(DmarcInputs.none()), dns, session("x@a.b.example.com", "y@z.test"));
    assertThat(psl.policyDomain()).contains("example.com");
    assertThat(psl.requestedPolicy()).contains(Policy.REJECT);
  }

  @Test
  void treeWalk_deepName_queriesAtMostEightNames() throws Exception {
    ZoneResolver dns = ZoneResolver.builder().build();
    run(dmarc(DmarcInputs.none()), dns, session("x@a.b.c.d.e.f.g.h.i.j.example.com", "y@z.test"));
    // RFC 9989 §4.10: the From domain itself, then from seven labels down, one label at a time
    assertThat(dns.queries())
        .containsExactly(
            "_dmarc.a.b.c.d.e.f.g.h.i.j.example.com TXT",
            "_dmarc.f.g.h.i.j.example.com TXT",
            "_dmarc.g.h.i.j.example.com TXT",
            "_dmarc.h.i.j.example.com TXT",
            "_dmarc.i.j.example.com TXT",
            "_dmarc.j.example.com TXT",
            "_dmarc.example.com TXT",
            "_dmarc.com TXT");
  }

  // ---- policy selection ----

  @Test
  void psdPolicy_appliesPToRegisteredDomainsAndSpBelowThem() throws Exception {
    ZoneResolver dns =
        ZoneResolver.builder()
            .txt("_dmarc.example", "v=DMARC1; p=reject; sp=quarantine; psd=y")
            .build();
    DmarcResult org = run(dmarc(DmarcInputs.none()), dns, session("x@shop.example", "y@z.test"));
    assertThat(org.appliedTag()).contains(PolicyTag.P);
    assertThat(org.disposition()).isEqualTo(Policy.REJECT);
    DmarcResult sub =
        run(dmarc(DmarcInputs.none()), dns, session("x@mail.shop.example", "y@z.test"));
    assertThat(sub.appliedTag()).contains(PolicyTag.SP);
    assertThat(sub.disposition()).isEqualTo(Policy.QUARANTINE);
  }

  @Test
  void np_nonExistentSubdomain_usesNp() throws Exception {
    ZoneResolver dns =
        ZoneResolver.builder()
            .txt("_dmarc.example.com", "v=DMARC1; p=none; sp=quarantine; np=reject")
            .build();
    DmarcResult r = run(dmarc(DmarcInputs.none()), dns, session("x@ghost.example.com", "y@z.test"));
    assertThat(r.appliedTag()).contains(PolicyTag.NP);
    assertThat(r.disposition()).isEqualTo(Policy.REJECT);
  }

  @Test
  void np_existingSubdomainWithoutAddress_usesSp() throws Exception {
    ZoneResolver dns =
        ZoneResolver.builder()
            .txt("_dmarc.example.com", "v=DMARC1; p=none; sp=quarantine; np=reject")
            .mx("real.example.com", 10, "mx.example.com") // exists: NODATA for A, not NXDOMAIN
            .build();
    DmarcResult r = run(dmarc(DmarcInputs.none()), dns, session("x@real.example.com", "y@z.test"));
    assertThat(r.appliedTag()).contains(PolicyTag.SP);
    assertThat(r.disposition()).isEqualTo(Policy.QUARANTINE);
  }

  @Test
  void np_subdomainWithNoAddressOrMx_countsAsNonExistent() throws Exception {
    ZoneResolver dns =
        ZoneResolver.builder()
            .txt("_dmarc.example.com", "v=DMARC1; p=none; sp=quarantine; np=reject")
            .txt("txt-only.example.com", "hello") // exists, but NODATA for A, AAAA and MX
            .build();
    DmarcResult r =
        run(dmarc(DmarcInputs.none()), dns, session("x@txt-only.example.com", "y@z.test"));
    assertThat(r.appliedTag()).contains(PolicyTag.NP);
    assertThat(r.disposition()).isEqualTo(Policy.REJECT);
  }

  @Test
  void np_dnsErrorOnExistenceCheck_keepsSp() throws Exception {
    ZoneResolver dns =
        ZoneResolver.builder()
            .txt("_dmarc.example.com", "v=DMARC1; p=none; sp=quarantine; np=reject")
            .fail("flaky.example.com", DnsStatus.SERVFAIL)
            .build();
    DmarcResult r = run(dmarc(DmarcInputs.none()), dns, session("x@flaky.example.com", "y@z.test"));
    assertThat(r.appliedTag()).contains(PolicyTag.SP);
  }

  @Test
  void pct_sampledOut_relaxesRejectToQuarantine() throws Exception {
    ZoneResolver dns = zone("_dmarc.example.com", "v=DMARC1; p=reject; pct=50");
    Dmarc out =
        Dmarc.builder()
            .authResults(AuthResultsSource.fixed(DmarcInputs.none()))
            .random(fixedRandom(50))
            .build();
    DmarcResult r = run(out, dns, session("a@example.com", "b@example.com"));
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(r.disposition()).isEqualTo(Policy.QUARANTINE);
    assertThat(r.dispositionOverride()).contains("sampled_out");
    Dmarc in =
        Dmarc.builder()
            .authResults(AuthResultsSource.fixed(DmarcInputs.none()))
            .random(fixedRandom(49))
            .build();
    assertThat(run(in, dns, session("a@example.com", "b@example.com")).disposition())
        .isEqualTo(Policy.REJECT);
  }

  @Test
  void testingMode_relaxesQuarantineToNone() throws Exception {
    DmarcResult r =
        run(
            dmarc(DmarcInputs.none()),
            zone("_dmarc.example.com", "v=DMARC1; p=quarantine; t=y"),
            session("a@example.com", "b@example.com"));
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(r.disposition()).isEqualTo(Policy.NONE);
    assertThat(r.dispositionOverride()).contains("policy_test_mode");
  }

  @Test
  void invalidPolicyWithRua_isReadAsPNone() throws Exception {
    DmarcResult r =
        run(
            dmarc(DmarcInputs.none()),
            zone("_dmarc.example.com", "v=DMARC1; p=bogus; rua=mailto:d@example.com"),
            session("a@example.com", "b@example.com"));
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(r.requestedPolicy()).contains(Policy.NONE);
    assertThat(r.disposition()).isEqualTo(Policy.NONE);
  }

  @Test
  void twoDmarcRecords_noPolicy() throws Exception {
    ZoneResolver dns =
        ZoneResolver.builder()
            .txt("_dmarc.example.com", "v=DMARC1; p=reject")
            .txt("_dmarc.example.com", "v=DMARC1; p=none")
            .txt("_dmarc.com", "v=DMARC1; p=reject; psd=y")
            .build();
    DmarcResult r = run(dmarc(DmarcInputs.none()), dns, session("a@example.com", "b@example.com"));
    assertThat(r.outcome()).isEqualTo(Outcome.NONE);
    assertThat(r.reason()).contains("2 DMARC records");
  }

  // ---- From header ----

  @Test
  void twoFromHeaders_arePermerror() throws Exception {
    DmarcResult r =
        run(
            dmarc(DmarcInputs.none()),
            zone("_dmarc.example.com", "v=DMARC1; p=reject"),
            sessionWithHeaders("From: a@example.com\r\nFrom: b@evil.example\r\n", "x@y.test"));
    assertThat(r.outcome()).isEqualTo(Outcome.PERMERROR);
    assertThat(r.reason()).contains("2 From headers");
    assertThat(r.authResults().get(0).render()).startsWith("dmarc=permerror");
  }

  @Test
  void twoAddressesInOneFrom_arePermerror() throws Exception {
    DmarcResult r =
        run(
            dmarc(DmarcInputs.none()),
            zone("_dmarc.example.com", "v=DMARC1; p=reject"),
            sessionWithHeaders("From: a@example.com, b@evil.example\r\n", "x@y.test"));
    assertThat(r.outcome()).isEqualTo(Outcome.PERMERROR);
    assertThat(r.reason()).contains("2 addresses");
  }

  @Test
  void missingFromOrGroupOrNoDomain_arePermerror() throws Exception {
    ZoneResolver dns = ZoneResolver.builder().build();
    assertThat(
            run(
                    dmarc(DmarcInputs.none()),
                    dns,
                    sessionWithHeaders("To: a@example.com\r\n", "x@y.test"))
                .outcome())
        .isEqualTo(Outcome.PERMERROR);
    assertThat(
            run(
                    dmarc(DmarcInputs.none()),
                    dns,
                    sessionWithHeaders("From: friends: a@example.com;\r\n", "x@y.test"))
                .outcome())
        .isEqualTo(Outcome.PERMERROR);
    assertThat(
            run(
                    dmarc(DmarcInputs.none()),
                    dns,
                    sessionWithHeaders("From: localpart\r\n", "x@y.test"))
                .outcome())
        .isEqualTo(Outcome.PERMERROR);
  }

  @Test
  void idnFromDomain_isLookedUpAsALabels() throws Exception {
    ZoneResolver dns = zone("_dmarc.xn--bcher-kva.example", "v=DMARC1; p=reject");
    DmarcResult r = run(dmarc(DmarcInputs.none()), dns, session("a@bücher.example", "x@y.test"));
    assertThat(r.fromDomain()).contains("xn--bcher-kva.example");
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
  }

  // ---- rendering, replies, scores ----

  @Test
  void reject_rendersHeaderReplyAndScore() throws Exception {
    DmarcResult r =
        run(
            dmarc(DmarcInputs.none()),
            zone("_dmarc.example.com", "v=DMARC1; p=reject"),
            session("a@example.com", "b@example.com"));
    assertThat(r.authResults().get(0).render())
        .isEqualTo("dmarc=fail (p=reject sp=reject dis=reject) header.from=example.com");
    assertThat(r.smtpReply())
        .hasValueSatisfying(
            reply -> {
              assertThat(reply.code()).isEqualTo(550);
              assertThat(reply.enhancedStatus()).isEqualTo("5.7.1");
              assertThat(reply.text()).isEqualTo("rejected by DMARC policy for example.com");
            });
    assertThat(Dmarc.check().defaultWeights().score(r)).isEqualTo(100.0);
  }

  @Test
  void pass_rendersHeaderWithoutReply() throws Exception {
    DmarcResult r =
        run(
            dmarc(DmarcInputs.of(null, List.of(DKIM_EXAMPLE))),
            zone("_dmarc.example.com", "v=DMARC1; p=quarantine; sp=none"),
            session("a@example.com", "b@example.com"));
    assertThat(r.authResults().get(0).render())
        .isEqualTo("dmarc=pass (p=quarantine sp=none dis=none) header.from=example.com");
    assertThat(r.smtpReply()).isEmpty();
    assertThat(Dmarc.check().defaultWeights().score(r)).isZero();
  }

  @Test
  void servfail_isTemperrorWith451() throws Exception {
    ZoneResolver dns =
        ZoneResolver.builder().fail("_dmarc.example.com", DnsStatus.SERVFAIL).build();
    DmarcResult r = run(dmarc(DmarcInputs.none()), dns, session("a@example.com", "b@example.com"));
    assertThat(r.outcome()).isEqualTo(Outcome.TEMPERROR);
    assertThat(r.smtpReply())
        .hasValueSatisfying(reply -> assertThat(reply.toString()).startsWith("451 4.7.1"));
  }

  @Test
  void failingAuthResultsSource_isTemperror() throws Exception {
    Dmarc d =
        Dmarc.builder()
            .authResults(
                ctx -> CompletableFuture.failedFuture(new IllegalStateException("spf broke")))
            .build();
    DmarcResult r =
        run(
            d,
            zone("_dmarc.example.com", "v=DMARC1; p=reject"),
            session("a@example.com", "b@example.com"));
    assertThat(r.outcome()).isEqualTo(Outcome.TEMPERROR);
    assertThat(r.reason()).contains("spf broke");
  }

  @Test
  void defaultWeights_rejectDispositionRejectsAlone_quarantineQuarantines() throws Exception {
    MailWarden reject =
        MailWarden.builder(TestRuntime.of(zone("_dmarc.example.com", "v=DMARC1; p=reject")))
            .check(dmarc(DmarcInputs.none()))
            .quarantineAt(3.0)
            .build();
    Evaluation ev =
        reject.evaluate(session("a@example.com", "b@example.com")).get(5, TimeUnit.SECONDS);
    assertThat(ev.verdict()).isEqualTo(Verdict.REJECT);
    assertThat(ev.smtpReply().text()).isEqualTo("rejected by DMARC policy for example.com");

    MailWarden quarantine =
        MailWarden.builder(TestRuntime.of(zone("_dmarc.example.com", "v=DMARC1; p=quarantine")))
            .check(dmarc(DmarcInputs.none()))
            .quarantineAt(3.0)
            .build();
    assertThat(
            quarantine
                .evaluate(session("a@example.com", "b@example.com"))
                .get(5, TimeUnit.SECONDS)
                .verdict())
        .isEqualTo(Verdict.QUARANTINE);

    MailWarden none =
        MailWarden.builder(TestRuntime.of(zone("_dmarc.example.com", "v=DMARC1; p=none")))
            .check(dmarc(DmarcInputs.none()))
            .quarantineAt(3.0)
            .build();
    assertThat(
            none.evaluate(session("a@example.com", "b@example.com"))
                .get(5, TimeUnit.SECONDS)
                .verdict())
        .isEqualTo(Verdict.ACCEPT);
  }

  @Test
  void appliesOnlyWithAMessage() {
    assertThat(Dmarc.check().appliesTo(MailSession.builder().mailFrom("a@example.com").build()))
        .isFalse();
    assertThat(Dmarc.check().appliesTo(session())).isTrue();
  }

  @Test
  void builder_settingTwice_fails() {
    assertThatThrownBy(
            () ->
                Dmarc.builder()
                    .organizationalDomains(OrganizationalDomains.treeWalk())
                    .organizationalDomains(OrganizationalDomains.treeWalk()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("organizationalDomains");
  }
}
