package dev.mailwarden.auth.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.CheckContext;
import dev.mailwarden.MailSession;
import dev.mailwarden.Outcome;
import dev.mailwarden.dns.ZoneResolver;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code maxHeaderBytes} means the same in an evaluation (the shared header index) and on raw bytes
 * (the streaming head): the header block, every bare LF read as CRLF and the empty line that ends
 * it included, may be exactly the cap long, not one byte more.
 */
class DkimHeaderCapTest {
  private static final int CAP = 1024;
  private static final ZoneResolver DNS = ZoneResolver.builder().build();
  private static final DkimVerifier VERIFIER = Dkim.builder().maxHeaderBytes(CAP).build();

  /** A header block of {@code normalized} bytes as DKIM stores it, with {@code eol} line ends. */
  private static byte[] message(int normalized, String eol) {
    String first = "Subject: x" + eol;
    String last = "X-Pad: ";
    int lines = 3; // first line, pad line, empty line: each counts 2 bytes of CRLF
    int pad = normalized - ("Subject: x".length() + last.length() + 2 * lines);
    return (first + last + "p".repeat(pad) + eol + eol + "body" + eol)
        .getBytes(StandardCharsets.US_ASCII);
  }

  private static Outcome inEvaluation(byte[] m) {
    MailSession s = MailSession.builder().message(m).build();
    return VERIFIER.check(CheckContext.forTesting(s, DNS)).join().outcome();
  }

  private static Outcome onBytes(byte[] m) {
    return VERIFIER.verify(m, DNS, Clock.systemUTC(), Runnable::run).join().outcome();
  }

  @ParameterizedTest
  @ValueSource(strings = {"\r\n", "\n"})
  void blockOfExactlyTheCap_isRead_bothWays(String eol) {
    byte[] m = message(CAP, eol);
    assertThat(inEvaluation(m)).isEqualTo(Outcome.NONE);
    assertThat(onBytes(m)).isEqualTo(Outcome.NONE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"\r\n", "\n"})
  void blockOneByteOverTheCap_isPermerror_bothWays(String eol) {
    byte[] m = message(CAP + 1, eol);
    assertThat(inEvaluation(m)).isEqualTo(Outcome.PERMERROR);
    assertThat(onBytes(m)).isEqualTo(Outcome.PERMERROR);
  }
}
