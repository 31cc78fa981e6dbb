package dev.mailwarden.examples.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LogLinesTest {

  @Test
  void indexOfLineFeed_findsTheFirstLineFeed_atEveryOffsetAndAmongHighBytes() {
    Random random = new Random(21);
    byte[] alphabet = {
      '\n', 'a', 0x0b, 0x09, (byte) 0x8a, (byte) 0xff, 0, 0x0a + 1, 0x0a - 1, (byte) 0x80
    };
    for (int round = 0; round < 20_000; round++) {
      byte[] buf = new byte[random.nextInt(40)];
      for (int i = 0; i < buf.length; i++) {
        buf[i] =
            random.nextInt(12) == 0
                ? (byte) '\n'
                : alphabet[1 + random.nextInt(alphabet.length - 1)];
      }
      int from = buf.length == 0 ? 0 : random.nextInt(buf.length + 1);
      int to = from + random.nextInt(buf.length - from + 1);
      int expected = -1;
      for (int i = from; i < to; i++) {
        if (buf[i] == '\n') {
          expected = i;
          break;
        }
      }
      assertThat(LogLines.indexOfLineFeed(buf, from, to)).isEqualTo(expected);
    }
  }

  @Test
  void read_splitsLinesAcrossBufferRefills_andCutsALineThatOutgrowsTheBuffer() throws IOException {
    StringBuilder text = new StringBuilder();
    List<String> expected = new ArrayList<>();
    Random random = new Random(5);
    for (int i = 0; i < 60_000; i++) {
      if (i == 30_000) {
        // longer than the 1 MiB buffer: cut at the cap, the rest skipped
        text.append("y".repeat(3_000_000)).append('\n');
        expected.add("y".repeat(100));
      }
      String line = "x".repeat(random.nextInt(90)) + i;
      text.append(line).append('\n');
      expected.add(line);
    }
    text.append("last line without a line feed");
    expected.add("last line without a line feed");
    List<String> got = new ArrayList<>();
    LogLines lines = new LogLines(100);
    lines.read(
        new ByteArrayInputStream(text.toString().getBytes(StandardCharsets.ISO_8859_1)), got::add);
    assertThat(got).hasSize(expected.size());
    assertThat(got).isEqualTo(expected);
    assertThat(lines.truncated()).isEqualTo(1);
  }
}
