package dev.mailwarden.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HeaderTextTest {
  private static ByteArrayInputStream message(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  @Test
  void headerLines_stopAtTheEmptyLine_withCrlfOrBareLf() throws IOException {
    assertThat(
            HeaderText.headerLines(
                message("From: a@b.example\r\nSubject: x\r\n  folded\r\n\r\nbody: no\r\n"), 1000))
        .containsExactly("From: a@b.example", "Subject: x", "  folded");
    assertThat(HeaderText.headerLines(message("From: a@b.example\n\nbody: no\n"), 1000))
        .containsExactly("From: a@b.example");
  }

  @Test
  void headerLines_spanningReadChunks_areWhole() throws IOException {
    String longValue = "v".repeat(5000);
    assertThat(
            HeaderText.headerLines(
                message("X-Long: " + longValue + "\r\nFrom: a@b.example\r\n\r\n"), 100_000))
        .containsExactly("X-Long: " + longValue, "From: a@b.example");
  }

  @Test
  void headerLines_withoutBody_keepTheLastLine() throws IOException {
    assertThat(HeaderText.headerLines(message("From: a@b.example"), 1000))
        .containsExactly("From: a@b.example");
  }

  @Test
  void headerLines_longerThanTheLimit_fail() {
    assertThatThrownBy(() -> HeaderText.headerLines(message("X: " + "y".repeat(100) + "\r\n"), 50))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("50");
  }

  @Test
  void fieldValues_matchTheNameWithoutCase_keepFolding_andStopAtTheBody() throws IOException {
    String text =
        "from:  a@b.example\r\nSubject: x\r\nFROM: c@d.example,\r\n\te@f.example\r\n"
            + "X-From: no@x.example\r\n\r\nFrom: body@x.example\r\n";
    assertThat(HeaderText.fieldValues(message(text), "From", 1000))
        .containsExactly("a@b.example", "c@d.example,\r\n\te@f.example");
    assertThat(HeaderText.fieldValues(message(text), "Reply-To", 1000)).isEmpty();
  }

  @Test
  void utf8IfValid_decodesUtf8_andKeepsLatin1() {
    String utf8AsLatin1 =
        new String("bücher.example".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    assertThat(HeaderText.utf8IfValid(utf8AsLatin1)).isEqualTo("bücher.example");
    assertThat(HeaderText.utf8IfValid("b\u00fccher"))
        .isEqualTo("b\u00fccher"); // one 0xFC byte: not UTF-8
    assertThat(HeaderText.utf8IfValid("plain")).isEqualTo("plain");
  }
}
