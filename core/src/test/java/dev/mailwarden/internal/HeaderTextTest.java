package dev.mailwarden.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HeaderTextTest {

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
