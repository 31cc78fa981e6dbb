package dev.mailwarden.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DomainNamesTest {

  @Test
  void hostName_normalizesCaseIdnAndTrailingDot() {
    assertThat(DomainNames.hostName("Mail.Example.COM.")).hasValue("mail.example.com");
    assertThat(DomainNames.hostName(" bücher.example ")).hasValue("xn--bcher-kva.example");
    assertThat(DomainNames.hostName("_dmarc.example.com")).hasValue("_dmarc.example.com");
  }

  @Test
  void hostName_skipsWhatIsNotWorthAQuery() {
    assertThat(DomainNames.hostName("[192.0.2.1]")).isEmpty();
    assertThat(DomainNames.hostName("192.0.2.1")).isEmpty();
    assertThat(DomainNames.hostName("localhost")).isEmpty();
    assertThat(DomainNames.hostName("localhost.")).isEmpty();
    assertThat(DomainNames.hostName("bad name.example")).isEmpty();
    assertThat(DomainNames.hostName("a..example")).isEmpty();
    assertThat(DomainNames.hostName("example.com..")).isEmpty(); // only one trailing dot goes
    assertThat(DomainNames.hostName("")).isEmpty();
    assertThat(DomainNames.hostName(".")).isEmpty();
  }

  @Test
  void hostName_lengthCaps() {
    String label63 = "a".repeat(63);
    String name253 = label63 + "." + label63 + "." + label63 + "." + "b".repeat(61);
    assertThat(name253).hasSize(253);
    assertThat(DomainNames.hostName(name253)).hasValue(name253);
    assertThat(DomainNames.hostName("c" + name253)).isEmpty(); // 254 octets, a 64-octet label
    assertThat(DomainNames.hostName("x." + name253)).isEmpty(); // 255 octets
    assertThat(DomainNames.hostName("a".repeat(64) + ".example")).isEmpty();
  }

  @Test
  void hostNameOfAddress_takesTheDomainAfterTheLastAt() {
    assertThat(DomainNames.hostNameOfAddress("Bob@Example.ORG")).hasValue("example.org");
    assertThat(DomainNames.hostNameOfAddress("\"a@b\"@mail.example")).hasValue("mail.example");
    assertThat(DomainNames.hostNameOfAddress("no-at-sign")).isEmpty();
    assertThat(DomainNames.hostNameOfAddress("user@")).isEmpty();
  }

  @Test
  void toAscii_acceptsSingleLabelsAndRejectsInvalidNames() {
    assertThat(DomainNames.toAscii("Localhost")).isEqualTo("localhost");
    assertThat(DomainNames.toAscii("münchen.example")).isEqualTo("xn--mnchen-3ya.example");
    assertThat(DomainNames.toAscii("")).isNull();
    assertThat(DomainNames.toAscii("example.com.")).isNull(); // callers strip the dot
    assertThat(DomainNames.toAscii("ex!ample.com")).isNull();
    assertThat(DomainNames.toAscii(".example.com")).isNull();
  }

  @Test
  void isAsciiName_acceptsLdhAndUnderscoreLabels_keepsCase_rejectsTheRest() {
    assertThat(DomainNames.isAsciiName("Selector_1._domainkey.Example.COM")).isTrue();
    assertThat(DomainNames.isAsciiName("a".repeat(63) + ".example")).isTrue();
    assertThat(DomainNames.isAsciiName("a".repeat(64) + ".example")).isFalse();
    assertThat(DomainNames.isAsciiName(("a".repeat(63) + ".").repeat(4) + "a")).isFalse();
    assertThat(DomainNames.isAsciiName("")).isFalse();
    assertThat(DomainNames.isAsciiName("example.com.")).isFalse();
    assertThat(DomainNames.isAsciiName("a..example")).isFalse();
    assertThat(DomainNames.isAsciiName("bücher.example")).isFalse();
    assertThat(DomainNames.isAsciiName("a b.example")).isFalse();
  }

  @Test
  void stripDot_dropsOneDot_keepsTheRoot() {
    assertThat(DomainNames.stripDot("example.com.")).isEqualTo("example.com");
    assertThat(DomainNames.stripDot("example.com..")).isEqualTo("example.com.");
    assertThat(DomainNames.stripDot(".")).isEqualTo(".");
    assertThat(DomainNames.stripDot("")).isEmpty();
  }

  @Test
  void canonical_trimsLowersAndDropsOneDot() {
    assertThat(DomainNames.canonical(" Mail.Example.COM. ")).isEqualTo("mail.example.com");
    assertThat(DomainNames.canonical(".")).isEqualTo(".");
    assertThat(DomainNames.stripDot("a.b.")).isEqualTo("a.b");
    assertThat(DomainNames.stripDot("a.b")).isEqualTo("a.b");
  }

  @Test
  void isAtOrBelow_comparesWholeLabelsIgnoringCaseAndTrailingDot() {
    assertThat(DomainNames.isAtOrBelow("mail.google.com", "google.com")).isTrue();
    assertThat(DomainNames.isAtOrBelow("google.com", "google.com")).isTrue();
    assertThat(DomainNames.isAtOrBelow("Mail.Google.COM.", "google.com")).isTrue();
    assertThat(DomainNames.isAtOrBelow("mail.google.com", "GOOGLE.com.")).isTrue();
    assertThat(DomainNames.isAtOrBelow("notgoogle.com", "google.com")).isFalse();
    assertThat(DomainNames.isAtOrBelow("com", "google.com")).isFalse();
  }

  @Test
  void isValidCheckDomain_followsRfc7208Section4_3() {
    assertThat(DomainNames.isValidCheckDomain("example.com")).isTrue();
    assertThat(DomainNames.isValidCheckDomain("example.com.")).isTrue();
    assertThat(DomainNames.isValidCheckDomain("example")).isFalse();
    assertThat(DomainNames.isValidCheckDomain("[192.0.2.1]")).isFalse();
    assertThat(DomainNames.isValidCheckDomain("exa mple.com")).isFalse();
    assertThat(DomainNames.isValidCheckDomain("a..com")).isFalse();
    assertThat(DomainNames.isValidCheckDomain("a".repeat(64) + ".com")).isFalse();
    assertThat(DomainNames.isValidCheckDomain("bü.example")).isFalse();
  }

  @Test
  void lookupName_cutsLeftLabelsTo253Octets() {
    String tail = "b".repeat(60) + ".example.com"; // 72 octets
    String longName = "a.".repeat(100) + tail; // 272 octets
    String cut = DomainNames.lookupName(longName + ".");
    assertThat(cut).hasSizeLessThanOrEqualTo(253).endsWith(tail);
    assertThat(longName).endsWith("." + cut);
    assertThat(cut.length()).isGreaterThan(251); // only whole labels went: "a." is 2 octets
    assertThat(DomainNames.lookupName("x".repeat(300))).isNull(); // nothing to cut at
    assertThat(DomainNames.lookupName("a..example")).isNull();
    assertThat(DomainNames.lookupName(".")).isNull();
  }

  @Test
  void lookupName_hostileTwin_megabyteOfLabelsIsLinear() {
    String hostile = "a.".repeat(500_000) + "example.com";
    String benign = "a.".repeat(10) + "example.com";
    assertTimeoutPreemptively(
        Duration.ofSeconds(2),
        () -> {
          assertThat(DomainNames.lookupName(hostile)).hasSizeLessThanOrEqualTo(253);
          assertThat(DomainNames.lookupName(benign)).isEqualTo(benign);
          assertThat(DomainNames.hostName(hostile)).isEmpty();
          assertThat(DomainNames.isValidCheckDomain(hostile)).isFalse();
        });
  }
}
