package dev.mailwarden.auth.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.auth.dmarc.internal.FromHeader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FromHeaderTest {

  private static FromHeader.Extracted fromMessage(String headers) {
    return FromHeader.fromMessage((headers + "\r\nbody\r\n").getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void foldedHeaderWithEncodedWordAndComment_givesDomain() {
    FromHeader.Extracted x =
        fromMessage("from: =?UTF-8?Q?M=C3=BCller=2C_Hans?=\r\n <hans@Example.COM> (work)\r\n");
    assertThat(x.domain()).isEqualTo("example.com");
  }

  @Test
  void quotedCommaInDisplayName_isOneAddress() {
    assertThat(FromHeader.fromHeaderValue("\"Doe, Jane\" <jane@example.org>").domain())
        .isEqualTo("example.org");
  }

  @Test
  void addressLiteral_trailingDot_andSingleLabel() {
    assertThat(FromHeader.fromHeaderValue("a@[192.0.2.1]").ok()).isFalse();
    assertThat(FromHeader.fromHeaderValue("a@example.com.").domain()).isEqualTo("example.com");
    assertThat(FromHeader.fromHeaderValue("a@localhost").ok()).isFalse();
  }

  @Test
  void emptyOrMissing_isAProblem() {
    assertThat(fromMessage("Subject: x\r\n").problem()).isEqualTo("no From header");
    assertThat(fromMessage("From:   \r\n").ok()).isFalse();
  }

  @Test
  void unicodeDomain_becomesALabels() {
    assertThat(FromHeader.fromHeaderValue("ü@münchen.example").domain())
        .isEqualTo("xn--mnchen-3ya.example");
  }
}
