package dev.mailwarden;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes the two places where text from DNS and SMTP clients is written into protocol lines: {@link
 * SmtpReply#sanitize} and the Authentication-Results rendering. In the normal build they run as
 * regression tests over the seeds in {@code SmtpReplyFuzzTestInputs/<method>/}; with {@code
 * JAZZER_FUZZ=1} the method named by {@code -Dtest=SmtpReplyFuzzTest#method} fuzzes.
 */
class SmtpReplyFuzzTest {
  private static final int AR_VALUE_LIMIT = 200;

  /** One line, no control characters or lone surrogates, bounded, trimmed, idempotent. */
  @FuzzTest(maxDuration = "30s")
  void sanitize_givesOneSafeLine(byte[] input) {
    String untrusted = new String(input, StandardCharsets.UTF_8);
    for (int max : new int[] {1, 3, 4, 20, SmtpReply.MAX_TEXT_LENGTH}) {
      sanitizeOnce(untrusted, max);
    }
    sanitizeOnce(new String(input, StandardCharsets.UTF_16BE), 40); // lone surrogates
    SmtpReply reply = SmtpReply.of(550, "5.7.1", untrusted);
    assertThat(reply.text().length()).isLessThanOrEqualTo(SmtpReply.MAX_TEXT_LENGTH);
    assertThat(reply.toString()).doesNotContain("\r", "\n");
  }

  private static void sanitizeOnce(String untrusted, int max) {
    String s = SmtpReply.sanitize(untrusted, max);
    assertThat(s.length()).isLessThanOrEqualTo(max);
    assertThat(s).doesNotContain("  ").doesNotStartWith(" ");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      assertThat(c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029')
          .as("control character U+%04X at %d", (int) c, i)
          .isFalse();
      if (Character.isHighSurrogate(c)) {
        assertThat(i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1)))
            .as("lone high surrogate at %d", i)
            .isTrue();
      } else if (Character.isLowSurrogate(c)) {
        assertThat(i > 0 && Character.isHighSurrogate(s.charAt(i - 1)))
            .as("lone low surrogate at %d", i)
            .isTrue();
      }
    }
    if (!s.endsWith("...")) {
      assertThat(s).doesNotEndWith(" ");
      assertThat(SmtpReply.sanitize(s, max)).isEqualTo(s);
    }
  }

  /**
   * A clause with hostile comment, reason and property value renders on one line, and reading the
   * comment, quoted reason and pvalue back gives exactly the sanitized text.
   */
  @FuzzTest(maxDuration = "30s")
  void authResult_rendersAndReadsBack(byte[] input) {
    // comment NUL reason NUL property value
    String[] parts = new String(input, StandardCharsets.UTF_8).split("\0", 3);
    String comment = parts[0];
    String reason = parts.length > 1 ? parts[1] : "";
    String value = parts.length > 2 ? parts[2] : "";
    AuthResult r =
        AuthResult.of("spf", Outcome.PASS)
            .withComment(comment)
            .withReason(reason)
            .withProperty("smtp", "mailfrom", value);
    String line = r.render();
    assertThat(line).doesNotContain("\r", "\n");
    int[] at = {"spf=pass ".length()};
    assertThat(line).startsWith("spf=pass (");
    assertThat(readEscaped(line, at, '(', ')'))
        .isEqualTo(SmtpReply.sanitize(comment, AR_VALUE_LIMIT));
    assertThat(line.startsWith(" reason=", at[0])).isTrue();
    at[0] += " reason=".length();
    assertThat(readEscaped(line, at, '"', '"'))
        .isEqualTo(SmtpReply.sanitize(reason, AR_VALUE_LIMIT));
    assertThat(line.startsWith(" smtp.mailfrom=", at[0])).isTrue();
    at[0] += " smtp.mailfrom=".length();
    String expected = SmtpReply.sanitize(value, AR_VALUE_LIMIT);
    if (at[0] < line.length() && line.charAt(at[0]) == '"') {
      assertThat(readEscaped(line, at, '"', '"')).isEqualTo(expected);
      assertThat(at[0]).isEqualTo(line.length());
    } else {
      String bare = line.substring(at[0]);
      assertThat(bare).isEqualTo(expected).doesNotContain(" ", ";", "(", "\"");
    }
    String header = AuthResultsFormat.header("mx.example", java.util.List.of(r, r));
    // folded: every line break is one of ours, CRLF before whitespace; unfolding gives the clauses
    // back
    assertThat(header.replaceAll("\r\n(?=[ \t])", "")).doesNotContain("\r", "\n");
    assertThat(header.replace("\r\n", ""))
        .isEqualTo("Authentication-Results: mx.example;\t" + line + ";\t" + line);
  }

  /** Reads a delimited, backslash-escaped string starting at {@code at[0]}; advances past it. */
  private static String readEscaped(String s, int[] at, char open, char close) {
    assertThat(s.charAt(at[0])).isEqualTo(open);
    StringBuilder out = new StringBuilder();
    int i = at[0] + 1;
    while (true) {
      assertThat(i).as("unterminated %s in %s", open, s).isLessThan(s.length());
      char c = s.charAt(i);
      if (c == '\\') {
        out.append(s.charAt(i + 1));
        i += 2;
      } else if (c == close) {
        at[0] = i + 1;
        return out.toString();
      } else {
        assertThat(c).as("unescaped %s inside %s", c, s).isNotEqualTo(open);
        out.append(c);
        i++;
      }
    }
  }
}
