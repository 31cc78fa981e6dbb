package dev.mailwarden.auth.dkim.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The one-pass tag-list parser: values, offsets in place, and every malformation it refuses. */
class TagListTest {

  @Test
  void valuesAreTrimmed_andOffsetsPointIntoTheSource() throws Exception {
    String field = "DKIM-Signature: v=1;  a = rsa-sha256 ;\r\n\tb= ab\r\n cd ;bh=;";
    int from = field.indexOf(':') + 1;
    TagList t = TagList.parse(field.getBytes(StandardCharsets.ISO_8859_1), from, field.length());
    assertThat(t.names()).containsExactly("v", "a", "b", "bh");
    assertThat(t.get("a")).isEqualTo("rsa-sha256");
    assertThat(t.get("b")).isEqualTo("ab\r\n cd");
    assertThat(t.get("bh")).isEmpty();
    assertThat(t.get("c")).isNull();
    assertThat(field.substring(t.valueStart("b"), t.valueEnd("b"))).isEqualTo("ab\r\n cd");
    assertThat(field.substring(from + t.rawValueStart("b"), from + t.rawValueEnd("b")))
        .isEqualTo(" ab\r\n cd ");
    assertThat(t.withValueRemoved("b")).isEqualTo(" v=1;  a = rsa-sha256 ;\r\n\tb=;bh=;");
    assertThat(t.isFirst("v")).isTrue();
    assertThat(t.isFirst("a")).isFalse();
  }

  @Test
  void nonAsciiValues_keepTheirText_fromKeyRecordTextAndFromFieldBytes() throws Exception {
    TagList text = TagList.parse("n=caf\u00e9 \u2713; p=AB");
    assertThat(text.get("n")).isEqualTo("caf\u00e9 \u2713");
    assertThat(text.get("p")).isEqualTo("AB"); // offsets count the UTF-8 bytes before it
    assertThat(new String(text.source(), text.valueStart("p"), 2, StandardCharsets.UTF_8))
        .isEqualTo("AB");
    byte[] field = "X: n=caf\u00e9; v=1".getBytes(StandardCharsets.ISO_8859_1);
    TagList bytes = TagList.parse(field, 2, field.length);
    assertThat(bytes.get("n")).isEqualTo("caf\u00e9");
    assertThat(bytes.get("v")).isEqualTo("1");
    assertThatThrownBy(() -> TagList.parse("\u00e9=1")).hasMessageStartingWith("bad tag name");
  }

  @Test
  void longNames_areComparedAsText() throws Exception {
    TagList t = TagList.parse("abcd=1; abce=2; abc=3; ab=4");
    assertThat(t.get("abcd")).isEqualTo("1");
    assertThat(t.get("abce")).isEqualTo("2");
    assertThat(t.get("abc")).isEqualTo("3");
    assertThat(t.get("ab")).isEqualTo("4");
    assertThat(t.get("abcf")).isNull();
    assertThat(t.get("\u00e9")).isNull();
    assertThatThrownBy(() -> TagList.parse("abcd=1; abcd=2")).hasMessage("tag abcd= appears twice");
  }

  @Test
  void emptyTagSpecs_areTolerated() throws Exception {
    assertThat(TagList.parse(";; v=1;;a=b; ;").names()).containsExactly("v", "a");
    assertThat(TagList.parse("").names()).isEmpty();
    assertThat(TagList.parse(" \r\n ").names()).isEmpty();
  }

  @Test
  void malformedLists_giveTheirReason() {
    assertThatThrownBy(() -> TagList.parse("v=1; a")).hasMessage("tag without '=' in tag-list");
    assertThatThrownBy(() -> TagList.parse("a; v=1")).hasMessage("tag without '=' in tag-list");
    assertThatThrownBy(() -> TagList.parse("1a=b")).hasMessage("bad tag name '1a'");
    assertThatThrownBy(() -> TagList.parse("a b=c")).hasMessage("bad tag name 'a b'");
    assertThatThrownBy(() -> TagList.parse("v=1; v=2")).hasMessage("tag v= appears twice");
    assertThatThrownBy(() -> TagList.parse("=1")).hasMessage("bad tag name ''");
    assertThatThrownBy(() -> TagList.parse("a =1; b\t\r\n =2; c_1 = 3; d b=4"))
        .hasMessage("bad tag name 'd b'");
    assertThatThrownBy(() -> TagList.parse("v=1\u0000"))
        .hasMessage("control character in value of v=");
    assertThatThrownBy(() -> TagList.parse("v=\u007f"))
        .hasMessage("control character in value of v=");
    StringBuilder many = new StringBuilder();
    for (int i = 0; i <= TagList.MAX_TAGS; i++) {
      many.append("t").append(i).append("=x;");
    }
    assertThatThrownBy(() -> TagList.parse(many.toString()))
        .hasMessage(SignatureCaps.TAGS_MARKER + ": more than " + TagList.MAX_TAGS);
  }

  @Test
  void namesAskedTogether_areShortDistinctAscii() {
    assertThatThrownBy(() -> TagList.Names.of("bh", "long")).hasMessageContaining("long");
    assertThatThrownBy(() -> TagList.Names.of("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TagList.Names.of("é")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TagList.Names.of("b", "a", "b")).hasMessage("tag name given twice: b");
  }

  @Test
  void distinctNamesPass_andARepeatIsFound_wherever_whateverTheNames() throws Exception {
    // names of one to five characters: the parser keys the short ones and filters repeats by key
    Random random = new Random(18);
    String first = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    String rest = first + "0123456789_";
    for (int trial = 0; trial < 300; trial++) {
      Set<String> names = new LinkedHashSet<>();
      while (names.size() < TagList.MAX_TAGS - 1) {
        StringBuilder n = new StringBuilder().append(first.charAt(random.nextInt(first.length())));
        for (int k = random.nextInt(5); k > 0; k--) {
          n.append(rest.charAt(random.nextInt(rest.length())));
        }
        names.add(n.toString());
      }
      List<String> list = new ArrayList<>(names);
      StringBuilder b = new StringBuilder();
      for (String n : list) {
        b.append(n).append('=').append(n.length()).append("; ");
      }
      TagList tags = TagList.parse(b.toString());
      assertThat(tags.names()).containsExactlyElementsOf(list);
      for (String n : list) {
        assertThat(tags.get(n)).isEqualTo(String.valueOf(n.length()));
      }
      // positions: each short name asked for (present or not) where indexOf finds it
      List<String> asked = new ArrayList<>();
      for (String n : list) {
        if (n.length() <= 3 && random.nextBoolean()) {
          asked.add(n);
        }
      }
      asked.add("zz9".equals(list.get(0)) ? "zz8" : "zz9");
      asked.removeIf(n -> asked.indexOf(n) != asked.lastIndexOf(n));
      int[] at = tags.positions(TagList.Names.of(asked.toArray(new String[0])));
      for (int q = 0; q < asked.size(); q++) {
        assertThat(at[q]).as(asked.get(q)).isEqualTo(tags.indexOf(asked.get(q)));
        assertThat(at[q]).isEqualTo(list.indexOf(asked.get(q)));
      }
      String again = list.get(random.nextInt(list.size()));
      assertThatThrownBy(() -> TagList.parse(b + again + "=x"))
          .hasMessage("tag " + again + "= appears twice");
    }
  }
}
