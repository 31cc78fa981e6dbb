package dev.mailwarden.dnsbl.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.internal.DomainNames;
import dev.mailwarden.internal.HeaderText;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The RHSBL From reader: only the From fields of the header block, in one linear scan. */
class FromHeaderTest {

  private static @Nullable List<String> domains(String message) {
    return FromHeader.domains(
        new ByteArrayInputStream(message.getBytes(StandardCharsets.ISO_8859_1)), 100);
  }

  @Test
  void foldedFromLines_areJoined_andEveryAddressRead() {
    String m =
        "Subject: hi\r\nFrom: \"Doe,\r\n Jane\" <jane@folded.example>,\r\n\tbob@second.example\r\n"
            + "  (comment)\r\nTo: x@to.example\r\n\r\nbody\r\n";
    assertThat(domains(m)).containsExactly("folded.example", "second.example");
  }

  @Test
  void fromValueStartingOnAFoldedLine_isRead() {
    assertThat(domains("From:\r\n   a@next-line.example\r\n\r\n"))
        .containsExactly("next-line.example");
  }

  @Test
  void fromFieldNameInAnyCase_orWithWhitespaceBeforeTheColon_isRead() {
    assertThat(domains("FROM: a@upper.example\r\n\r\n")).containsExactly("upper.example");
    assertThat(domains("fRoM:a@mixed.example\r\n\r\n")).containsExactly("mixed.example");
    assertThat(domains("from \t: a@spaced.example\r\n\r\n")).containsExactly("spaced.example");
  }

  @Test
  void fieldsWhoseNameOnlyResemblesFrom_areNotTaken() {
    String m =
        "X-From: a@x-from.example\r\nFromage: a@fromage.example\r\nFr om: a@split.example\r\n"
            + "Resent-From: a@resent.example\r\nFrom a@mbox.example Mon Jan 1 00:00:00 2026\r\n"
            + "From: real@real.example\r\n\r\n";
    assertThat(domains(m)).containsExactly("real.example");
  }

  @Test
  void fromInsideAnotherFieldsValue_orInTheBody_isNotTaken() {
    String m =
        "Subject: From: a@subject.example\r\n"
            + "X-Note: see below\r\n From: a@continuation.example\r\n"
            + "Reply-To: from@reply.example\r\n"
            + "From: real@real.example\r\n"
            + "\r\n"
            + "From: body@body.example\r\n";
    assertThat(domains(m)).containsExactly("real.example");
  }

  @Test
  void bareLfLineEnds_areRead_andAnEmptyLineEndsTheBlock() {
    assertThat(domains("Subject: x\nFrom: a@lf.example\n\nFrom: b@body.example\n"))
        .containsExactly("lf.example");
    assertThat(domains("Subject: x\r\n\r\nFrom: b@body.example\r\n")).isEmpty();
  }

  @Test
  void fromValueSpanningChunkBoundaries_isRead_atEveryOffset() {
    String from = "From: \"Someone\" <someone@boundary.example>,\r\n other@second.example\r\n";
    for (int boundary : new int[] {FromHeader.CHUNK, 2 * FromHeader.CHUNK}) {
      for (int start = boundary - from.length() - 2; start <= boundary + 2; start++) {
        String filler = "X-Filler: " + "f".repeat(start - "X-Filler: \r\n".length()) + "\r\n";
        String m = filler + from + "Subject: after\r\n\r\nbody\r\n";
        assertThat(domains(m))
            .as("From field at offset %d", start)
            .containsExactly("boundary.example", "second.example");
      }
    }
  }

  @Test
  void streamGivingOneByteAtATime_givesTheSameDomains() throws IOException {
    String m = "Subject: x\r\nFROM: a@one.example,\r\n\tb@two.example\r\nTo: c@to.example\r\n\r\n";
    InputStream trickle =
        new ByteArrayInputStream(m.getBytes(StandardCharsets.ISO_8859_1)) {
          @Override
          public synchronized int read(byte[] b, int off, int len) {
            return super.read(b, off, Math.min(len, 1));
          }
        };
    assertThat(FromHeader.domains(trickle, 100)).containsExactly("one.example", "two.example");
  }

  @Test
  void fromValueAtTheCap_isParsed_oneByteOver_isNull() {
    String head = "From: a@capped.example (";
    String atCap =
        head + "c".repeat(FromHeader.MAX_FROM_VALUE - "a@capped.example (".length() - 1) + ")";
    assertThat(domains(atCap + "\r\n\r\n")).containsExactly("capped.example");
    String over =
        head + "c".repeat(FromHeader.MAX_FROM_VALUE - "a@capped.example (".length()) + ")";
    assertThat(domains(over + "\r\n\r\n")).isNull();
  }

  @Test
  void foldedFromValue_countsItsLineEnds_towardsTheCap() {
    String second = "z@fold.example";
    // first line + CRLF + space + second line is exactly the cap, then one byte over it
    int pad = FromHeader.MAX_FROM_VALUE - "a@fold.example (),".length() - 3 - second.length();
    String atCap = "From: a@fold.example (" + "c".repeat(pad) + "),\r\n " + second + "\r\n\r\n";
    assertThat(domains(atCap)).containsExactly("fold.example");
    String over = "From: a@fold.example (" + "c".repeat(pad + 1) + "),\r\n " + second + "\r\n\r\n";
    assertThat(domains(over)).isNull();
  }

  @Test
  void secondFromFieldOverTheCap_isNull_likeTheFirst() {
    String huge = "From: " + "a@huge.example, ".repeat(2000) + "z@huge.example\r\n";
    assertThat(domains("From: a@first.example\r\n" + huge + "\r\n")).isNull();
  }

  @Test
  void headerBlockOverOneMebibyte_givesNoDomain() {
    String filler = ("X-Filler: " + "f".repeat(1000) + "\r\n").repeat(1100);
    assertThat(domains("From: a@early.example\r\n" + filler + "\r\n")).isEmpty();
    assertThat(domains("From: a@early.example\r\n" + filler.substring(0, 1000 * 1012) + "\r\n"))
        .containsExactly("early.example");
  }

  @Test
  void moreDomainsThanTheLimit_stopsOnePastIt() {
    String m = "From: a@d1.example, b@d2.example, c@d3.example, d@d4.example\r\n\r\n";
    assertThat(
            FromHeader.domains(new ByteArrayInputStream(m.getBytes(StandardCharsets.US_ASCII)), 2))
        .containsExactly("d1.example", "d2.example", "d3.example");
  }

  /**
   * The scan agrees with the previous reader (every line split by {@link HeaderText}, then parsed)
   * on header blocks built from random pieces: folds, bare CR and LF, names in any case and with
   * whitespace, values near the cap, blocks near 1 MiB. Seeded, so a failure is reproducible.
   */
  @Test
  void randomHeaderBlocks_giveWhatSplittingEveryLineGave() throws IOException {
    Random random = new Random(17);
    String[] names = {
      "From",
      "from",
      "FROM",
      " From",
      "From ",
      "\u000bFrom\t",
      "Fr\rom",
      "X-From",
      "Subject",
      "",
      "From\r",
      "Fröm",
      "\u00a0From"
    };
    String[] values = {
      "a@one.example",
      "\"x\" <b@two.example>",
      "c@THREE.example, d@four.example",
      "<e@bücher.example>",
      "not an address",
      "f@[192.0.2.1]",
      "From: g@nested.example",
      ":",
      "  ",
      ""
    };
    String[] ends = {"\r\n", "\n", "\r", "\r\r\n", ""};
    for (int round = 0; round < 3000; round++) {
      StringBuilder m = new StringBuilder();
      int fields = random.nextInt(8);
      for (int f = 0; f < fields; f++) {
        int kind = random.nextInt(10);
        if (kind == 0) {
          m.append(random.nextBoolean() ? " " : "\t").append(pick(random, values));
        } else if (kind == 1) {
          m.append(pick(random, names)).append(pick(random, values)); // no colon
        } else {
          m.append(pick(random, names)).append(':').append(random.nextBoolean() ? " " : "");
          m.append(pick(random, values));
          if (random.nextInt(20) == 0) {
            m.append(" (")
                .append("c".repeat(FromHeader.MAX_FROM_VALUE - 40 + random.nextInt(80)))
                .append(')');
          }
        }
        m.append(pick(random, ends));
      }
      if (random.nextInt(50) == 0) {
        m.append(("X-Big: " + "b".repeat(1000) + "\r\n").repeat(1040 + random.nextInt(20)));
      }
      if (random.nextBoolean()) {
        m.append(pick(random, new String[] {"\r\n", "\n"})).append("From: body@body.example\r\n");
      }
      byte[] bytes = m.toString().getBytes(StandardCharsets.ISO_8859_1);
      int limit = random.nextBoolean() ? 100 : 1;
      assertThat(FromHeader.domains(new ByteArrayInputStream(bytes), limit))
          .as("round %d: %s", round, m.length() > 300 ? m.substring(0, 300) : m)
          .isEqualTo(reference(new ByteArrayInputStream(bytes), limit));
    }
  }

  private static String pick(Random random, String[] from) {
    return from[random.nextInt(from.length)];
  }

  /**
   * The reader this class replaced: the header block split into lines, then the From values parsed.
   */
  private static @Nullable List<String> reference(InputStream message, int limit) {
    Set<String> out = new LinkedHashSet<>();
    Set<String> seen = new HashSet<>();
    List<String> values;
    try {
      values = HeaderText.fieldValues(message, "From", 1 << 20);
    } catch (IOException unreadable) {
      return new ArrayList<>();
    }
    for (String raw : values) {
      if (raw.length() > FromHeader.MAX_FROM_VALUE) {
        return null;
      }
      try {
        for (InternetAddress a : InternetAddress.parseHeader(HeaderText.utf8IfValid(raw), false)) {
          String address = a.getAddress();
          int at = address == null ? -1 : address.lastIndexOf('@');
          if (at >= 0 && seen.add(address.substring(at + 1))) {
            DomainNames.hostNameOfAddress(address).ifPresent(out::add);
            if (out.size() > limit) {
              return new ArrayList<>(out);
            }
          }
        }
      } catch (AddressException malformed) {
        // no domain
      }
    }
    return new ArrayList<>(out);
  }
}
