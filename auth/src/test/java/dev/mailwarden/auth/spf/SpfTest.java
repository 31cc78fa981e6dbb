package dev.mailwarden.auth.spf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.net.InetAddresses;
import dev.mailwarden.AuthResult;
import dev.mailwarden.CheckContext;
import dev.mailwarden.Checker;
import dev.mailwarden.MailSession;
import dev.mailwarden.Outcome;
import dev.mailwarden.SmtpReply;
import dev.mailwarden.dns.ZoneResolver;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The checker's identity rules, rendering and replies. */
class SpfTest {
  static final ZoneResolver DNS =
      ZoneResolver.builder()
          .txt("example.com", "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 ~all")
          .txt("fail.example.com", "v=spf1 -all exp=why.example.com")
          .txt("why.example.com", "Not from %{c}\r\nX-Injected: yes")
          .txt("mail.example.com", "v=spf1 a -all")
          .address("mail.example.com", "192.0.2.25")
          .txt("perm.example.com", "v=spf1 frobnicate -all")
          .fail("temp.example.com", dev.mailwarden.dns.DnsStatus.SERVFAIL)
          .build();

  static SpfResult check(Checker<SpfResult> checker, MailSession s) throws Exception {
    return checker.check(CheckContext.forTesting(s, DNS)).get(5, TimeUnit.SECONDS);
  }

  static MailSession session(String ip, String helo, String mailFrom) {
    MailSession.Builder b = MailSession.builder().clientIp(InetAddresses.forString(ip));
    if (helo != null) {
      b.helo(helo);
    }
    if (mailFrom != null) {
      b.mailFrom(mailFrom);
    }
    return b.build();
  }

  @Test
  void mailFrom_isTheCheckedIdentity() throws Exception {
    SpfResult r = check(Spf.check(), session("192.0.2.1", "mail.example.com", "alice@example.com"));
    assertThat(r.outcome()).isEqualTo(Outcome.PASS);
    assertThat(r.identity()).isEqualTo(SpfIdentity.MAILFROM);
    assertThat(r.domain()).isEqualTo("example.com");
    assertThat(r.mechanism()).contains("ip4:192.0.2.0/24");
    assertThat(r.dnsQueries()).isEqualTo(1);
    assertThat(r.voidLookups()).isZero();
  }

  @Test
  void nullSender_checksHeloAsPostmaster() throws Exception {
    SpfResult r = check(Spf.check(), session("192.0.2.25", "mail.example.com", ""));
    assertThat(r.outcome()).isEqualTo(Outcome.PASS);
    assertThat(r.identity()).isEqualTo(SpfIdentity.HELO);
    assertThat(r.domain()).isEqualTo("mail.example.com");
    assertThat(r.sender()).isEqualTo("postmaster@mail.example.com");
    assertThat(r.authResults().get(0).render()).isEqualTo("spf=pass smtp.helo=mail.example.com");
  }

  @Test
  void heloOnly_checksHeloIdentity() throws Exception {
    SpfResult r = check(Spf.check(), session("192.0.2.99", "mail.example.com", null));
    assertThat(r.identity()).isEqualTo(SpfIdentity.HELO);
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
  }

  @Test
  void appliesTo_needsClientIpAndAnIdentity() {
    Checker<SpfResult> c = Spf.check();
    assertThat(c.appliesTo(session("192.0.2.1", "h.example", null))).isTrue();
    assertThat(c.appliesTo(session("192.0.2.1", null, "a@example.com"))).isTrue();
    assertThat(c.appliesTo(session("192.0.2.1", null, null))).isFalse();
    assertThat(c.appliesTo(MailSession.builder().mailFrom("a@example.com").build())).isFalse();
  }

  @Test
  void domainLiteralHelo_withNullSender_isNoneWithoutDns() throws Exception {
    ZoneResolver empty = ZoneResolver.builder().build();
    SpfResult r =
        Spf.check()
            .check(CheckContext.forTesting(session("192.0.2.1", "[192.0.2.1]", ""), empty))
            .get(5, TimeUnit.SECONDS);
    assertThat(r.outcome()).isEqualTo(Outcome.NONE);
    assertThat(empty.queryCount()).isZero();
  }

  @Test
  void authResults_mailFrom_namesTheDomain() throws Exception {
    SpfResult r = check(Spf.check(), session("198.51.100.1", "h.example", "bob@example.com"));
    assertThat(r.outcome()).isEqualTo(Outcome.SOFTFAIL);
    AuthResult ar = r.authResults().get(0);
    assertThat(ar.render()).isEqualTo("spf=softfail smtp.mailfrom=example.com");
  }

  @Test
  void receivedSpf_hasEveryRfc7208Key_quotedWhereNeeded() throws Exception {
    SpfResult r = check(Spf.check(), session("192.0.2.1", "mail.example.com", "alice@example.com"));
    String folded = r.receivedSpf("mx.example.org");
    for (String line : folded.split("\r\n")) {
      assertThat(line.length()).as(line).isLessThanOrEqualTo(78);
    }
    assertThat(folded.replace("\r\n", ""))
        .isEqualTo(
            "Received-SPF: pass (mx.example.org: domain of alice@example.com designates 192.0.2.1 as"
                + " permitted sender) receiver=mx.example.org; client-ip=192.0.2.1;"
                + " envelope-from=\"alice@example.com\"; helo=mail.example.com; identity=mailfrom;"
                + " mechanism=\"ip4:192.0.2.0/24\";");
  }

  @Test
  void receivedSpf_ipv6ClientAndHostileHelo_areQuotedAndEscaped() throws Exception {
    SpfResult r =
        check(Spf.check(), session("2001:db8::1", "evil\"\\ (x)\r\nX: y", "alice@example.com"));
    String folded = r.receivedSpf("mx.example.org");
    String h = folded.replace("\r\n", "");
    assertThat(h)
        .contains("client-ip=\"2001:db8:0:0:0:0:0:1\";")
        .contains("helo=\"evil\\\"\\\\ (x) X: y\";");
    // the only line breaks are our folds: CRLF followed by whitespace
    assertThat(folded.replace("\r\n ", "").replace("\r\n\t", ""))
        .doesNotContain("\r")
        .doesNotContain("\n");
  }

  @Test
  void fail_expTextWithControlCharacters_fallsBackToDefault_andReplies550_5_7_23()
      throws Exception {
    SpfResult r = check(Spf.check(), session("192.0.2.1", "h.example", "x@fail.example.com"));
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(r.explanation())
        .contains("SPF fail: fail.example.com does not authorize 192.0.2.1 to send mail");
    SmtpReply reply = r.smtpReply().orElseThrow();
    assertThat(reply.code()).isEqualTo(550);
    assertThat(reply.enhancedStatus()).isEqualTo("5.7.23");
    assertThat(reply.text()).doesNotContain("\n");
  }

  @Test
  void explanationFromAnEngine_isSanitised() {
    SpfResult r =
        SpfResult.builder(Outcome.FAIL, SpfIdentity.MAILFROM, "example.com")
            .explanation("line one\r\nX-Injected:  yes\u0000")
            .build();
    assertThat(r.explanation()).contains("line one  X-Injected:  yes");
    assertThat(r.smtpReply().orElseThrow().toString()).doesNotContain("\r", "\n");
  }

  @Test
  void failStatus_canBe_5_7_1() throws Exception {
    SpfResult r =
        check(
            Spf.builder().failStatus("5.7.1").build(),
            session("192.0.2.1", "h.example", "x@fail.example.com"));
    assertThat(r.smtpReply().orElseThrow().enhancedStatus()).isEqualTo("5.7.1");
  }

  @Test
  void temperror_replies451_4_4_3_andPermerror550_5_7_24() throws Exception {
    SpfResult t = check(Spf.check(), session("192.0.2.1", "h.example", "x@temp.example.com"));
    assertThat(t.outcome()).isEqualTo(Outcome.TEMPERROR);
    assertThat(t.smtpReply().orElseThrow())
        .extracting(SmtpReply::code, SmtpReply::enhancedStatus)
        .containsExactly(451, "4.4.3");
    SpfResult p = check(Spf.check(), session("192.0.2.1", "h.example", "x@perm.example.com"));
    assertThat(p.outcome()).isEqualTo(Outcome.PERMERROR);
    assertThat(p.smtpReply().orElseThrow())
        .extracting(SmtpReply::code, SmtpReply::enhancedStatus)
        .containsExactly(550, "5.7.24");
    assertThat(p.receivedSpf("mx")).contains("problem=");
  }

  @Test
  void softfailAndNeutral_neverAskForAReply() throws Exception {
    SpfResult r = check(Spf.check(), session("198.51.100.1", "h.example", "bob@example.com"));
    assertThat(r.outcome()).isEqualTo(Outcome.SOFTFAIL);
    assertThat(r.smtpReply()).isEmpty();
  }

  @Test
  void defaultWeights_failThreeSoftfailOne() throws Exception {
    Checker<SpfResult> c = Spf.check();
    assertThat(
            c.defaultWeights()
                .score(check(c, session("192.0.2.1", "h.example", "x@fail.example.com"))))
        .isEqualTo(3.0);
    assertThat(
            c.defaultWeights()
                .score(check(c, session("198.51.100.1", "h.example", "b@example.com"))))
        .isEqualTo(1.0);
    assertThat(
            c.defaultWeights().score(check(c, session("192.0.2.1", "h.example", "b@example.com"))))
        .isZero();
  }

  @Test
  void key_isSharedConstant() {
    assertThat(Spf.check().key()).isSameAs(Spf.KEY);
    assertThat(Spf.KEY.name()).isEqualTo("spf");
  }

  @Test
  void builder_rejectsMisuse() {
    assertThatThrownBy(() -> Spf.builder().failStatus("4.7.1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Spf.builder().receiver("a").receiver("b"))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> Spf.builder().voidLookupLimit(-1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Spf.builder().engine(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void receiver_feedsTheRMacro() throws Exception {
    ZoneResolver dns =
        ZoneResolver.builder()
            .txt("r.example.com", "v=spf1 -all exp=rexp.example.com")
            .txt("rexp.example.com", "rejected by %{r}")
            .build();
    SpfResult r =
        Spf.builder()
            .receiver("mx.example.org")
            .build()
            .check(
                CheckContext.forTesting(session("192.0.2.1", "h.example", "a@r.example.com"), dns))
            .get(5, TimeUnit.SECONDS);
    assertThat(r.explanation()).contains("rejected by mx.example.org");
  }
}
