package dev.mailwarden.examples.milter;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The milter codec and session state machine on arbitrary bytes from the MTA. In the normal build
 * it runs over the seeds in {@code MilterDecoderFuzzTestInputs/}; with {@code JAZZER_FUZZ=1} it
 * fuzzes. Decoding never allocates past the frame cap, always consumes at least one frame header
 * per command, and the only failure is a {@link MilterProtocolException} (never another exception).
 */
class MilterDecoderFuzzTest {
  private static final int CAP = 4096;

  @FuzzTest(maxDuration = "30s")
  void decodeAndHandle_failOnlyWithProtocolErrors(byte[] stream) throws IOException {
    MilterDecoder decoder = new MilterDecoder(CAP);
    MilterSessionTest.Recorder handler = new MilterSessionTest.Recorder();
    MilterSession session = new MilterSession(handler, 0x3f, 0x1fffff, MilterResponse.TEMPFAIL);
    ByteArrayInputStream in = new ByteArrayInputStream(stream);
    int commands = 0;
    try {
      for (Optional<MilterRequest> r = decoder.read(in); r.isPresent(); r = decoder.read(in)) {
        commands++;
        assertThat(commands * 5L)
            .isLessThanOrEqualTo(stream.length); // 4-byte length + command byte each
        if (r.get() instanceof MilterRequest.BodyChunk b) {
          assertThat(b.bytes().length).isLessThan(CAP);
        }
        List<MilterResponse> out = session.handle(r.get());
        assertThat(out.size()).isLessThanOrEqualTo(3);
        if (session.finished()) {
          break;
        }
      }
    } catch (MilterProtocolException e) {
      assertThat(e.getMessage()).isNotBlank();
    } finally {
      session.close();
    }
  }
}
