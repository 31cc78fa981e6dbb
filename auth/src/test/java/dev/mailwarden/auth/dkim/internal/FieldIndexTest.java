package dev.mailwarden.auth.dkim.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * h= takes each name's fields from the bottom up, each at most once (RFC 6376 section 5.4.2): the
 * index against a plain scan of the fields, for ordinary header sections and for hostile ones with
 * more fields than a per-signature array is kept for.
 */
class FieldIndexTest {

  private static HeaderField field(String name, int position) {
    byte[] b = (name + ": " + position + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    return new HeaderField(b, name.length());
  }

  private static int position(@Nullable HeaderField f) {
    return f == null ? -1 : Integer.parseInt(f.value().trim());
  }

  /** The naive reading of section 5.4.2: the lowest field of that name not yet used, or -1. */
  private static int scan(List<HeaderField> fields, boolean[] used, String name) {
    for (int i = fields.size() - 1; i >= 0; i--) {
      if (!used[i] && fields.get(i).lowerName().equals(name)) {
        used[i] = true;
        return i;
      }
    }
    return -1;
  }

  @Test
  void takesWhatABottomUpScanTakes_forSmallAndHostileHeaderSections() {
    Random random = new Random(18);
    String[] names = {"From", "from", "Subject", "Received", "X-A", "x-b", "To"};
    // 30 fields: the per-signature array; 3000: past 4 x MAX_SIGNED_HEADERS, the map
    for (int count : new int[] {1, 30, 3000}) {
      for (int trial = 0; trial < 20; trial++) {
        List<HeaderField> fields = new ArrayList<>();
        for (int i = 0; i < count; i++) {
          fields.add(field(names[random.nextInt(names.length)], i));
        }
        FieldIndex index = new FieldIndex(fields);
        for (int signature = 0; signature < 2; signature++) { // each signature takes afresh
          FieldIndex.Taker taker = index.taker();
          boolean[] used = new boolean[count];
          for (int k = 0; k < SignatureTags.MAX_SIGNED_HEADERS; k++) {
            String name = names[random.nextInt(names.length)].toLowerCase(java.util.Locale.ROOT);
            String h = random.nextInt(10) == 0 ? "no-such-field" : name;
            assertThat(position(taker.take(h))).as(h).isEqualTo(scan(fields, used, h));
          }
        }
      }
    }
  }

  @Test
  void aNameWithNoFieldLeft_orNone_takesNothing() {
    FieldIndex index = new FieldIndex(List.of(field("From", 0), field("To", 1), field("From", 2)));
    FieldIndex.Taker taker = index.taker();
    assertThat(position(taker.take("from"))).isEqualTo(2);
    assertThat(position(taker.take("from"))).isEqualTo(0);
    assertThat(taker.take("from")).isNull();
    assertThat(taker.take("subject")).isNull();
    assertThat(taker.take("From")).isNull(); // h= names are looked up in lower case
    assertThat(position(taker.take("to"))).isEqualTo(1);
  }
}
