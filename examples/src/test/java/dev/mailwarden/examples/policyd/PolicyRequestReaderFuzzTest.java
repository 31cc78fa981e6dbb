package dev.mailwarden.examples.policyd;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Optional;

/**
 * The policy-delegation reader on arbitrary bytes from the connection. In the normal build it runs
 * as a regression test over the seeds in {@code PolicyRequestReaderFuzzTestInputs/}; with {@code
 * JAZZER_FUZZ=1} it fuzzes. Every request read is within the documented bounds, names and values
 * never hold a line break, reading always makes progress and ends at end of stream, and the action
 * a decider would build from the request stays on one line.
 */
class PolicyRequestReaderFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void read_staysWithinBoundsAndTerminates(byte[] stream) throws IOException {
    PolicyRequestReader reader = new PolicyRequestReader(new ByteArrayInputStream(stream));
    int requests = 0;
    int lineFeeds = 0;
    for (byte b : stream) {
      lineFeeds += b == '\n' ? 1 : 0;
    }
    for (Optional<PolicyRequestReader.Read> next = reader.next();
        next.isPresent();
        next = reader.next()) {
      requests++;
      // every request, good or bad, ends with an empty line, so it consumed at least one LF
      assertThat(requests).isLessThanOrEqualTo(lineFeeds);
      if (next.get() instanceof PolicyRequestReader.Ok ok) {
        PolicyRequest r = ok.request();
        assertThat(r.attributes())
            .isNotEmpty()
            .hasSizeLessThanOrEqualTo(PolicyRequestReader.MAX_ATTRIBUTES);
        long bytes = 0;
        for (var e : r.attributes().entrySet()) {
          assertThat(e.getKey()).doesNotContain("\n", "=");
          assertThat(e.getValue())
              .doesNotContain("\n"); // a CR before CRLF stays: Postfix never sends one
          bytes += e.getKey().length() + e.getValue().length() + 2;
        }
        assertThat(bytes).isLessThanOrEqualTo(PolicyRequestReader.MAX_REQUEST_BYTES);
        r.protocolState();
        r.isAccessPolicy();
        String action =
            PolicyActions.prepend(
                "Received-SPF: "
                    + r.get("sender").orElse("")
                    + "\r\n\t"
                    + r.get("helo_name").orElse(""));
        assertThat(action).doesNotContain("\r", "\n").hasSizeLessThanOrEqualTo(1000);
      } else if (next.get() instanceof PolicyRequestReader.Malformed bad) {
        assertThat(bad.reason()).isNotBlank();
      }
    }
    assertThat(reader.next()).isEmpty();
  }
}
