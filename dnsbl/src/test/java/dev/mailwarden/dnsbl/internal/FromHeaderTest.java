package dev.mailwarden.dnsbl.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.internal.DomainNames;
import dev.mailwarden.internal.HeaderIndex;
import dev.mailwarden.internal.HeaderText;
import dev.mailwarden.internal.MailAddresses;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The RHSBL From reader: the domains of the From fields of the shared header index. */
class FromHeaderTest {

  private static @Nullable List<String> domains(String message) {
    return domains(message.getBytes(StandardCharsets.ISO_8859_1), 100);
  }

  private static @Nullable List<String> domains(byte[] message, int limit) {
    return FromHeader.domains(HeaderIndex.of(ByteBuffer.wrap(message)), limit);
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
    assertThat(domains(m.getBytes(StandardCharsets.US_ASCII), 2))
        .containsExactly("d1.example", "d2.example", "d3.example");
  }

  /**
   * The domains agree with a plain reading of the From values ({@link HeaderIndex.Block#values},
   * each parsed in full) on header blocks built from random pieces: folds, bare CR and LF, names in
   * any case and with whitespace, values near the cap, blocks near 1 MiB. The split itself is
   * checked against the line reader it replaced in core's {@code HeaderIndexTest}. Seeded.
   */
  @Test
  void randomHeaderBlocks_giveWhatReadingEveryValueWholeGives() {
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
      assertThat(domains(bytes, limit))
          .as("round %d: %s", round, m.length() > 300 ? m.substring(0, 300) : m)
          .isEqualTo(reference(bytes, limit));
    }
  }

  private static String pick(Random random, String[] from) {
    return from[random.nextInt(from.length)];
  }

  /** Every From value read whole, then parsed: what the checker must give. */
  private static @Nullable List<String> reference(byte[] message, int limit) {
    Set<String> out = new LinkedHashSet<>();
    Set<String> seen = new HashSet<>();
    HeaderIndex.Block block = HeaderIndex.of(ByteBuffer.wrap(message)).block(1 << 20);
    if (block.overCap()) {
      return new ArrayList<>();
    }
    for (String raw : block.values("From")) {
      if (raw.length() > FromHeader.MAX_FROM_VALUE) {
        return null;
      }
      try {
        for (MailAddresses.Mailbox a : MailAddresses.parseList(HeaderText.utf8IfValid(raw))) {
          String address = a.address();
          int at = address == null ? -1 : address.lastIndexOf('@');
          if (at >= 0 && seen.add(address.substring(at + 1))) {
            DomainNames.hostNameOfAddress(address).ifPresent(out::add);
            if (out.size() > limit) {
              return new ArrayList<>(out);
            }
          }
        }
      } catch (MailAddresses.MalformedException malformed) {
        // no domain
      }
    }
    return new ArrayList<>(out);
  }
}
