package dev.mailwarden.auth.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Jazzer fuzz targets. In the normal build they run as regression tests over the committed seeds in
 * {@code src/test/resources/dev/mailwarden/auth/dmarc/DmarcFuzzTestInputs/<method>/}; run {@code
 * JAZZER_FUZZ=1 mvn -pl auth -am test -Dtest=DmarcFuzzTest} to fuzz.
 */
class DmarcFuzzTest {

  @FuzzTest(maxDuration = "60s")
  void recordParser(byte[] data) {
    String text = new String(data, StandardCharsets.UTF_8);
    DmarcRecord.Parsed p = DmarcRecord.parse(text);
    assertThat(p.isValid()).isEqualTo(p.record().isPresent());
    p.record()
        .ifPresent(
            r -> {
              assertThat(r.percent()).isBetween(0, 100);
              for (PolicyTag t : PolicyTag.values()) {
                assertThat(r.policyFor(t)).isNotNull();
              }
              assertThat(r.toString()).startsWith("DmarcRecord[");
            });
  }

  @FuzzTest(maxDuration = "60s")
  void reportParser(byte[] data) {
    AggregateReports.ParsedReport p = AggregateReports.parse(data, 1 << 20);
    assertThat(p.isValid()).isEqualTo(p.problem().isEmpty());
    p.report()
        .ifPresent(
            r -> {
              // whatever we accept we can write, and read back to the same metadata and counts
              String xml = AggregateReports.toXml(r, AggregateReports.Format.RFC9990);
              AggregateReport back =
                  AggregateReports.parse(xml.getBytes(StandardCharsets.UTF_8))
                      .report()
                      .orElseThrow();
              assertThat(back.metadata()).isEqualTo(r.metadata());
              assertThat(back.rows()).hasSameSizeAs(r.rows());
              assertThat(back.messageCount()).isEqualTo(r.messageCount());
              ReportSummary.of(java.util.List.of(r), java.util.List.of()).render();
            });
  }
}
