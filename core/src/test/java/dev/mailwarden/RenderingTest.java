package dev.mailwarden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RenderingTest {

  @Test
  void sanitize_removesLineBreaksAndControls() {
    assertThat(SmtpReply.sanitize("listed\r\n250 OK\tsee\u0000 http://x", 100))
        .isEqualTo("listed 250 OK see http://x");
    assertThat(SmtpReply.sanitize("  a \u0085 b  ", 100)).isEqualTo("a b");
    assertThat(SmtpReply.sanitize("café ✓", 100)).isEqualTo("café ✓");
  }

  @Test
  void sanitize_capsLength_withoutSplittingSurrogates() {
    String s = SmtpReply.sanitize("x".repeat(50), 10);
    assertThat(s).hasSize(10).endsWith("...");
    String emoji = SmtpReply.sanitize("aaaaa\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00", 8);
    assertThat(emoji).endsWith("...");
    assertThat(Character.isHighSurrogate(emoji.charAt(emoji.length() - 4))).isFalse();
  }

  @Test
  void sanitize_replacesLoneSurrogates() {
    assertThat(SmtpReply.sanitize("a\uD800b", 10)).isEqualTo("a?b");
  }

  @Test
  void smtpReply_rejectsMismatchedCodes() {
    assertThatThrownBy(() -> SmtpReply.of(550, "4.7.1", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SmtpReply.of(999, "5.7.1", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SmtpReply.of(550, "5.7", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(SmtpReply.of(550, "5.7.1", "no\r\nway").toString()).isEqualTo("550 5.7.1 no way");
    assertThat(SmtpReply.of(451, "4.4.3", "later").isTransient()).isTrue();
  }

  @Test
  void authResult_quotesValuesThatAreNotTokens() {
    AuthResult r =
        AuthResult.of("spf", Outcome.PASS)
            .withProperty("smtp", "mailfrom", "alice@example.com")
            .withProperty("smtp", "helo", "mail.example.com")
            .withProperty("header", "from", "a b\"c")
            .withProperty("policy", "iprev", "2001:db8::1");
    assertThat(r.render())
        .isEqualTo(
            "spf=pass smtp.mailfrom=alice@example.com smtp.helo=mail.example.com header.from=\"a b\\\"c\""
                + " policy.iprev=\"2001:db8::1\"");
  }

  @Test
  void authResult_localPartWithSpecialsIsQuoted() {
    AuthResult r =
        AuthResult.of("spf", Outcome.FAIL)
            .withProperty("smtp", "mailfrom", "\"odd local\"@example.com");
    assertThat(r.render()).isEqualTo("spf=fail smtp.mailfrom=\"\\\"odd local\\\"@example.com\"");
  }

  @Test
  void authResult_commentAndReasonAreEscaped() {
    AuthResult r =
        new AuthResult(
            "dmarc",
            "fail",
            Optional.of("p=reject (dis=reject)"),
            Optional.of("said \"no\"\r\n"),
            List.of());
    assertThat(r.render())
        .isEqualTo("dmarc=fail (p=reject \\(dis=reject\\)) reason=\"said \\\"no\\\"\"");
  }

  @Test
  void authResult_rejectsBadNames() {
    assertThatThrownBy(() -> AuthResult.of("sp f", Outcome.PASS))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> AuthResult.of("spf", Outcome.PASS).withProperty("smtp", "mail from", "x"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void weights_byOutcome_andNone() {
    Weights w = Weights.of(Outcome.FAIL, 3.0, Outcome.SOFTFAIL, 1.0);
    assertThat(w.score(CheckResult.of(Outcome.FAIL, "x"))).isEqualTo(3.0);
    assertThat(w.score(CheckResult.of(Outcome.PASS, "x"))).isZero();
    assertThat(w.times(2).score(CheckResult.of(Outcome.SOFTFAIL, "x"))).isEqualTo(2.0);
    assertThat(Weights.none().score(CheckResult.of(Outcome.FAIL, "x"))).isZero();
    assertThatThrownBy(() -> Weights.of(Outcome.FAIL, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void session_unmapsIpv4MappedAddresses_andHandlesNullSender() throws Exception {
    MailSession s =
        MailSession.builder()
            .clientIp(
                InetAddress.getByAddress(
                    new byte[] {
                      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 7
                    }))
            .mailFrom("<>")
            .helo("a.example")
            .helo("b.example")
            .build();
    assertThat(s.clientIp()).map(InetAddress::getHostAddress).contains("192.0.2.7");
    assertThat(s.isNullSender()).isTrue();
    assertThat(s.mailFrom()).contains("");
    assertThat(s.helo()).contains("b.example");
    assertThat(s.previousHelos()).containsExactly("a.example");
    assertThat(MailSession.builder().build().mailFrom()).isEmpty();
  }

  @Test
  void session_messageIsCopiedAndReadOnly() {
    byte[] raw = "Subject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
    MailSession s = MailSession.builder().message(raw).build();
    raw[0] = 'X';
    assertThat(s.message().orElseThrow().get(0)).isEqualTo((byte) 'S');
    assertThat(s.message().orElseThrow().isReadOnly()).isTrue();
    assertThat(s.toString()).contains("message=20 bytes");
  }

  @Test
  void outcome_tokens() {
    assertThat(Outcome.TEMPERROR.token()).isEqualTo("temperror");
    assertThat(Outcome.fromToken(" SoftFail ")).isEqualTo(Outcome.SOFTFAIL);
    assertThatThrownBy(() -> Outcome.fromToken("maybe"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sanitize_dropsBidiOverridesAndIsolates() {
    // "Trojan Source": U+202E would render "gnp.exe" as "exe.png"
    assertThat(SmtpReply.sanitize("a\u202egnp.exe\u2066b\u2069\u200fc\ufeff", 100))
        .isEqualTo("a gnp.exe b c");
  }

  @Test
  void authenticationResults_isFoldedAt78Columns_andUnfoldsToTheSameText() {
    AuthResult r =
        AuthResult.of("dkim", Outcome.PASS)
            .withReason("a long reason ".repeat(8))
            .withProperty("header", "d", "example.com")
            .withProperty("header", "s", "selector-with-a-rather-long-name-2024");
    String h = AuthResultsFormat.header("mx.example.org", java.util.List.of(r, r));
    for (String line : h.split("\r\n")) {
      assertThat(line.length()).as(line).isLessThanOrEqualTo(78);
    }
    assertThat(h.replace("\r\n", ""))
        .isEqualTo("Authentication-Results: mx.example.org;\t" + r.render() + ";\t" + r.render());
  }

  @Test
  void authenticationResults_isCapped_byDroppingWholeClauses() {
    AuthResult r = AuthResult.of("x-test", Outcome.PASS).withReason("r".repeat(190));
    java.util.List<AuthResult> many = java.util.Collections.nCopies(500, r);
    String h = AuthResultsFormat.header("mx.example.org", many);
    assertThat(h.length()).isLessThanOrEqualTo(AuthResultsFormat.MAX_HEADER + 200);
    assertThat(h.replace("\r\n", "")).endsWith(r.render());
    assertThat(h.replace("\r\n", "").split(";\t").length).isBetween(2, 499);
  }

  @Test
  void fold_keepsExistingFolds_andNeverBreaksAWordLongerThanTheWidth() {
    String word = "x".repeat(120);
    assertThat(dev.mailwarden.internal.HeaderFold.fold("H: " + word + " tail"))
        .isEqualTo("H:\r\n " + word + "\r\n tail");
    assertThat(dev.mailwarden.internal.HeaderFold.fold("H: a;\r\n\tb")).isEqualTo("H: a;\r\n\tb");
  }
}
