package dev.mailwarden;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.testing.HostileCorpus;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every file of {@code src/test/resources/dev/mailwarden/hostile/} through the rendering it
 * attacks: what we write into headers and replies carries no control or bidi character, lines stay
 * within 78 columns where they can be folded, and the field stays under its cap.
 */
class HostileCorpusTest {
  @TestFactory
  Stream<DynamicTest> everyAttack_givesItsDefinedResult() {
    List<HostileCorpus.Attack> attacks = HostileCorpus.load("/dev/mailwarden/hostile");
    assertThat(attacks).hasSizeGreaterThanOrEqualTo(2);
    return attacks.stream()
        .map(
            a ->
                DynamicTest.dynamicTest(
                    a.name(),
                    () -> {
                      // the files are UTF-8; the corpus reader keeps bytes as ISO-8859-1 chars
                      String payload =
                          new String(
                              a.payload().getBytes(StandardCharsets.ISO_8859_1),
                              StandardCharsets.UTF_8);
                      switch (a.target()) {
                        case "sanitize" -> {
                          assertThat(a.expectedOutcome()).isEqualTo("clean");
                          String s = SmtpReply.sanitize(payload, SmtpReply.MAX_TEXT_LENGTH);
                          assertThat(s)
                              .doesNotContain("\r", "\n", "\u202e", "\u2066", "\u2069")
                              .contains("gnp.exe");
                          String header =
                              AuthResultsFormat.header(
                                  "mx.example.org",
                                  List.of(
                                      AuthResult.of("x-test", Outcome.PASS)
                                          .withReason(payload)
                                          .withProperty("header", "d", payload)));
                          assertThat(header.replaceAll("\r\n(?=[ \t])", ""))
                              .doesNotContain("\r", "\n", "\u202e", "\u2066");
                        }
                        case "auth-results" -> {
                          assertThat(a.expectedOutcome()).isEqualTo("capped");
                          AuthResult r = AuthResult.of("x-test", Outcome.PASS).withReason(payload);
                          String header =
                              AuthResultsFormat.header(
                                  "mx.example.org", Collections.nCopies(1000, r));
                          assertThat(header.length())
                              .isLessThanOrEqualTo(AuthResultsFormat.MAX_HEADER + 200);
                          for (String line : header.split("\r\n")) {
                            assertThat(line.length()).isLessThanOrEqualTo(78);
                          }
                        }
                        default ->
                            throw new IllegalArgumentException("unknown target " + a.target());
                      }
                    }));
  }
}
