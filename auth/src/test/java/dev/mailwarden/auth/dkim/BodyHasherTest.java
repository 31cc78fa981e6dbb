package dev.mailwarden.auth.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.auth.dkim.internal.BodyHasher;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Body canonicalization: chunking never matters, and the RFC 6376 examples hold. */
class BodyHasherTest {
  private static final byte[] ALPHABET = " \t\r\n\r\nab.xyz".getBytes(StandardCharsets.ISO_8859_1);

  private static byte[] hashInChunks(byte[] body, boolean relaxed, long limit, Random splits) {
    BodyHasher h = new BodyHasher(relaxed, "SHA-256", limit);
    int i = 0;
    while (i < body.length) {
      int n = Math.min(body.length - i, splits.nextInt(7) == 0 ? 0 : 1 + splits.nextInt(9));
      h.update(body, i, n);
      i += n;
    }
    return h.finish();
  }

  @Test
  void hash_isIndependentOfChunking_forRandomBodiesAndSplits() {
    Random random = new Random(20261128);
    for (int round = 0; round < 2_000; round++) {
      byte[] body = new byte[random.nextInt(200)];
      for (int i = 0; i < body.length; i++) {
        body[i] = ALPHABET[random.nextInt(ALPHABET.length)];
      }
      boolean relaxed = random.nextBoolean();
      long limit = random.nextInt(4) == 0 ? random.nextInt(100) : -1;
      BodyHasher whole = new BodyHasher(relaxed, "SHA-256", limit);
      whole.update(body, 0, body.length);
      byte[] expected = whole.finish();
      for (int split = 0; split < 5; split++) {
        assertThat(hashInChunks(body, relaxed, limit, random))
            .as("round %d relaxed=%s limit=%d body=%s", round, relaxed, limit, printable(body))
            .isEqualTo(expected);
      }
    }
  }

  @Test
  void largeBodies_matchAPlainReferenceCanonicalizer() throws Exception {
    Random random = new Random(99);
    String[] pieces = {
      "word", "x", " ", "  ", "\t", " \t ", "\r\n", "\r\n\r\n", "\n", "\r", "lorem-ipsum.", "\u00e9"
    };
    for (int round = 0; round < 300; round++) {
      StringBuilder b = new StringBuilder();
      int size = random.nextInt(12_000);
      while (b.length() < size) {
        b.append(pieces[random.nextInt(pieces.length)]);
      }
      String body = b.toString();
      for (boolean relaxed : new boolean[] {false, true}) {
        byte[] raw = body.getBytes(StandardCharsets.ISO_8859_1);
        byte[] got = hashInChunks(raw, relaxed, -1, random);
        assertThat(got)
            .as("round %d relaxed=%s", round, relaxed)
            .isEqualTo(sha256(reference(body, relaxed)));
      }
    }
  }

  /**
   * Long lines of words, where the relaxed scan reads eight bytes at a time: single and double
   * spaces, tabs, control bytes, bytes from 0x80, empty lines and '!' at every offset from a word
   * boundary, split anywhere, against the reference.
   */
  @Test
  void longWordyLines_relaxed_matchTheReference_whateverTheOffsetAndSplit() throws Exception {
    Random random = new Random(18);
    String[] pieces = {
      "w",
      "word",
      "longerword",
      " ",
      " ",
      " ",
      "  ",
      "\t",
      " \t",
      "\u00e9\u00ff",
      "\u0001",
      "\u007f",
      ";",
      "\r\n",
      "\n",
      "\r",
      " \r\n",
      "\t\r\n",
      "\r\n\r\n", // an empty line, content after it or not
      " !", // '!' is ' ' + 1: the eight-byte test may flag it, or a space before it, in passing
      "!!"
    };
    for (int round = 0; round < 400; round++) {
      StringBuilder b = new StringBuilder();
      int size = 50 + random.nextInt(3_000);
      while (b.length() < size) {
        // mostly words and single spaces, so runs are long enough for the eight-byte path
        String p = random.nextInt(4) == 0 ? pieces[random.nextInt(pieces.length)] : "abcdefg ";
        b.append(p, 0, 1 + random.nextInt(p.length()));
      }
      byte[] raw = b.toString().getBytes(StandardCharsets.ISO_8859_1);
      assertThat(hashInChunks(raw, true, -1, random))
          .as("round %d: %s", round, printable(raw))
          .isEqualTo(sha256(reference(b.toString(), true)));
      BodyHasher whole = new BodyHasher(true, "SHA-256", -1);
      whole.update(raw, 0, raw.length);
      assertThat(whole.finish()).isEqualTo(sha256(reference(b.toString(), true)));
    }
  }

  /** RFC 6376 3.4.3/3.4.4 written the obvious way, on whole strings. */
  private static String reference(String body, boolean relaxed) {
    String s = body.replaceAll("(?<!\r)\n", "\r\n");
    java.util.List<String> lines =
        new java.util.ArrayList<>(java.util.Arrays.asList(s.split("\r\n", -1)));
    if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
      lines.remove(lines.size() - 1); // the text after the last CRLF
    }
    if (relaxed) {
      lines.replaceAll(l -> l.replaceAll("[ \t]+", " ").replaceAll(" \\z", ""));
    }
    while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
      lines.remove(lines.size() - 1);
    }
    if (lines.isEmpty()) {
      return relaxed ? "" : "\r\n";
    }
    return String.join("\r\n", lines) + "\r\n";
  }

  @Test
  void bareLf_hashesLikeCrlf() {
    Random random = new Random(7);
    for (int round = 0; round < 500; round++) {
      StringBuilder b = new StringBuilder();
      for (int i = random.nextInt(60); i > 0; i--) {
        b.append("ab \t\n".charAt(random.nextInt(5)));
      }
      String lf = b.toString();
      String crlf = lf.replace("\n", "\r\n");
      for (boolean relaxed : new boolean[] {false, true}) {
        assertThat(hash(lf, relaxed)).as(lf).isEqualTo(hash(crlf, relaxed));
      }
    }
  }

  @Test
  void rfc6376Section3_4_5_examples() throws Exception {
    String body = " C \r\nD \t E\r\n\r\n\r\n";
    assertThat(hash(body, true)).isEqualTo(sha256(" C\r\nD E\r\n"));
    assertThat(hash(body, false)).isEqualTo(sha256(" C \r\nD \t E\r\n"));
  }

  @Test
  void emptyBody_isCrlfWhenSimple_andEmptyWhenRelaxed() throws Exception {
    assertThat(hash("", false)).isEqualTo(sha256("\r\n"));
    assertThat(hash("", true)).isEqualTo(sha256(""));
  }

  @Test
  void limit_hashesOnlyThePrefix_andCountsTheWhole() throws Exception {
    BodyHasher h = new BodyHasher(false, "SHA-256", 5);
    byte[] b = "Hello world\r\n".getBytes(StandardCharsets.US_ASCII);
    h.update(b, 0, b.length);
    assertThat(h.finish()).isEqualTo(sha256("Hello"));
    assertThat(h.canonicalLength()).isEqualTo(13);
  }

  private static byte[] hash(String body, boolean relaxed) {
    BodyHasher h = new BodyHasher(relaxed, "SHA-256", -1);
    byte[] b = body.getBytes(StandardCharsets.ISO_8859_1);
    h.update(b, 0, b.length);
    return h.finish();
  }

  private static byte[] sha256(String s) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static String printable(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1)
        .replace("\r", "\\r")
        .replace("\n", "\\n")
        .replace("\t", "\\t");
  }
}
