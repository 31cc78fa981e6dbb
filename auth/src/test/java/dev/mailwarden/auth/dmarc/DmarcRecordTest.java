package dev.mailwarden.auth.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DmarcRecordTest {

  private static DmarcRecord valid(String text) {
    DmarcRecord.Parsed p = DmarcRecord.parse(text);
    assertThat(p.status()).as(p.problem()).isEqualTo(DmarcRecord.Status.VALID);
    return p.record().orElseThrow();
  }

  @Test
  void allTags_parse() {
    DmarcRecord r =
        valid(
            "v=DMARC1; p=quarantine; sp=reject; np=none; adkim=s; aspf=s; pct=25; t=y; psd=n;"
                + " rua=mailto:a@example.com!10m, mailto:b@example.net; ruf=mailto:f@example.com; fo=1:d; rf=afrf; ri=3600");
    assertThat(r.policy()).isEqualTo(Policy.QUARANTINE);
    assertThat(r.subdomainPolicy()).contains(Policy.REJECT);
    assertThat(r.nonExistentPolicy()).contains(Policy.NONE);
    assertThat(r.dkimAlignment()).isEqualTo(Alignment.STRICT);
    assertThat(r.spfAlignment()).isEqualTo(Alignment.STRICT);
    assertThat(r.percent()).isEqualTo(25);
    assertThat(r.testing()).isTrue();
    assertThat(r.publicSuffixDomain()).isEqualTo(DmarcRecord.PublicSuffixDomain.NO);
    assertThat(r.aggregateReportUris())
        .containsExactly("mailto:a@example.com!10m", "mailto:b@example.net");
    assertThat(r.failureReportUris()).containsExactly("mailto:f@example.com");
    assertThat(r.failureOptions()).isEqualTo("1:d");
    assertThat(r.reportInterval()).isEqualTo(3600);
    assertThat(r.warnings()).isEmpty();
  }

  @Test
  void defaults_whenTagsAbsent() {
    DmarcRecord r = valid("v=DMARC1; p=none");
    assertThat(r.dkimAlignment()).isEqualTo(Alignment.RELAXED);
    assertThat(r.spfAlignment()).isEqualTo(Alignment.RELAXED);
    assertThat(r.percent()).isEqualTo(100);
    assertThat(r.testing()).isFalse();
    assertThat(r.policyFor(PolicyTag.SP)).isEqualTo(Policy.NONE);
    assertThat(r.policyFor(PolicyTag.NP)).isEqualTo(Policy.NONE);
  }

  @Test
  void npFallsBackToSpThenP() {
    assertThat(valid("v=DMARC1; p=none; sp=quarantine").policyFor(PolicyTag.NP))
        .isEqualTo(Policy.QUARANTINE);
    assertThat(valid("v=DMARC1; p=reject").policyFor(PolicyTag.NP)).isEqualTo(Policy.REJECT);
  }

  @Test
  void versionMustBeFirstAndExact() {
    assertThat(DmarcRecord.parse("p=reject; v=DMARC1").status())
        .isEqualTo(DmarcRecord.Status.NOT_DMARC);
    assertThat(DmarcRecord.parse("v=dmarc1; p=reject").status())
        .isEqualTo(DmarcRecord.Status.NOT_DMARC);
    assertThat(DmarcRecord.parse("v=DMARC2; p=reject").status())
        .isEqualTo(DmarcRecord.Status.NOT_DMARC);
    assertThat(DmarcRecord.parse("").status()).isEqualTo(DmarcRecord.Status.NOT_DMARC);
    assertThat(DmarcRecord.parse("V = DMARC1 ; p = reject").status())
        .isEqualTo(DmarcRecord.Status.VALID);
  }

  @Test
  void invalidOrMissingP_withoutRua_isInvalid_withRua_isPNone() {
    assertThat(DmarcRecord.parse("v=DMARC1; p=bogus").status())
        .isEqualTo(DmarcRecord.Status.INVALID);
    assertThat(DmarcRecord.parse("v=DMARC1; pct=100").status())
        .isEqualTo(DmarcRecord.Status.INVALID);
    assertThat(DmarcRecord.parse("v=DMARC1; p=none; sp=bogus").status())
        .isEqualTo(DmarcRecord.Status.INVALID);
    DmarcRecord r = valid("v=DMARC1; p=bogus; sp=reject; rua=mailto:d@example.com");
    assertThat(r.policy()).isEqualTo(Policy.NONE);
    assertThat(r.subdomainPolicy()).isEmpty();
    assertThat(r.policyDefaulted()).isTrue();
    // a rua= with no valid URI does not rescue the record
    assertThat(DmarcRecord.parse("v=DMARC1; p=bogus; rua=not a uri").status())
        .isEqualTo(DmarcRecord.Status.INVALID);
  }

  @Test
  void badOptionalValues_fallBackToDefaults_withWarnings() {
    DmarcRecord r =
        valid("v=DMARC1; p=reject; adkim=x; pct=500; t=maybe; ri=-1; fo=7; foo=bar; garbage");
    assertThat(r.dkimAlignment()).isEqualTo(Alignment.RELAXED);
    assertThat(r.percent()).isEqualTo(100);
    assertThat(r.testing()).isFalse();
    assertThat(r.reportInterval()).isEqualTo(86400);
    assertThat(r.warnings())
        .hasSize(6); // adkim, pct, t, ri, fo, malformed "garbage"; foo= ignored silently
  }

  @Test
  void repeatedTag_firstWins() {
    DmarcRecord r = valid("v=DMARC1; p=reject; p=none");
    assertThat(r.policy()).isEqualTo(Policy.REJECT);
    assertThat(r.warnings()).singleElement().asString().contains("repeated");
  }
}
