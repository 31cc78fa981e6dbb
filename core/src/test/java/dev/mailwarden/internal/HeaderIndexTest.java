package dev.mailwarden.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.mailwarden.CheckContext;
import dev.mailwarden.MailSession;
import dev.mailwarden.dns.ZoneResolver;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;

class HeaderIndexTest {

  private static HeaderIndex index(String text) {
    return HeaderIndex.of(ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1)));
  }

  private static HeaderIndex.Block block(String text) {
    return index(text).block(1 << 20);
  }

  @Test
  void values_matchTheNameWithoutCase_keepFolding_andStopAtTheBody() {
    String text =
        "from:  a@b.example\r\nSubject: x\r\nFROM: c@d.example,\r\n\te@f.example\r\n"
            + "X-From: no@x.example\r\n\r\nFrom: body@x.example\r\n";
    HeaderIndex.Block b = block(text);
    assertThat(b.values("From")).containsExactly("a@b.example", "c@d.example,\r\n\te@f.example");
    assertThat(b.values("Reply-To")).isEmpty();
    assertThat(b.bodyOffset()).isEqualTo(text.indexOf("From: body"));
    assertThat(b.length()).isEqualTo(b.bodyOffset());
  }

  @Test
  void bareLf_isReadAsCrlf_andEndsTheBlock() {
    HeaderIndex.Block b = block("Subject: x\n  folded\nFrom: a@b.example\n\nbody: no\n");
    assertThat(b.size()).isEqualTo(2);
    assertThat(b.text(0)).isEqualTo("Subject: x\r\n  folded");
    assertThat(b.values("body")).isEmpty();
    assertThat(b.length()).isEqualTo(39);
    assertThat(b.normalizedLength()).isEqualTo(43); // four bare LFs, the empty line's included
  }

  @Test
  void bytesWithCrlf_copyTheFieldWhole_orPutCrBeforeEveryBareLf() {
    // no bare LF in the block: one bulk copy, also for a last field without line end
    HeaderIndex.Block crlf = block("Subject: x\r\n folded\r\nFrom: a@b.example");
    assertThat(latin1(crlf.bytesWithCrlf(0))).isEqualTo("Subject: x\r\n folded\r\n");
    assertThat(latin1(crlf.bytesWithCrlf(1))).isEqualTo("From: a@b.example\r\n");
    // one bare LF anywhere in the block: each field is read with CRLF line ends
    HeaderIndex.Block mixed = block("Subject: x\n folded\r\nFrom: a@b.example\r\n\r\nbody\n");
    assertThat(latin1(mixed.bytesWithCrlf(0))).isEqualTo("Subject: x\r\n folded\r\n");
    assertThat(latin1(mixed.bytesWithCrlf(1))).isEqualTo("From: a@b.example\r\n");
    assertThat(mixed.text(0)).isEqualTo("Subject: x\r\n folded");
  }

  @Test
  void readBody_lendsEverythingAfterTheBlock_once_andNothingOverTheCap() {
    String text = "From: a@b.example\r\n\r\nline 1\r\nline 2\r\n";
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    List<String> read = new ArrayList<>();
    HeaderIndex.Block b = HeaderIndex.of(bytes, bytes.length).block(1 << 20);
    b.readBody((m, off, len) -> read.add(new String(m, off, len, StandardCharsets.ISO_8859_1)));
    assertThat(read).containsExactly("line 1\r\nline 2\r\n");

    read.clear();
    HeaderIndex.of(bytes, bytes.length).block(10).readBody((m, off, len) -> read.add("called"));
    block("From: a@b.example\r\n\r\n").readBody((m, off, len) -> read.add("called"));
    block("From: a@b.example").readBody((m, off, len) -> read.add("called"));
    assertThat(read).isEmpty(); // over the cap, an empty body, no body at all
  }

  private static String latin1(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  @Test
  void messageWithoutEmptyLine_isAllHeader_andKeepsItsLastLine() {
    HeaderIndex.Block b = block("Subject: x\r\nFrom: a@b.example");
    assertThat(b.values("From")).containsExactly("a@b.example");
    assertThat(b.bodyOffset()).isEqualTo(29);
    assertThat(b.text(1)).isEqualTo("From: a@b.example");
    assertThat(block("").size()).isZero();
    assertThat(block("\r\nFrom: body@x.example").size()).isZero();
  }

  @Test
  void namesAndUnitsThatAreNotFields() {
    HeaderIndex.Block b =
        block("  orphan: x\r\nno colon here\r\n:empty name\r\nFrom \t: a@b.example\r\n\r\n");
    assertThat(b.size()).isEqualTo(4);
    assertThat(b.isOrphanContinuation(0)).isTrue();
    assertThat(b.name(0)).isNull(); // DKIM reads it as written; the named readers skip it
    assertThat(b.text(0)).isEqualTo("  orphan: x");
    assertThat(b.colon(1)).isEqualTo(-1);
    assertThat(b.name(1)).isNull();
    assertThat(b.name(2)).isNull();
    assertThat(b.name(3)).isEqualTo("From");
    assertThat(b.values("From")).containsExactly("a@b.example");
    assertThat(b.valueLength(3)).isEqualTo("a@b.example".length());
  }

  @Test
  void crBeforeLf_belongsToTheLineEnd_otherCrsStay() {
    HeaderIndex.Block b = block("X: a\rb\r\r\n c\r\n\r\n");
    assertThat(b.values("X")).containsExactly("a\rb\r\r\n c");
    assertThat(b.valueLength(0)).isEqualTo("a\rb\r\r\n c".length());
  }

  @Test
  void block_overTheCap_isOverCap_andALargerCapReadsOn() {
    String text = "X-Long: " + "v".repeat(5000) + "\r\nFrom: a@b.example\r\n\r\nbody";
    HeaderIndex idx = index(text);
    int blockLength = text.indexOf("body");
    assertThat(idx.block(100).overCap()).isTrue();
    assertThat(idx.block(blockLength - 1).overCap()).isTrue();
    HeaderIndex.Block whole = idx.block(blockLength);
    assertThat(whole.overCap()).isFalse();
    assertThat(whole.values("From")).containsExactly("a@b.example");
    assertThat(idx.block(100).overCap()).isTrue(); // a smaller cap still sees it over
    assertThat(idx.block(blockLength)).isSameAs(whole); // read once
    assertThatThrownBy(() -> idx.block(100).text(0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("over its cap");
  }

  @Test
  void of_context_sharesOneIndexInCoreContexts_andMakesOneForOthers() {
    MailSession session =
        MailSession.builder()
            .message("From: a@b.example\r\n\r\n".getBytes(StandardCharsets.US_ASCII))
            .build();
    CheckContext ctx = CheckContext.forTesting(session, ZoneResolver.builder().build());
    HeaderIndex shared = HeaderIndex.of(ctx);
    assertThat(shared).isNotNull().isSameAs(HeaderIndex.of(ctx));
    CheckContext mock = Mockito.mock(CheckContext.class);
    Mockito.when(mock.session()).thenReturn(session);
    HeaderIndex own = HeaderIndex.of(mock);
    assertThat(own).isNotNull().isNotSameAs(shared);
    assertThat(own.block(1000).values("from")).containsExactly("a@b.example");
    CheckContext noMessage =
        CheckContext.forTesting(MailSession.builder().build(), ZoneResolver.builder().build());
    assertThat(HeaderIndex.of(noMessage)).isNull();
  }

  @Test
  void hostileTwin_manyTinyLinesAndOneHugeLine_areLinearAndCapped() {
    String tiny = "a:\n".repeat(300_000) + "\n"; // 900 KB of fields
    String huge = "X: " + "y".repeat(4 << 20) + "\r\n\r\n"; // one 4 MiB line
    assertTimeoutPreemptively(
        Duration.ofSeconds(5),
        () -> {
          HeaderIndex.Block b = block(tiny);
          assertThat(b.size()).isEqualTo(300_000);
          assertThat(b.values("a")).hasSize(300_000);
          HeaderIndex hugeIndex = index(huge);
          assertThat(hugeIndex.block(1 << 20).overCap()).isTrue();
          assertThat(hugeIndex.block(8 << 20).values("X").get(0)).hasSize(4 << 20);
        });
  }

  /**
   * The index splits as the line reader it replaced (kept below as the reference): random blocks of
   * folds, bare CR and LF, names in any case and with whitespace, empty lines. Seeded.
   */
  @Test
  void randomHeaderBlocks_giveWhatTheLineReaderGave() {
    Random random = new Random(23);
    String[] names = {"From", "from", " From", "From ", "\u000bFrom\t", "Fr\rom", "X-From", ""};
    String[] values = {"a@one.example", "\"x\" <b@two.example>", ":", "  ", "", "v\rw"};
    String[] ends = {"\r\n", "\n", "\r", "\r\r\n", ""};
    for (int round = 0; round < 5000; round++) {
      StringBuilder m = new StringBuilder();
      int fields = random.nextInt(8);
      for (int f = 0; f < fields; f++) {
        int kind = random.nextInt(8);
        if (kind == 0) {
          m.append(random.nextBoolean() ? " " : "\t").append(pick(random, values));
        } else if (kind == 1) {
          m.append(pick(random, names)).append(pick(random, values));
        } else {
          m.append(pick(random, names)).append(':').append(random.nextBoolean() ? " " : "");
          m.append(pick(random, values));
        }
        m.append(pick(random, ends));
      }
      if (random.nextBoolean()) {
        m.append(pick(random, new String[] {"\r\n", "\n"})).append("From: body@body.example\r\n");
      }
      String text = m.toString();
      int cap = random.nextInt(4) == 0 ? random.nextInt(text.length() + 1) : 1 << 20;
      List<String> expected = reference(text, cap);
      HeaderIndex.Block b = index(text).block(cap);
      assertThat(b.overCap() ? null : b.values("From"))
          .as("round %d, cap %d: %s", round, cap, text)
          .isEqualTo(expected);
    }
  }

  private static String pick(Random random, String[] from) {
    return from[random.nextInt(from.length)];
  }

  /** The line reader the index replaced ({@code HeaderText.fieldValues}); null over the cap. */
  private static @Nullable List<String> reference(String message, int maxBytes) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    int read = 0;
    boolean ended = false;
    for (int i = 0; i < message.length() && !ended; i++) {
      if (++read > maxBytes) {
        return null;
      }
      char c = message.charAt(i);
      if (c != '\n') {
        line.append(c);
        continue;
      }
      if (line.length() > 0 && line.charAt(line.length() - 1) == '\r') {
        line.setLength(line.length() - 1);
      }
      if (line.length() == 0) {
        ended = true;
      } else {
        lines.add(line.toString());
        line.setLength(0);
      }
    }
    if (!ended && line.length() > 0) {
      lines.add(line.toString());
    }
    List<String> values = new ArrayList<>();
    StringBuilder current = null;
    for (String l : lines) {
      char first = l.charAt(0);
      if (first == ' ' || first == '\t') {
        if (current != null) {
          current.append("\r\n").append(l);
        }
        continue;
      }
      if (current != null) {
        values.add(current.toString());
        current = null;
      }
      int colon = l.indexOf(':');
      if (colon > 0 && l.substring(0, colon).strip().equalsIgnoreCase("From")) {
        int start = colon + 1;
        while (start < l.length() && (l.charAt(start) == ' ' || l.charAt(start) == '\t')) {
          start++;
        }
        current = new StringBuilder(l.substring(start));
      }
    }
    if (current != null) {
      values.add(current.toString());
    }
    return values;
  }
}
