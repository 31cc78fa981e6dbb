package dev.mailwarden.examples.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.Evaluation;
import dev.mailwarden.MailSession;
import dev.mailwarden.MailWarden;
import dev.mailwarden.SmtpReply;
import dev.mailwarden.Verdict;
import dev.mailwarden.auth.spf.Spf;
import dev.mailwarden.dns.DnsStatus;
import dev.mailwarden.dns.ZoneResolver;
import dev.mailwarden.dnsbl.Dnsbl;
import dev.mailwarden.dnsbl.DnsblWeights;
import dev.mailwarden.examples.gateway.GatewayExample;
import dev.mailwarden.testing.TestRuntime;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How another project unit-tests its own mail handling with mailwarden: DNS comes from a {@link
 * ZoneResolver} (no network), so the tests are fast and always give the same answer. Copy freely.
 */
class UsingMailwardenInYourTests {

  /** The DNS your tests need, as master-file text, plus a domain whose DNS is down. */
  private static final ZoneResolver DNS =
      ZoneResolver.builder()
          .zone(
              """
              $ORIGIN example.com.
              @        300 IN TXT "v=spf1 ip4:192.0.2.0/24 -all"
              mail     300 IN A   192.0.2.25
              """)
          .zone(
              """
              2.0.0.127.bl.example.net.   IN A 127.0.0.2
              66.100.51.198.bl.example.net. IN A 127.0.0.2
              """)
          .fail("down.example.org", DnsStatus.SERVFAIL)
          .build();

  private static InetAddress ip(String s) throws Exception {
    return InetAddress.getByName(s);
  }

  @Test
  void mailFromAnAuthorisedServer_isAccepted() throws Exception {
    MailWarden warden = MailWarden.builder(TestRuntime.of(DNS)).check(Spf.check()).build();
    Evaluation ev =
        warden.evaluateAndWait(
            MailSession.builder()
                .clientIp(ip("192.0.2.25"))
                .helo("mail.example.com")
                .mailFrom("alice@example.com")
                .build());
    assertThat(ev.verdict()).isEqualTo(Verdict.ACCEPT);
    assertThat(ev.authenticationResults("mx.test")).contains("spf=pass smtp.mailfrom=example.com");
  }

  @Test
  void aListedClient_isRejectedWithTheListsReply() throws Exception {
    MailWarden warden =
        MailWarden.builder(TestRuntime.of(DNS))
            .check(Dnsbl.check(Dnsbl.parse("bl.example.net")), DnsblWeights.listed(5.0))
            .build();
    Evaluation ev =
        warden.evaluateAndWait(MailSession.builder().clientIp(ip("198.51.100.66")).build());
    assertThat(ev.verdict()).isEqualTo(Verdict.REJECT);
    assertThat(ev.smtpReply().code()).isEqualTo(550);
  }

  @Test
  void dnsTrouble_defersWhenSpfIsRequired() throws Exception {
    MailWarden warden = MailWarden.builder(TestRuntime.of(DNS)).require(Spf.check()).build();
    Evaluation ev =
        warden.evaluateAndWait(
            MailSession.builder()
                .clientIp(ip("192.0.2.25"))
                .helo("mail.example.com")
                .mailFrom("bob@down.example.org")
                .build());
    assertThat(ev.verdict()).isEqualTo(Verdict.TEMPFAIL);
    assertThat(ev.smtpReply().isTransient()).isTrue();
  }

  @Test
  void yourGateway_stopsAListedClientAtConnect() throws Exception {
    List<SmtpReply> sent = new ArrayList<>();
    List<String> delivered = new ArrayList<>();
    GatewayExample.Transaction smtp =
        new GatewayExample.Transaction() {
          @Override
          public void reply(SmtpReply reply) {
            sent.add(reply);
          }

          @Override
          public void deliver(byte[] message, String headers, boolean quarantine) {
            delivered.add(headers);
          }
        };
    ZoneResolver zen =
        ZoneResolver.of(
            """
        2.0.0.127.zen.spamhaus.org.     IN A 127.0.0.2
        66.100.51.198.zen.spamhaus.org. IN A 127.0.0.2
        """);
    GatewayExample gateway = new GatewayExample(TestRuntime.of(zen), "mx.test");
    SmtpReply last =
        gateway.handle(
            ip("198.51.100.66"),
            "x.example",
            "a@example.com",
            "b@example.org",
            "From: a@example.com\r\n\r\nhi\r\n".getBytes(StandardCharsets.US_ASCII),
            smtp);
    assertThat(last.code()).isEqualTo(550);
    assertThat(sent).containsExactly(last);
    assertThat(delivered).isEmpty();
  }

  // ---- replacing mailwarden in your own unit tests (public API only) ----

  /** Your own code: it asks mailwarden and acts on the verdict. Give it the MailWarden it uses. */
  static final class YourSpamGate {
    private final MailWarden warden;

    YourSpamGate(MailWarden warden) {
      this.warden = warden;
    }

    /** The SMTP reply for the client, or empty to go on. */
    java.util.Optional<SmtpReply> onConnect(InetAddress client) {
      Evaluation ev = warden.evaluateAndWait(MailSession.builder().clientIp(client).build());
      return ev.verdict() == Verdict.ACCEPT
          ? java.util.Optional.empty()
          : java.util.Optional.of(ev.smtpReply());
    }
  }

  /**
   * A canned result: a checker of your own that answers what the test needs, registered with the
   * weight that makes the verdict. No DNS at all, and the evaluation is a real one.
   */
  private static MailWarden answering(dev.mailwarden.Outcome outcome, double weight) {
    dev.mailwarden.Checker<dev.mailwarden.CheckResult> canned =
        new dev.mailwarden.Checker<>() {
          private final dev.mailwarden.CheckKey<dev.mailwarden.CheckResult> key =
              dev.mailwarden.CheckKey.of("canned", dev.mailwarden.CheckResult.class);

          @Override
          public dev.mailwarden.CheckKey<dev.mailwarden.CheckResult> key() {
            return key;
          }

          @Override
          public boolean appliesTo(MailSession session) {
            return true;
          }

          @Override
          public java.util.concurrent.CompletableFuture<dev.mailwarden.CheckResult> check(
              dev.mailwarden.CheckContext context) {
            return java.util.concurrent.CompletableFuture.completedFuture(
                dev.mailwarden.CheckResult.of(outcome, "canned for the test"));
          }

          @Override
          public dev.mailwarden.CheckResult temperror(String reason) {
            return dev.mailwarden.CheckResult.of(dev.mailwarden.Outcome.TEMPERROR, reason);
          }
        };
    return MailWarden.builder(TestRuntime.of(ZoneResolver.of("")))
        .check(canned, dev.mailwarden.Weights.of(outcome, weight))
        .build();
  }

  @Test
  void yourCode_withACannedEvaluation_rejects() throws Exception {
    YourSpamGate gate = new YourSpamGate(answering(dev.mailwarden.Outcome.FAIL, 10.0));
    assertThat(gate.onConnect(ip("192.0.2.1")))
        .hasValueSatisfying(r -> assertThat(r.code()).isEqualTo(550));
    assertThat(
            new YourSpamGate(answering(dev.mailwarden.Outcome.PASS, 0.0))
                .onConnect(ip("192.0.2.1")))
        .isEmpty();
  }

  @Test
  void yourCode_withAMockitoMock_ofMailWarden() throws Exception {
    // MailWarden is a final class; Mockito 5's default (inline) mock maker mocks it
    Evaluation tempfail =
        answering(dev.mailwarden.Outcome.TEMPERROR, 0.0)
            .newBuilder()
            .require(
                new dev.mailwarden.Checker<dev.mailwarden.CheckResult>() {
                  private final dev.mailwarden.CheckKey<dev.mailwarden.CheckResult> key =
                      dev.mailwarden.CheckKey.of("required", dev.mailwarden.CheckResult.class);

                  @Override
                  public dev.mailwarden.CheckKey<dev.mailwarden.CheckResult> key() {
                    return key;
                  }

                  @Override
                  public boolean appliesTo(MailSession s) {
                    return true;
                  }

                  @Override
                  public java.util.concurrent.CompletableFuture<dev.mailwarden.CheckResult> check(
                      dev.mailwarden.CheckContext c) {
                    return java.util.concurrent.CompletableFuture.completedFuture(
                        temperror("DNS is down"));
                  }

                  @Override
                  public dev.mailwarden.CheckResult temperror(String reason) {
                    return dev.mailwarden.CheckResult.of(dev.mailwarden.Outcome.TEMPERROR, reason);
                  }
                })
            .build()
            .evaluateAndWait(MailSession.builder().clientIp(ip("192.0.2.1")).build());
    MailWarden mocked = org.mockito.Mockito.mock(MailWarden.class);
    org.mockito.Mockito.when(mocked.evaluateAndWait(org.mockito.ArgumentMatchers.any()))
        .thenReturn(tempfail);

    java.util.Optional<SmtpReply> reply = new YourSpamGate(mocked).onConnect(ip("192.0.2.1"));

    assertThat(reply).hasValueSatisfying(r -> assertThat(r.isTransient()).isTrue());
    org.mockito.Mockito.verify(mocked)
        .evaluateAndWait(
            org.mockito.ArgumentMatchers.argThat(
                s -> s.clientIp().map(a -> a.getHostAddress().equals("192.0.2.1")).orElse(false)));
  }
}
