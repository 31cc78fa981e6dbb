package dev.mailwarden.auth.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.auth.dmarc.internal.PublicSuffixRules;
import org.junit.jupiter.api.Test;

class PublicSuffixRulesTest {
  private static final PublicSuffixRules RULES =
      PublicSuffixRules.parse(
          """
      // ===BEGIN ICANN DOMAINS===
      com
      uk
      co.uk
      *.ck
      !www.ck
      jp
      *.kobe.jp
      !city.kobe.jp
      公司.cn
      cn
      // ===BEGIN PRIVATE DOMAINS===
      github.io
      """);

  @Test
  void plainAndTwoLevelRules() {
    assertThat(RULES.registrableDomain("a.b.example.com")).isEqualTo("example.com");
    assertThat(RULES.registrableDomain("www.example.co.uk")).isEqualTo("example.co.uk");
    assertThat(RULES.registrableDomain("co.uk")).isNull();
    assertThat(RULES.registrableDomain("COM")).isNull();
  }

  @Test
  void wildcardAndException() {
    assertThat(RULES.registrableDomain("a.b.ck")).isEqualTo("a.b.ck");
    assertThat(RULES.registrableDomain("b.ck")).isNull();
    assertThat(RULES.registrableDomain("www.www.ck")).isEqualTo("www.ck");
    assertThat(RULES.registrableDomain("www.ck")).isEqualTo("www.ck");
    assertThat(RULES.registrableDomain("a.city.kobe.jp")).isEqualTo("city.kobe.jp");
    assertThat(RULES.registrableDomain("a.b.kobe.jp")).isEqualTo("a.b.kobe.jp");
  }

  @Test
  void privateSectionAndUnlistedTld() {
    assertThat(RULES.registrableDomain("alice.github.io")).isEqualTo("alice.github.io");
    assertThat(RULES.registrableDomain("a.b.example.example")).isEqualTo("example.example");
    assertThat(RULES.registrableDomain("example")).isNull();
  }

  @Test
  void idnRules_matchUnicodeAndPunycode_answerInInputForm() {
    assertThat(RULES.registrableDomain("www.食狮.公司.cn")).isEqualTo("食狮.公司.cn");
    assertThat(RULES.registrableDomain("www.xn--85x722f.xn--55qx5d.cn"))
        .isEqualTo("xn--85x722f.xn--55qx5d.cn");
  }

  @Test
  void malformedNames_areNull() {
    assertThat(RULES.registrableDomain(".example.com")).isNull();
    assertThat(RULES.registrableDomain("a..example.com")).isNull();
    assertThat(RULES.registrableDomain("")).isNull();
  }
}
