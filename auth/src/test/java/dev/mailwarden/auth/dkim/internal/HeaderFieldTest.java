package dev.mailwarden.auth.dkim.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The header block read in one piece (fields made straight from the caller's bytes) against the
 * same bytes fed one at a time (stored, then split), and the byte-wise header canonicalization
 * against the text one it replaced on the verification path.
 */
class HeaderFieldTest {
  private static final String[] PIECES = {
    "From",
    "to",
    "X-Y",
    ":",
    ": ",
    " ",
    "\t",
    "  ",
    "\r\n",
    "\r\n ",
    "\r\n\t",
    "\n",
    "\r",
    "a",
    "value",
    "b=",
    "\u00e9",
    "\u0001",
    "\r\n:",
    ";",
    " !",
    "!!",
    "longer words here"
  };

  private static String randomHeader(Random random) {
    StringBuilder b = new StringBuilder();
    for (int i = random.nextInt(40); i > 0; i--) {
      b.append(PIECES[random.nextInt(PIECES.length)]);
    }
    return b.toString();
  }

  private static List<HeaderField> oneByOne(byte[] message) {
    MessageHead head = new MessageHead();
    for (int i = 0; i < message.length && !head.complete(); i++) {
      head.update(message, i, 1);
    }
    return head.fields();
  }

  @Test
  void wholeMessage_givesTheFieldsOfTheByteByBytePath() {
    Random random = new Random(5);
    for (int round = 0; round < 3_000; round++) {
      String header = randomHeader(random);
      String message = header + (random.nextBoolean() ? "\r\n\r\nbody\r\n" : "");
      byte[] bytes = message.getBytes(StandardCharsets.ISO_8859_1);
      MessageHead whole = new MessageHead();
      int used = whole.update(bytes, 0, bytes.length);
      List<HeaderField> expected = oneByOne(bytes);
      List<HeaderField> got = whole.fields();
      List<String[]> reference = reference(message);
      assertThat(expected).as("round %d: %s", round, printable(message)).hasSameSizeAs(reference);
      for (int k = 0; k < reference.size(); k++) {
        assertThat(expected.get(k).raw()).isEqualTo(reference.get(k)[0]);
        assertThat(expected.get(k).colon()).isEqualTo(Integer.parseInt(reference.get(k)[1]));
      }
      assertThat(got).as("round %d: %s", round, printable(message)).hasSameSizeAs(expected);
      for (int k = 0; k < got.size(); k++) {
        assertThat(got.get(k).raw()).isEqualTo(expected.get(k).raw());
        assertThat(got.get(k).colon()).isEqualTo(expected.get(k).colon());
        assertThat(got.get(k).lowerName()).isEqualTo(expected.get(k).lowerName());
        assertThat(got.get(k).name()).isEqualTo(expected.get(k).name());
      }
      MessageHead split = new MessageHead();
      int usedOneByOne = 0;
      for (int i = 0; i < bytes.length && !split.complete(); i++) {
        usedOneByOne += split.update(bytes, i, 1);
      }
      assertThat(used).isEqualTo(usedOneByOne);
    }
  }

  @Test
  void headerCap_inOnePiece_overflowsExactlyWhenTheByteByBytePathDoes() {
    Random random = new Random(23);
    for (int round = 0; round < 300; round++) {
      StringBuilder h = new StringBuilder();
      for (int i = 1 + random.nextInt(30); i > 0; i--) {
        h.append("X-F")
            .append(i)
            .append(": ")
            .append("v".repeat(random.nextInt(80)))
            .append("\r\n");
      }
      byte[] bytes = (h + "\r\nbody\r\n").getBytes(StandardCharsets.ISO_8859_1);
      int headerWithBlank = h.length() + 2;
      for (int cap = headerWithBlank - 3; cap <= headerWithBlank + 3; cap++) {
        MessageHead whole = new MessageHead(cap);
        int used = whole.update(bytes, 0, bytes.length);
        MessageHead split = new MessageHead(cap);
        int usedSplit = 0;
        for (int i = 0; i < bytes.length && !split.complete() && !split.overflowed(); i++) {
          usedSplit += split.update(bytes, i, 1);
        }
        assertThat(whole.overflowed())
            .as("cap %d of %d", cap, headerWithBlank)
            .isEqualTo(split.overflowed())
            .isEqualTo(cap < headerWithBlank);
        assertThat(whole.complete()).isEqualTo(split.complete());
        if (!whole.overflowed()) {
          assertThat(used).isEqualTo(usedSplit).isEqualTo(headerWithBlank);
          assertThat(whole.fields()).hasSameSizeAs(split.fields());
        } else {
          assertThat(used).isEqualTo(bytes.length);
        }
      }
    }
  }

  @Test
  void commonNames_areSharedAndOthersLowerCased() {
    List<HeaderField> fields =
        fields("FROM: a\r\nDKIM-Signature: v=1\r\nX-Unusual-\u00c9: b\r\nSubjecT : c\r\n\r\n");
    assertThat(fields.get(0).lowerName()).isSameAs(fields("from: x\r\n\r\n").get(0).lowerName());
    assertThat(fields.get(1).lowerName()).isEqualTo("dkim-signature");
    assertThat(fields.get(2).lowerName()).isEqualTo("x-unusual-\u00e9");
    assertThat(fields.get(3).lowerName()).isEqualTo("subject");
    assertThat(fields.get(3).name()).isEqualTo("SubjecT");
  }

  @Test
  void byteCanonicalization_matchesTheTextOne_relaxedAndSimple_withAndWithoutASkippedRange() {
    Random random = new Random(11);
    for (int round = 0; round < 3_000; round++) {
      String header = "Name" + randomHeader(random).replace(":", "") + ":" + randomHeader(random);
      List<HeaderField> fields = fields(header + "\r\n\r\n");
      if (fields.isEmpty()) {
        continue;
      }
      HeaderField f = fields.get(0);
      String raw = f.raw();
      int end = random.nextBoolean() ? f.length() : f.end();
      int skipFrom = -1;
      int skipTo = -1;
      if (random.nextBoolean() && end > f.colon() + 1) {
        skipFrom = f.colon() + 1 + random.nextInt(end - f.colon() - 1);
        skipTo = skipFrom + random.nextInt(end - skipFrom + 1);
      }
      for (boolean relaxed : new boolean[] {false, true}) {
        for (boolean crlf : new boolean[] {false, true}) {
          ByteSink text = new ByteSink(8);
          HeaderField.canonicalize(raw, f.colon(), end, skipFrom, skipTo, relaxed, crlf, text);
          ByteSink bytes = new ByteSink(8);
          f.canonicalize(end, skipFrom, skipTo, relaxed, crlf, bytes);
          assertThat(bytes.toByteArray())
              .as(
                  "round %d relaxed=%s skip=[%d,%d) %s",
                  round, relaxed, skipFrom, skipTo, printable(raw))
              .isEqualTo(text.toByteArray());
        }
      }
    }
  }

  /**
   * The header splitting written the obvious way on text, as the verifier did before it read bytes:
   * bare LF read as CRLF, the block up to the first empty line, a field is a line plus its
   * continuation lines, kept when its first line has a colon after a non-empty name.
   */
  private static List<String[]> reference(String message) {
    String text = message.replaceAll("(?<!\r)\n", "\r\n");
    int blank = text.startsWith("\r\n") ? 0 : text.indexOf("\r\n\r\n");
    String block = blank < 0 ? text : text.substring(0, blank == 0 ? 0 : blank + 2);
    List<String> lines = new ArrayList<>();
    int i = 0;
    while (i < block.length()) {
      int eol = block.indexOf("\r\n", i);
      int next = eol < 0 ? block.length() : eol + 2;
      lines.add(block.substring(i, next));
      i = next;
    }
    List<String> raw = new ArrayList<>();
    for (String line : lines) {
      boolean continuation = line.startsWith(" ") || line.startsWith("\t");
      if (continuation && !raw.isEmpty()) {
        raw.set(raw.size() - 1, raw.get(raw.size() - 1) + line);
      } else {
        raw.add(line);
      }
    }
    List<String[]> fields = new ArrayList<>();
    for (String f : raw) {
      String field = f.endsWith("\r\n") ? f : f + "\r\n";
      int colon = field.indexOf(':');
      if (colon > 0 && colon < field.indexOf("\r\n")) {
        fields.add(new String[] {field, Integer.toString(colon)});
      }
    }
    return fields;
  }

  private static List<HeaderField> fields(String message) {
    MessageHead head = new MessageHead();
    byte[] b = message.getBytes(StandardCharsets.ISO_8859_1);
    head.update(b, 0, b.length);
    return head.fields();
  }

  private static String printable(String s) {
    return s.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t");
  }
}
