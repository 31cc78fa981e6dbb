package dev.mailwarden.auth.helo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.net.InetAddresses;
import dev.mailwarden.AuthResult;
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
import org.junit.jupiter.api.Test;

/** RFC 8601 iprev results, Authentication-Results, relaxed matching and limits of {@link Iprev}. */
class IprevTest {

  static String rev(String ip) {
    return ReverseNames.of(InetAddresses.forString(ip));
  }

  static final ZoneResolver DNS =
      ZoneResolver.builder()
          .ptr(rev("93.184.216.34"), "mail.example.net")
          .address("mail.example.net", "93.184.216.34")
          .ptr(rev("2001:770:1::25"), "mx.example.ie")
          .address("mx.example.ie", "2001:770:1::25")
          .ptr(rev("93.184.216.35"), "web.example.net")
          .address("web.example.net", "93.184.216.99")
          .ptr(rev("93.184.216.36"), "gone.example.net")
          .ptr(rev("93.184.216.37"), "out-7.mailer.example.com")
          .address("out-7.mailer.example.com", "198.51.100.7")
          .address("relay.mailer.example.com", "93.184.216.37")
          .fail(rev("93.184.216.38"), DnsStatus.TIMEOUT)
          .build();

  static IprevResult run(Iprev iprev, String ip) {
    return run(iprev, MailSession.builder().clientIp(InetAddresses.forString(ip)).build(), DNS);
  }

  static IprevResult run(Iprev iprev, MailSession s, ZoneResolver dns) {
    return iprev.check(CheckContext.forTesting(s, dns)).join();
  }

  @Test
  void confirmed_isPass_withPolicyIprevProperty() {
    IprevResult r = run(Iprev.check(), "93.184.216.34");
    assertThat(r.outcome()).isEqualTo(Outcome.PASS);
    assertThat(r.confirmedNames()).containsExactly("mail.example.net");
    assertThat(HeloWeights.perFinding().score(r)).isZero();
    assertThat(r.authResults())
        .singleElement()
        .extracting(AuthResult::render)
        .isEqualTo("iprev=pass (mail.example.net) policy.iprev=93.184.216.34");
  }

  @Test
  void ipv6_isQuotedInTheHeader() {
    IprevResult r = run(Iprev.check(), "2001:770:1::25");
    assertThat(r.outcome()).isEqualTo(Outcome.PASS);
    assertThat(r.authResults().get(0).render()).endsWith("policy.iprev=\"2001:770:1::25\"");
  }

  @Test
  void noPtr_isPermerror_withNoPtrFinding() {
    IprevResult r = run(Iprev.check(), "198.51.100.200");
    assertThat(r.outcome()).isEqualTo(Outcome.PERMERROR);
    assertThat(r.findings()).extracting(Finding::type).containsExactly(HeloFinding.NO_PTR);
    assertThat(HeloWeights.perFinding().score(r)).isEqualTo(1.5);
    assertThat(r.authResults().get(0).render()).startsWith("iprev=permerror reason=");
  }

  @Test
  void forwardElsewhere_isFail() {
    IprevResult r = run(Iprev.check(), "93.184.216.35");
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(r.findings()).extracting(Finding::type).containsExactly(HeloFinding.NOT_CONFIRMED);
    assertThat(r.reason()).contains("web.example.net -> 93.184.216.99");
  }

  @Test
  void ptrTimeout_isTemperror_withoutScore() {
    IprevResult r = run(Iprev.check(), "93.184.216.38");
    assertThat(r.outcome()).isEqualTo(Outcome.TEMPERROR);
    assertThat(r.findings()).isEmpty();
    assertThat(HeloWeights.perFinding().score(r)).isZero();
  }

  @Test
  void relaxed_sameSlash24_isItsOwnFinding_butStillFail() {
    Iprev relaxed = Iprev.builder().relaxed(true).build();
    IprevResult r = run(relaxed, "93.184.216.35");
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(r.findings()).extracting(Finding::type).containsExactly(HeloFinding.RELAXED_MATCH);
    assertThat(r.findings().get(0).reason()).contains("93.184.216.0/24");
    assertThat(HeloWeights.perFinding().score(r)).isEqualTo(0.3);
  }

  @Test
  void relaxed_sameRegistrableDomainAsAMatchingHelo() {
    Iprev relaxed = Iprev.builder().relaxed(true).build();
    MailSession s =
        MailSession.builder()
            .clientIp(InetAddresses.forString("93.184.216.37"))
            .helo("relay.mailer.example.com")
            .build();
    IprevResult r = run(relaxed, s, DNS);
    assertThat(r.findings()).extracting(Finding::type).containsExactly(HeloFinding.RELAXED_MATCH);
    assertThat(r.findings().get(0).reason()).contains("example.com");
    MailSession otherHelo = s.toBuilder().helo("relay.other.example.org").build();
    assertThat(run(relaxed, otherHelo, DNS).findings())
        .extracting(Finding::type)
        .containsExactly(HeloFinding.NOT_CONFIRMED);
  }

  @Test
  void atMostTenNamesAreConfirmed() {
    ZoneResolver.Builder b = ZoneResolver.builder();
    for (int i = 1; i <= 15; i++) {
      b.ptr(rev("93.184.216.50"), "n" + i + ".example.net");
    }
    ZoneResolver dns = b.address("n15.example.net", "93.184.216.50").build();
    IprevResult r =
        run(
            Iprev.check(),
            MailSession.builder().clientIp(InetAddresses.forString("93.184.216.50")).build(),
            dns);
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(r.ptrNames()).hasSize(15);
    assertThat(dns.queries()).filteredOn(q -> q.endsWith(" A")).hasSize(Iprev.MAX_NAMES);
  }

  @Test
  void strict_rejectsWithoutReverseDns_450_4_7_25_andTheEvaluationDefers() {
    Iprev strict = Iprev.builder().policy(HeloPolicy.STRICT).build();
    IprevResult r = run(strict, "198.51.100.200");
    assertThat(r.smtpReply())
        .get()
        .extracting(SmtpReply::code, SmtpReply::enhancedStatus)
        .containsExactly(450, "4.7.25");
    MailWarden w = MailWarden.builder(TestRuntime.of(DNS)).check(strict).build();
    Evaluation ev =
        w.evaluateAndWait(
            MailSession.builder().clientIp(InetAddresses.forString("198.51.100.200")).build());
    assertThat(ev.verdict()).isEqualTo(Verdict.TEMPFAIL);
    assertThat(ev.authenticationResults("mx.example.org")).contains("iprev=permerror");
  }

  @Test
  void lenientAndRfc_neverReject() {
    assertThat(run(Iprev.check(), "198.51.100.200").smtpReply()).isEmpty();
    assertThat(run(Iprev.builder().policy(HeloPolicy.RFC).build(), "93.184.216.35").smtpReply())
        .isEmpty();
  }

  @Test
  void skipped_hasNoClause() {
    Iprev iprev = Iprev.builder().trustedNetwork("93.184.216.0/24").build();
    IprevResult r = run(iprev, "93.184.216.35");
    assertThat(r.outcome()).isEqualTo(Outcome.NONE);
    assertThat(r.authResults()).isEmpty();
  }

  @Test
  void builder_boundsMaxNames() {
    assertThatThrownBy(() -> Iprev.builder().maxNames(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Iprev.builder().maxNames(11))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Iprev.builder().maxNames(3).build().toString()).contains("maxNames=3");
  }

  @Test
  void keysAndNames_areDistinct() {
    assertThat(Iprev.check().name()).isEqualTo("iprev");
    assertThat(Helo.check().name()).isEqualTo("helo");
    assertThat(Iprev.KEY).isNotSameAs(Helo.KEY);
  }
}
