package dev.mailwarden.auth.helo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.net.InetAddresses;
import dev.mailwarden.CheckContext;
import dev.mailwarden.Evaluation;
import dev.mailwarden.MailSession;
import dev.mailwarden.MailWarden;
import dev.mailwarden.Outcome;
import dev.mailwarden.SmtpReply;
import dev.mailwarden.Verdict;
import dev.mailwarden.dns.DnsStatus;
import dev.mailwarden.dns.ZoneResolver;
import dev.mailwarden.internal.ReverseNames;
import dev.mailwarden.testing.TestRuntime;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Policies, replies, skips, overrides and wiring of {@link Helo}. */
class HeloTest {
  static final String CLIENT = "93.184.216.34";

  static final ZoneResolver DNS =
      ZoneResolver.builder()
          .address("mail.example.net", CLIENT)
          .ptr(ReverseNames.of(InetAddresses.forString(CLIENT)), "mail.example.net")
          .address("relay.example.net", "93.184.216.40")
          .fail("servfail.example.com", DnsStatus.SERVFAIL)
          .build();

  static MailSession session(String helo) {
    return MailSession.builder().clientIp(InetAddresses.forString(CLIENT)).helo(helo).build();
  }

  static HeloResult run(Helo helo, MailSession session) {
    return helo.check(CheckContext.forTesting(session, DNS)).join();
  }

  static HeloResult run(Helo helo, String heloArgument) {
    return run(helo, session(heloArgument));
  }

  static Helo policy(HeloPolicy p) {
    return Helo.builder().policy(p).build();
  }

  @Test
  void lenient_invalidName_scoresButNeverRejects() {
    HeloResult r = run(Helo.check(), "bad_name.example.net");
    assertThat(r.outcome()).isEqualTo(Outcome.NEUTRAL);
    assertThat(r.has(HeloFinding.INVALID)).isTrue();
    assertThat(HeloWeights.perFinding().score(r)).isEqualTo(HeloFinding.INVALID.defaultWeight());
    assertThat(r.smtpReply()).isEmpty();
  }

  @Test
  void rfc_invalidName_rejectsWith501_5_5_2() {
    HeloResult r = run(policy(HeloPolicy.RFC), "bad_name.example.net");
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(r.smtpReply())
        .get()
        .extracting(SmtpReply::code, SmtpReply::enhancedStatus)
        .containsExactly(501, "5.5.2");
    assertThat(HeloWeights.perFinding().score(r)).isEqualTo(100.0);
  }

  @Test
  void rfc_singleLabel_rejectsWith504_5_5_2() {
    HeloResult r = run(policy(HeloPolicy.RFC), "mailserver");
    assertThat(r.smtpReply())
        .get()
        .extracting(SmtpReply::code, SmtpReply::enhancedStatus)
        .containsExactly(504, "5.5.2");
  }

  @Test
  void rfc_unknownName_rejectsWith450_4_7_1() {
    HeloResult r = run(policy(HeloPolicy.RFC), "nowhere.example.net");
    assertThat(r.has(HeloFinding.UNRESOLVABLE)).isTrue();
    assertThat(r.smtpReply())
        .get()
        .extracting(SmtpReply::code, SmtpReply::enhancedStatus)
        .containsExactly(450, "4.7.1");
  }

  @Test
  void rfc_missingHelo_rejectsWith503() {
    MailSession noHelo =
        MailSession.builder()
            .clientIp(InetAddresses.forString(CLIENT))
            .mailFrom("a@example.net")
            .build();
    HeloResult r = run(policy(HeloPolicy.RFC), noHelo);
    assertThat(r.has(HeloFinding.MISSING)).isTrue();
    assertThat(r.smtpReply()).get().extracting(SmtpReply::code).isEqualTo(503);
  }

  @Test
  void strict_heloNotMatchingClient_onlyScores_rfc5321Section414() {
    HeloResult r = run(policy(HeloPolicy.STRICT), "relay.example.net");
    assertThat(r.has(HeloFinding.HELO_MISMATCH)).isTrue();
    assertThat(r.outcome()).isEqualTo(Outcome.NEUTRAL);
    assertThat(r.smtpReply()).isEmpty();
    assertThat(HeloFinding.HELO_MISMATCH.rfc5321ForbidsRejecting()).isTrue();
  }

  @Test
  void strict_literalMismatch_rejectsOnlyWhenTheUserSaysSo() {
    assertThat(run(policy(HeloPolicy.STRICT), "[8.8.8.8]").smtpReply()).isEmpty();
    Helo overridden = Helo.builder().rejectOn(HeloFinding.LITERAL_MISMATCH).build();
    HeloResult r = run(overridden, "[8.8.8.8]");
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(r.smtpReply())
        .get()
        .extracting(SmtpReply::code, SmtpReply::enhancedStatus)
        .containsExactly(550, "5.7.1");
  }

  @Test
  void strict_localName_rejects_rfc_doesNot() {
    assertThat(run(policy(HeloPolicy.STRICT), "server.local").outcome()).isEqualTo(Outcome.FAIL);
    assertThat(run(policy(HeloPolicy.RFC), "server.local").outcome()).isEqualTo(Outcome.NEUTRAL);
  }

  @Test
  void dnsTemperror_neverRejects_evenWhenUnresolvableRejects() {
    HeloResult r = run(policy(HeloPolicy.RFC), "servfail.example.com");
    assertThat(r.outcome()).isEqualTo(Outcome.TEMPERROR);
    assertThat(r.findings()).isEmpty();
    assertThat(r.smtpReply()).isEmpty();
    assertThat(r.dnsProblems()).singleElement().asString().contains("SERVFAIL");
  }

  @Test
  void smtpReply_permanentBeatsTransient() {
    Helo helo = Helo.builder().policy(HeloPolicy.RFC).rejectOn(HeloFinding.HELO_CHANGED).build();
    MailSession s =
        MailSession.builder()
            .clientIp(InetAddresses.forString(CLIENT))
            .helo("mail.example.net")
            .helo("nowhere.example.net")
            .build();
    HeloResult r = run(helo, s);
    assertThat(r.findings())
        .extracting(Finding::type)
        .containsExactly(HeloFinding.UNRESOLVABLE, HeloFinding.HELO_CHANGED);
    assertThat(r.smtpReply()).get().extracting(SmtpReply::code).isEqualTo(550);
  }

  @Test
  void scoreOnly_beatsThePolicy() {
    Helo helo = Helo.builder().policy(HeloPolicy.RFC).scoreOnly(HeloFinding.INVALID).build();
    HeloResult r = run(helo, "bad_name.example.net");
    assertThat(r.outcome()).isEqualTo(Outcome.NEUTRAL);
    assertThat(HeloWeights.perFinding().score(r)).isEqualTo(HeloFinding.INVALID.defaultWeight());
  }

  @Test
  void weightAndReplyOverrides_areUsed() {
    SmtpReply mine = SmtpReply.of(554, "5.7.1", "go away");
    Helo helo = Helo.builder().policy(HeloPolicy.RFC).reply(HeloFinding.NOT_FQDN, mine).build();
    HeloWeights weights =
        HeloWeights.builder().weight(HeloFinding.NOT_FQDN, 0.25).rejectWeight(7).build();
    HeloResult r = run(helo, "mailserver");
    assertThat(r.smtpReply()).contains(mine);
    assertThat(weights.score(r)).isEqualTo(7.0);
    HeloResult lenient = run(Helo.check(), "mailserver");
    assertThat(weights.score(lenient)).isEqualTo(0.25);
    assertThat(HeloWeights.perFinding().score(lenient))
        .isEqualTo(HeloFinding.NOT_FQDN.defaultWeight());
  }

  @Test
  void authenticatedUser_isSkippedWithoutDns() {
    ZoneResolver dns = ZoneResolver.builder().build();
    MailSession s = session("bad_name").toBuilder().authenticatedUser("alice").build();
    HeloResult r = Helo.check().check(CheckContext.forTesting(s, dns)).join();
    assertThat(r.outcome()).isEqualTo(Outcome.NONE);
    assertThat(r.reason()).contains("alice");
    assertThat(HeloWeights.perFinding().score(r)).isZero();
    assertThat(dns.queryCount()).isZero();
    HeloResult checked =
        Helo.builder()
            .skipAuthenticated(false)
            .build()
            .check(CheckContext.forTesting(s, dns))
            .join();
    assertThat(checked.has(HeloFinding.INVALID)).isTrue();
  }

  @Test
  void trustedNetwork_isSkipped() {
    Helo helo = Helo.builder().trustedNetworks("10.0.0.0/8", "93.184.216.0/24").build();
    HeloResult r = run(helo, "localhost");
    assertThat(r.outcome()).isEqualTo(Outcome.NONE);
    assertThat(r.reason()).contains("93.184.216.0/24");
  }

  @Test
  void rfcPolicy_inAnEvaluation_rejectsWithItsOwnReply() {
    MailWarden w =
        MailWarden.builder(TestRuntime.of(DNS)).check(policy(HeloPolicy.RFC)).rejectAt(5).build();
    Evaluation ev = w.evaluateAndWait(session("bad_name.example.net"));
    assertThat(ev.verdict()).isEqualTo(Verdict.REJECT);
    assertThat(ev.smtpReply().code()).isEqualTo(501);
    assertThat(ev.decisiveCheck()).contains("helo");
  }

  @Test
  void rfcPolicy_unknownHelo_inAnEvaluation_tempfailsWith450() {
    MailWarden w =
        MailWarden.builder(TestRuntime.of(DNS)).check(policy(HeloPolicy.RFC)).rejectAt(5).build();
    Evaluation ev = w.evaluateAndWait(session("nowhere.example.net"));
    assertThat(ev.verdict()).isEqualTo(Verdict.TEMPFAIL);
    assertThat(ev.smtpReply().toString()).startsWith("450 4.7.1");
  }

  @Test
  void withIprevRegistered_thePtrIsLookedUpOnce() {
    ZoneResolver dns =
        ZoneResolver.builder()
            .address("mail.example.net", CLIENT)
            .ptr(ReverseNames.of(InetAddresses.forString(CLIENT)), "mail.example.net")
            .build();
    MailWarden w =
        MailWarden.builder(TestRuntime.of(dns)).check(Helo.check()).check(Iprev.check()).build();
    Evaluation ev = w.evaluateAndWait(session("mail.example.net"));
    assertThat(ev.result(Helo.KEY).orElseThrow().outcome()).isEqualTo(Outcome.PASS);
    assertThat(dns.queries()).filteredOn(q -> q.endsWith(" PTR")).hasSize(1);
  }

  @Test
  void withoutIprev_heloLooksUpThePtrItself() {
    ZoneResolver dns = ZoneResolver.builder().address("mail.example.net", CLIENT).build();
    Helo.check().check(CheckContext.forTesting(session("mail.example.net"), dns)).join();
    assertThat(dns.queries()).filteredOn(q -> q.endsWith(" PTR")).hasSize(1);
  }

  @Test
  void appliesTo_heloOrMailFrom_notConnectAlone() {
    MailSession connect = MailSession.builder().clientIp(InetAddresses.forString(CLIENT)).build();
    assertThat(Helo.check().appliesTo(connect)).isFalse();
    assertThat(Helo.check().appliesTo(session("x.example.net"))).isTrue();
    assertThat(Helo.check().appliesTo(connect.toBuilder().mailFrom("a@example.net").build()))
        .isTrue();
  }

  @Test
  void customPatternsAndProviders_replaceTheDefaults() {
    ZoneResolver dns =
        ZoneResolver.builder()
            .address("zombie7.example.net", CLIENT)
            .ptr(ReverseNames.of(InetAddresses.forString(CLIENT)), "zombie7.example.net")
            .mx("bank.example", 10, "mx.bank.example")
            .build();
    Helo helo =
        Helo.builder()
            .dynamicPatterns(Map.of("zombie", Pattern.compile("zombie\\d")))
            .providers(Map.of("bank.example", Set.of("bank.example")))
            .build();
    HeloResult zombie =
        helo.check(CheckContext.forTesting(session("zombie7.example.net"), dns)).join();
    assertThat(zombie.findings())
        .extracting(Finding::type)
        .containsExactly(HeloFinding.DYNAMIC_HELO, HeloFinding.DYNAMIC_RDNS);
    assertThat(zombie.findings().get(0).reason()).contains("'zombie'");
    HeloResult gmail = helo.check(CheckContext.forTesting(session("gmail.com"), dns)).join();
    assertThat(gmail.has(HeloFinding.PROVIDER_FORGERY))
        .as("google is no longer in the map")
        .isFalse();
  }

  @Test
  void noPatternsAndNoProvider_skipsReverseDns() {
    ZoneResolver dns = ZoneResolver.builder().address("mail.example.net", CLIENT).build();
    Helo helo = Helo.builder().dynamicPatterns(Map.of()).embeddedIpDetection(false).build();
    helo.check(CheckContext.forTesting(session("mail.example.net"), dns)).join();
    assertThat(dns.queries()).noneMatch(q -> q.endsWith(" PTR"));
  }

  @Test
  void details_nameEveryFindingWithWeightAndReason() {
    HeloResult r = run(Helo.check(), "[10.1.2.3]");
    assertThat(r.details())
        .containsEntry("findings", "special-address")
        .containsKey("finding.special-address");
    assertThat(r.details().get("finding.special-address"))
        .startsWith("scores: ")
        .contains("private (RFC 1918)");
    assertThat(HeloWeights.perFinding().score(r)).isEqualTo(3.0);
  }

  @Test
  void resolverThrowing_givesTemperrorNotAnException() {
    MailSession s = session("mail.example.net");
    HeloResult r =
        Helo.check()
            .check(
                CheckContext.forTesting(
                    s,
                    (name, type) -> {
                      throw new IllegalStateException("boom");
                    }))
            .join();
    assertThat(r.outcome()).isEqualTo(Outcome.TEMPERROR);
    HeloResult failed =
        Helo.check()
            .check(
                CheckContext.forTesting(
                    s,
                    (name, type) ->
                        CompletableFuture.failedFuture(new IllegalStateException("boom"))))
            .join();
    assertThat(failed.outcome()).isEqualTo(Outcome.TEMPERROR);
  }

  @Test
  void builder_rejectsMisuse() {
    assertThatThrownBy(() -> Helo.builder().policy(HeloPolicy.RFC).policy(HeloPolicy.STRICT))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("policy");
    assertThatThrownBy(() -> Helo.builder().trustedNetwork("10.0.0.0/33"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Helo.builder().trustedNetwork("not-a-network"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Helo.builder().addDynamicPattern("x", "("))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HeloWeights.builder().weight(HeloFinding.INVALID, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> Helo.builder().rejectOn(HeloFinding.INVALID).scoreOnly(HeloFinding.INVALID))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Helo.builder().reply(HeloFinding.INVALID, SmtpReply.OK))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Helo.builder().localNames((String) null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void findingTokens_roundTrip() {
    for (HeloFinding f : HeloFinding.values()) {
      assertThat(HeloFinding.fromToken(f.token())).isSameAs(f);
    }
    assertThatThrownBy(() -> HeloFinding.fromToken("nope"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void toString_showsTheConfiguration() {
    assertThat(
            Helo.builder()
                .policy(HeloPolicy.STRICT)
                .trustedNetwork("10.0.0.0/8")
                .build()
                .toString())
        .startsWith("Helo[policy=strict")
        .contains("10.0.0.0/8");
  }
}
