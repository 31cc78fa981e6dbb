package dev.mailwarden.auth.arc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.Evaluation;
import dev.mailwarden.MailSession;
import dev.mailwarden.MailWarden;
import dev.mailwarden.Outcome;
import dev.mailwarden.auth.dkim.Dkim;
import dev.mailwarden.auth.dmarc.AggregateReports;
import dev.mailwarden.auth.dmarc.Dmarc;
import dev.mailwarden.auth.dmarc.DmarcResult;
import dev.mailwarden.auth.dmarc.Policy;
import dev.mailwarden.auth.dmarc.ReportAccumulator;
import dev.mailwarden.dns.ZoneResolver;
import dev.mailwarden.testing.TestRuntime;
import java.net.InetAddress;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code Dmarc.builder().trustArcSealers(...)}: the local-policy override for mail through a
 * trusted list.
 */
class ArcTrustedSealerTest {
  private final ZoneResolver dns =
      ArcTestChains.zoneBuilder().txt("_dmarc.example.com", "v=DMARC1; p=reject").build();

  /** A list message: sealed by lists.example.org whose AAR recorded dmarc=pass; no DKIM left. */
  private static byte[] listMessage() {
    byte[] sealed =
        ArcTestChains.hop(
            ArcTestChains.rsaSealer("lists.example.org"), ArcTestChains.message(), ArcStatus.NONE);
    return ArcTestChains.bytes(
        ArcTestChains.text(sealed).replaceFirst("(?m)^Authentication-Results: [^\r]*\r\n", ""));
  }

  private Evaluation evaluate(Dmarc dmarc, byte[] message) throws Exception {
    MailWarden w =
        MailWarden.builder(TestRuntime.of(dns))
            .check(Dkim.check())
            .check(Arc.check())
            .check(dmarc)
            .build();
    MailSession s =
        MailSession.builder()
            .clientIp(InetAddress.getByName("192.0.2.7"))
            .mailFrom("bounce@lists.example.org")
            .message(message)
            .build();
    return w.evaluate(s).get(10, TimeUnit.SECONDS);
  }

  @Test
  void trustedSealerRecordedDmarcPass_failIsOverriddenByLocalPolicy_visibleInResultHeaderAndReport()
      throws Exception {
    Evaluation ev =
        evaluate(Dmarc.builder().trustArcSealers("lists.example.org").build(), listMessage());
    DmarcResult d = ev.result(Dmarc.KEY).orElseThrow();
    assertThat(ev.result(Arc.KEY).orElseThrow().status()).isEqualTo(ArcStatus.PASS);
    assertThat(d.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(d.disposition()).isEqualTo(Policy.NONE);
    assertThat(d.dispositionOverride()).hasValue("local_policy");
    assertThat(d.overrideComment().orElseThrow())
        .contains("lists.example.org")
        .contains("dmarc=pass header.from=example.com");
    String ar =
        ev.authenticationResults("mx.example.net").replaceAll("\r?\n[ \t]", " "); // unfolded
    assertThat(ar)
        .contains("arc=pass")
        .contains("dis=none, local_policy: arc=pass, trusted ARC sealer lists.example.org");

    ReportAccumulator acc = ReportAccumulator.create();
    acc.record(InetAddress.getByName("192.0.2.7"), d);
    var reports =
        acc.snapshot(
            new ReportAccumulator.Reporter("R", "dmarc@mx.example.net", "mx.example.net"),
            Instant.EPOCH,
            Instant.EPOCH.plusSeconds(86_400));
    String xml = AggregateReports.toXml(reports.get(0), AggregateReports.Format.RFC7489);
    assertThat(xml)
        .contains("<type>local_policy</type>")
        .contains("<comment>arc=pass, trusted ARC sealer lists.example.org");
    var parsed =
        AggregateReports.parse(xml.getBytes(java.nio.charset.StandardCharsets.UTF_8))
            .report()
            .orElseThrow();
    assertThat(parsed.rows().get(0).overrides().get(0))
        .startsWith("local_policy arc=pass, trusted ARC sealer lists.example.org");
  }

  @Test
  void untrustedSealer_rejectStands() throws Exception {
    DmarcResult d =
        evaluate(Dmarc.builder().trustArcSealers("other.example.org").build(), listMessage())
            .result(Dmarc.KEY)
            .orElseThrow();
    assertThat(d.disposition()).isEqualTo(Policy.REJECT);
    assertThat(d.dispositionOverride()).isEmpty();
  }

  @Test
  void brokenChain_rejectStands() throws Exception {
    byte[] tampered =
        ArcTestChains.bytes(
            ArcTestChains.text(listMessage()).replace("this is a test.", "buy now"));
    Evaluation ev =
        evaluate(Dmarc.builder().trustArcSealers("lists.example.org").build(), tampered);
    assertThat(ev.result(Arc.KEY).orElseThrow().status()).isEqualTo(ArcStatus.FAIL);
    assertThat(ev.result(Dmarc.KEY).orElseThrow().disposition()).isEqualTo(Policy.REJECT);
  }

  @Test
  void withoutTrustedSealers_noOverride() throws Exception {
    DmarcResult d = evaluate(Dmarc.check(), listMessage()).result(Dmarc.KEY).orElseThrow();
    assertThat(d.disposition()).isEqualTo(Policy.REJECT);
  }
}
