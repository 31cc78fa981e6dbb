package dev.mailwarden.auth.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.CheckContext;
import dev.mailwarden.MailSession;
import dev.mailwarden.Outcome;
import dev.mailwarden.dns.ZoneResolver;
import dev.mailwarden.testing.TestRuntime;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AggregateReportsTest {
  private static final ReportAccumulator.Reporter REPORTER =
      new ReportAccumulator.Reporter(
          "Example Receiver", "dmarc@receiver.example", "receiver.example");
  private static final Instant BEGIN = Instant.ofEpochSecond(1_700_000_000L);
  private static final Instant END = BEGIN.plusSeconds(86_400);

  private static DmarcResult evaluate(String record, DmarcInputs inputs) throws Exception {
    ZoneResolver dns = ZoneResolver.builder().txt("_dmarc.example.com", record).build();
    MailSession s = DmarcTest.session("a@example.com", "b@example.com");
    return Dmarc.builder()
        .authResults(AuthResultsSource.fixed(inputs))
        .build()
        .check(CheckContext.forTesting(s, dns))
        .get(5, TimeUnit.SECONDS);
  }

  private static AggregateReport sampleReport() throws Exception {
    ReportAccumulator acc = ReportAccumulator.create();
    DmarcResult pass =
        evaluate(
            "v=DMARC1; p=reject; np=quarantine",
            DmarcInputs.of(
                new DmarcInputs.SpfAuth("example.com", Outcome.PASS, false),
                List.of(DmarcTest.dkim("example.com", Outcome.PASS))));
    DmarcResult fail =
        evaluate(
            "v=DMARC1; p=reject; np=quarantine",
            DmarcInputs.of(null, List.of(DmarcTest.dkim("evil.example", Outcome.PASS))));
    acc.record(InetAddress.getByName("192.0.2.1"), pass);
    acc.record(InetAddress.getByName("192.0.2.1"), pass);
    acc.record(InetAddress.getByName("2001:db8::7"), fail);
    List<AggregateReport> reports = acc.drain(REPORTER, BEGIN, END);
    assertThat(reports).hasSize(1);
    return reports.get(0);
  }

  @Test
  void accumulator_groupsBySourceDispositionAndResults() throws Exception {
    AggregateReport r = sampleReport();
    assertThat(r.policy().domain()).isEqualTo("example.com");
    assertThat(r.messageCount()).isEqualTo(3);
    assertThat(r.rows()).hasSize(2);
    AggregateReport.Row first = r.rows().get(0);
    assertThat(first.sourceIp()).isEqualTo("192.0.2.1");
    assertThat(first.count()).isEqualTo(2);
    assertThat(first.dmarcPass()).isTrue();
    assertThat(first.envelopeFrom()).isEqualTo("example.com");
    AggregateReport.Row second = r.rows().get(1);
    assertThat(second.disposition()).isEqualTo(Policy.REJECT);
    assertThat(second.dmarcPass()).isFalse();
    assertThat(second.dkim())
        .containsExactly(new AggregateReport.DkimAuthResult("evil.example", "sel", "pass"));
  }

  @Test
  void accumulator_drainStartsANewPeriod_andIgnoresResultsWithoutPolicy() throws Exception {
    ReportAccumulator acc = ReportAccumulator.create();
    acc.record(InetAddress.getByName("192.0.2.1"), DmarcResult.temperror("dns"));
    assertThat(acc.drain(REPORTER, BEGIN, END)).isEmpty();
    acc.record(
        InetAddress.getByName("192.0.2.1"), evaluate("v=DMARC1; p=none", DmarcInputs.none()));
    assertThat(acc.snapshot(REPORTER, BEGIN, END)).hasSize(1);
    assertThat(acc.drain(REPORTER, BEGIN, END)).hasSize(1);
    assertThat(acc.drain(REPORTER, BEGIN, END)).isEmpty();
  }

  @Test
  void listener_recordsEveryEvaluationsDmarcResult() throws Exception {
    ReportAccumulator acc = ReportAccumulator.create();
    dev.mailwarden.MailWarden w =
        dev.mailwarden.MailWarden.builder(
                TestRuntime.of(
                    ZoneResolver.builder().txt("_dmarc.example.com", "v=DMARC1; p=none").build()))
            .check(Dmarc.builder().authResults(AuthResultsSource.fixed(DmarcInputs.none())).build())
            .listener(acc.listener())
            .build();
    MailSession s = DmarcTest.session("a@example.com", "b@example.com");
    w.evaluate(s).get(5, TimeUnit.SECONDS);
    w.evaluate(s).get(5, TimeUnit.SECONDS);
    List<AggregateReport> reports = acc.drain(REPORTER, BEGIN, END);
    assertThat(reports)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.messageCount()).isEqualTo(2);
              assertThat(r.rows())
                  .singleElement()
                  .satisfies(row -> assertThat(row.sourceIp()).isEqualTo("192.0.2.10"));
            });
  }

  @Test
  void rfc7489Xml_roundTrips() throws Exception {
    AggregateReport r = sampleReport();
    String xml = AggregateReports.toXml(r, AggregateReports.Format.RFC7489);
    assertThat(xml)
        .startsWith("<?xml")
        .contains("<feedback>")
        .contains("<pct>100</pct>")
        .doesNotContain("xmlns")
        .contains("<begin>1700000000</begin>")
        .contains("<source_ip>2001:db8:0:0:0:0:0:7</source_ip>");
    AggregateReports.ParsedReport parsed =
        AggregateReports.parse(xml.getBytes(StandardCharsets.UTF_8));
    assertThat(parsed.problem()).isEmpty();
    assertThat(parsed.report())
        .hasValueSatisfying(
            p -> {
              assertThat(p.metadata()).isEqualTo(r.metadata());
              assertThat(p.rows()).hasSize(2);
              assertThat(p.rows().get(0).count()).isEqualTo(2);
              assertThat(p.rows().get(1).dkim()).isEqualTo(r.rows().get(1).dkim());
            });
  }

  @Test
  void rfc9990Xml_isNamespacedWithNpAndTesting_andRoundTrips() throws Exception {
    AggregateReport r = sampleReport();
    String xml = AggregateReports.toXml(r, AggregateReports.Format.RFC9990);
    assertThat(xml)
        .contains("<feedback xmlns=\"urn:ietf:params:xml:ns:dmarc-2.0\">")
        .contains("<np>quarantine</np>")
        .contains("<testing>n</testing>")
        .contains("<discovery_method>treewalk</discovery_method>")
        .contains("<envelope_from>example.com</envelope_from>")
        .doesNotContain("<pct>");
    AggregateReport back =
        AggregateReports.parse(xml.getBytes(StandardCharsets.UTF_8)).report().orElseThrow();
    assertThat(back.policy().nonExistentPolicy()).isEqualTo(Policy.QUARANTINE);
    assertThat(back.rows()).isEqualTo(r.rows());
  }

  @Test
  void rfc9990Report_withPassDispositionAndNewElements_parses() {
    String xml =
        """
        <feedback xmlns="urn:ietf:params:xml:ns:dmarc-2.0">
          <version>1.0</version>
          <report_metadata>
            <org_name>Reporter</org_name><email>r@reporter.example</email>
            <extra_contact_info lang="en">https://reporter.example/dmarc</extra_contact_info>
            <report_id>r-1</report_id>
            <date_range><begin>1000</begin><end>2000</end></date_range>
            <generator>Some Reporter 1.0</generator>
          </report_metadata>
          <policy_published>
            <domain>example.org</domain><p>quarantine</p><sp>none</sp><np>reject</np>
            <testing>y</testing><discovery_method>treewalk</discovery_method>
          </policy_published>
          <record>
            <row><source_ip>198.51.100.9</source_ip><count>7</count>
              <policy_evaluated><disposition>pass</disposition><dkim>pass</dkim><spf>fail</spf></policy_evaluated></row>
            <identifiers><envelope_from>example.org</envelope_from><header_from>example.org</header_from></identifiers>
            <auth_results>
              <dkim><domain>example.org</domain><result>pass</result><selector>k1</selector></dkim>
              <spf><domain>example.org</domain><result>fail</result></spf>
            </auth_results>
          </record>
        </feedback>
        """;
    AggregateReport r =
        AggregateReports.parse(xml.getBytes(StandardCharsets.UTF_8)).report().orElseThrow();
    assertThat(r.policy().testing()).isTrue();
    assertThat(r.policy().nonExistentPolicy()).isEqualTo(Policy.REJECT);
    AggregateReport.Row row = r.rows().get(0);
    assertThat(row.disposition()).isEqualTo(Policy.NONE);
    assertThat(row.dmarcPass()).isTrue();
    assertThat(row.envelopeFrom()).isEqualTo("example.org");
    assertThat(row.dkim())
        .containsExactly(new AggregateReport.DkimAuthResult("example.org", "k1", "pass"));
    assertThat(AggregateReports.toXml(r, AggregateReports.Format.RFC9990))
        .contains("<disposition>pass</disposition>");
    assertThat(AggregateReports.toXml(r, AggregateReports.Format.RFC7489))
        .contains("<disposition>none</disposition>");
  }

  @Test
  void gzip_isParsedBack_andFileNameFollowsRfc7489() throws Exception {
    AggregateReport r = sampleReport();
    byte[] gz = AggregateReports.gzip(r, AggregateReports.Format.RFC7489);
    try (var in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).contains("<feedback>");
    }
    assertThat(AggregateReports.parse(gz).report()).isPresent();
    assertThat(AggregateReports.fileName("receiver.example", r))
        .isEqualTo("receiver.example!example.com!1700000000!1700086400.xml.gz");
  }

  @Test
  void zip_isParsed() throws Exception {
    byte[] xml =
        AggregateReports.toXml(sampleReport(), AggregateReports.Format.RFC7489)
            .getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.putNextEntry(new ZipEntry("report.xml"));
      zip.write(xml);
      zip.closeEntry();
    }
    assertThat(AggregateReports.parse(out.toByteArray()).report()).isPresent();
  }

  @Test
  void parser_refusesDoctypeAndExternalEntities() throws Exception {
    String xxe =
        "<?xml version=\"1.0\"?><!DOCTYPE feedback [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
            + "<feedback><report_metadata><org_name>&x;</org_name></report_metadata></feedback>";
    AggregateReports.ParsedReport p = AggregateReports.parse(xxe.getBytes(StandardCharsets.UTF_8));
    assertThat(p.isValid()).isFalse();
    assertThat(p.problem()).containsIgnoringCase("DOCTYPE");
    assertThat(p.problem()).doesNotContain("root:");
  }

  @Test
  void parser_refusesEntityExpansionBomb() {
    StringBuilder b =
        new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">");
    for (int i = 1; i < 10; i++) {
      b.append("<!ENTITY lol")
          .append(i)
          .append(" \"")
          .append(("&lol" + (i == 1 ? "" : i - 1) + ";").repeat(10))
          .append("\">");
    }
    b.append("]><feedback>&lol9;</feedback>");
    assertThat(AggregateReports.parse(b.toString().getBytes(StandardCharsets.UTF_8)).isValid())
        .isFalse();
  }

  @Test
  void parser_capsDecompressedSize() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 8; i++) {
        gz.write(zeros);
      }
    }
    assertThat(out.size()).isLessThan(100_000);
    AggregateReports.ParsedReport p = AggregateReports.parse(out.toByteArray(), 1 << 20);
    assertThat(p.isValid()).isFalse();
    assertThat(p.problem()).contains("more than 1048576 bytes");
  }

  @Test
  void parser_reportsMissingElementsAsProblems() {
    AggregateReports.ParsedReport p =
        AggregateReports.parse(
            "<feedback><version>1.0</version></feedback>".getBytes(StandardCharsets.UTF_8));
    assertThat(p.problem()).contains("report_metadata");
    assertThat(AggregateReports.parse(new byte[] {0x1f, (byte) 0x8b, 1, 2}).isValid()).isFalse();
    assertThat(AggregateReports.parse(new byte[0]).isValid()).isFalse();
  }

  @Test
  void summarizeDirectory_perSourceIp_listsUnreadableFiles(@TempDir Path dir) throws Exception {
    AggregateReport r = sampleReport();
    Files.write(
        dir.resolve(AggregateReports.fileName("receiver.example", r)),
        AggregateReports.gzip(r, AggregateReports.Format.RFC7489));
    Files.writeString(
        dir.resolve("second.xml"), AggregateReports.toXml(r, AggregateReports.Format.RFC9990));
    Files.writeString(dir.resolve("junk.txt"), "not a report");
    ReportSummary s = AggregateReports.summarizeDirectory(dir);
    assertThat(s.reportCount()).isEqualTo(2);
    assertThat(s.problems()).singleElement().asString().startsWith("junk.txt:");
    assertThat(s.sources()).hasSize(2);
    ReportSummary.SourceRow top = s.sources().get(0);
    assertThat(top.sourceIp()).isEqualTo("192.0.2.1");
    assertThat(top.messages()).isEqualTo(4);
    assertThat(top.dmarcPass()).isEqualTo(4);
    assertThat(top.dispositions()).containsEntry(Policy.NONE, 4L);
    ReportSummary.SourceRow other = s.sources().get(1);
    assertThat(other.dmarcFail()).isEqualTo(2);
    assertThat(other.dispositions()).containsEntry(Policy.REJECT, 2L);
    assertThat(s.render())
        .contains("192.0.2.1")
        .contains("2 report(s), 6 message(s)")
        .contains("skipped junk.txt");
  }

  @Test
  void parser_deepNesting_isABadReportNamingTheDepthCap_notAStackOverflow() {
    String deep =
        "<feedback><report_metadata><org_name>"
            + "<x>".repeat(200_000)
            + "</x>".repeat(200_000)
            + "</org_name></report_metadata></feedback>";
    AggregateReports.ParsedReport p = AggregateReports.parse(deep.getBytes(StandardCharsets.UTF_8));
    assertThat(p.isValid()).isFalse();
    assertThat(p.problem()).contains("depth cap of 32");
  }

  @Test
  void zip_entriesThatAreNotReports_areSkippedWithoutInflating() throws Exception {
    byte[] xml =
        AggregateReports.toXml(sampleReport(), AggregateReports.Format.RFC7489)
            .getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.putNextEntry(
          new ZipEntry("bomb.bin")); // 64 MiB of zeros: inflating it would exceed the 1 MiB cap
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 64; i++) {
        zip.write(zeros);
      }
      zip.closeEntry();
      zip.putNextEntry(new ZipEntry("report.xml"));
      zip.write(xml);
      zip.closeEntry();
    }
    AggregateReports.ParsedReport p = AggregateReports.parse(out.toByteArray(), 1 << 20);
    assertThat(p.problem()).isEmpty();
    assertThat(p.report()).isPresent();
  }

  @Test
  void zip_withTooManyEntries_isRefusedNamingTheCap() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      for (int i = 0; i < 100; i++) {
        zip.putNextEntry(new ZipEntry("e" + i + ".txt"));
        zip.closeEntry();
      }
    }
    AggregateReports.ParsedReport p = AggregateReports.parse(out.toByteArray());
    assertThat(p.problem()).contains("100 entries, more than the cap of 64");
  }

  @Test
  void gzip_whoseStoredNameIsNotAReport_isRefusedWithoutInflating() {
    // a gzip header with FNAME "movie.mp4", then a deflate stream that would be garbage anyway
    byte[] gz = {
      0x1f,
      (byte) 0x8b,
      8,
      0x08,
      0,
      0,
      0,
      0,
      0,
      3,
      'm',
      'o',
      'v',
      'i',
      'e',
      '.',
      'm',
      'p',
      '4',
      0,
      1,
      2,
      3
    };
    AggregateReports.ParsedReport p = AggregateReports.parse(gz);
    assertThat(p.problem()).contains("'movie.mp4' is not a report");
  }
}
