package dev.mailwarden.auth.dkim.internal;

import dev.mailwarden.internal.Swar;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A parsed DKIM tag-list (RFC 6376 section 3.2), used for signatures and key records. Parsed in
 * place on bytes (a header field's as received, ISO-8859-1; a key record's text as UTF-8): it keeps
 * offsets into its source (where each name, trimmed value and raw value sits), so the verifier can
 * blank {@code b=} without re-serialising and decode {@code b=}/{@code bh=}/{@code p=} without
 * copying them; value strings are made only when asked for.
 */
public final class TagList {
  // per tag, SPAN ints: name start/end, trimmed value start/end, raw value start/end (absolute),
  // and the name's key (see key())
  private static final int SPAN = 7;

  private final byte[] source; // lent by the caller, read only
  private final Charset charset;
  private final int from;
  private final int to;
  private final int count;
  private final int[] spans;
  private final @Nullable String[] values;
  private @Nullable List<String> names;

  private TagList(byte[] source, Charset charset, int from, int to, int count, int[] spans) {
    this.source = source;
    this.charset = charset;
    this.from = from;
    this.to = to;
    this.count = count;
    this.spans = spans;
    this.values = new String[count];
  }

  /**
   * Most tags one tag-list may hold: RFC 6376 defines 14 for a signature and 7 for a key record;
   * unknown tags are ignored, but thousands of them only make the verifier work. The cap also
   * bounds every name lookup, which is a scan of at most this many names.
   */
  public static final int MAX_TAGS = 64;

  /**
   * Parses a tag-list given as text (a key record), read as its UTF-8 bytes: offsets point into
   * {@link #source()}. Throws {@link DkimSyntaxException} with a reason when malformed.
   */
  public static TagList parse(String s) throws DkimSyntaxException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return parse(b, 0, b.length, StandardCharsets.UTF_8);
  }

  /**
   * Parses the tag-list in {@code b[from..to)}, a header field's value where it stands in the
   * field's bytes (ISO-8859-1, one char per byte), which are lent and must not change; offsets
   * reported by {@link #rawValueStart} stay relative to {@code from}.
   */
  public static TagList parse(byte[] b, int from, int to) throws DkimSyntaxException {
    return parse(b, from, to, StandardCharsets.ISO_8859_1);
  }

  private static TagList parse(byte[] s, int from, int to, Charset charset)
      throws DkimSyntaxException {
    // one pass: every byte is looked at once (name, '=', value, ';')
    int[] spans = new int[16 * SPAN];
    int count = 0;
    int i = from;
    while (i < to) {
      int a = skipFws(s, i, to);
      if (a == to) {
        break; // FWS after the last ';'
      }
      if (s[a] == ';') {
        i = a + 1; // an empty tag-spec: tolerated between two ';' (as the peers do)
        continue;
      }
      int eq = a;
      byte c = 0;
      while (eq < to && (c = s[eq]) != '=' && c != ';') {
        eq++;
      }
      if (eq == to || c == ';') {
        throw new DkimSyntaxException("tag without '=' in tag-list");
      }
      int nameEnd = trimFwsEnd(s, a, eq);
      if (!isTagName(s, a, nameEnd)) {
        throw new DkimSyntaxException(
            "bad tag name '" + printable(new String(s, a, nameEnd - a, charset)) + "'");
      }
      if (count >= MAX_TAGS) {
        throw new DkimSyntaxException(SignatureCaps.TAGS_MARKER + ": more than " + MAX_TAGS);
      }
      int key = key(s, a, nameEnd);
      if (find(s, spans, count, key, s, a, nameEnd - a) >= 0) {
        throw new DkimSyntaxException(
            "tag " + new String(s, a, nameEnd - a, charset) + "= appears twice");
      }
      // the value: up to the next ';', its first and last non-FWS character, no control character
      int vs = -1;
      int ve = -1;
      int end = eq + 1;
      for (; end < to; end++) {
        // plain value bytes eight at a time (b= is a few hundred), up to the first folding, ';'
        // or control byte, which is read below
        while (end + 8 <= to) {
          long w = Swar.get(s, end);
          long stops = Swar.atMost(w, ' ') | Swar.equal(w, ';') | Swar.equal(w, 0x7f);
          // a step of 8 on the usual path (see SignatureTags.base64), the flag's position last
          int plain = 8;
          if (stops != 0) {
            plain = Swar.firstFlagged(stops);
          }
          if (plain > 0) {
            if (vs < 0) {
              vs = end;
            }
            end += plain;
            ve = end;
          }
          if (plain < 8) {
            break;
          }
        }
        if (end == to) {
          break;
        }
        int v = s[end] & 0xff;
        if (v > ' ') {
          if (v == ';') {
            break;
          }
          if (v == 0x7f) {
            throw controlCharacter(s, a, nameEnd);
          }
          if (vs < 0) {
            vs = end;
          }
          ve = end + 1;
        } else if (v != ' ' && v != '\t' && v != '\r' && v != '\n') {
          throw controlCharacter(s, a, nameEnd);
        }
      }
      if (vs < 0) {
        vs = end;
        ve = end;
      }
      if ((count + 1) * SPAN > spans.length) {
        spans = Arrays.copyOf(spans, spans.length * 2);
      }
      int o = count * SPAN;
      spans[o] = a;
      spans[o + 1] = nameEnd;
      spans[o + 2] = vs;
      spans[o + 3] = ve;
      spans[o + 4] = eq + 1;
      spans[o + 5] = end;
      spans[o + 6] = key;
      count++;
      i = end + 1;
    }
    return new TagList(s, charset, from, to, count, spans);
  }

  private static DkimSyntaxException controlCharacter(byte[] s, int nameFrom, int nameTo) {
    return new DkimSyntaxException(
        "control character in value of "
            + new String(s, nameFrom, nameTo - nameFrom, StandardCharsets.ISO_8859_1)
            + "=");
  }

  /**
   * A name of up to three characters packed into an int with its length (tag names are ASCII), so a
   * lookup compares one int per tag; -1 for longer names, which are compared as text.
   */
  private static int key(byte[] s, int from, int to) {
    int length = to - from;
    if (length > 3) {
      return -1;
    }
    int k = length << 24;
    for (int i = 0; i < length; i++) {
      k |= (s[from + i] & 0xff) << (8 * i); // a parsed name is ASCII
    }
    return k;
  }

  /** {@link #key(byte[], int, int)} of a name asked for. */
  private static int key(String name) {
    int length = name.length();
    if (length > 3) {
      return -1;
    }
    int k = length << 24;
    for (int i = 0; i < length; i++) {
      char c = name.charAt(i);
      if (c > 0x7f) {
        return -2; // matches no parsed name
      }
      k |= c << (8 * i);
    }
    return k;
  }

  /**
   * The tag named {@code name[nameFrom..+length)} (key {@code key}) among the first {@code count}.
   */
  private static int find(
      byte[] source, int[] spans, int count, int key, byte[] name, int nameFrom, int length) {
    for (int k = 0; k < count; k++) {
      int o = k * SPAN;
      if (spans[o + 6] == key
          && (key != -1
              || (spans[o + 1] - spans[o] == length
                  && Arrays.equals(
                      source, spans[o], spans[o] + length, name, nameFrom, nameFrom + length)))) {
        return k;
      }
    }
    return -1;
  }

  /**
   * The position of tag {@code name} among the tags, behind the accessors by name (a reader of many
   * tags asks {@link #positions} once); -1 when absent.
   */
  int indexOf(String name) {
    int key = key(name);
    if (key != -1) {
      return find(source, spans, count, key, source, 0, 0); // the key decides; no text compared
    }
    byte[] b = name.getBytes(StandardCharsets.UTF_8);
    return find(source, spans, count, key, b, 0, b.length);
  }

  /**
   * The position of each tag {@code names} lists, in its order, found in one pass over the tags (a
   * reader of many tags asks once); -1 for each one absent.
   */
  public int[] positions(Names names) {
    int[] keys = names.keys;
    int[] at = new int[keys.length];
    Arrays.fill(at, -1);
    for (int k = 0; k < count; k++) {
      int key = spans[k * SPAN + 6];
      for (int q = 0; q < keys.length; q++) {
        if (keys[q] == key) {
          at[q] = k; // names are distinct in a parsed tag-list: no later tag has this one
          break;
        }
      }
    }
    return at;
  }

  /**
   * Tag names asked for together by {@link #positions}: distinct, one to three ASCII characters.
   */
  public static final class Names {
    private final int[] keys;

    private Names(int[] keys) {
      this.keys = keys;
    }

    /**
     * @throws IllegalArgumentException for a name that is empty, longer than three characters, not
     *     ASCII or given twice
     */
    public static Names of(String... names) {
      int[] keys = new int[names.length];
      for (int q = 0; q < names.length; q++) {
        int key = key(names[q]);
        if (names[q].isEmpty() || key < 0) {
          throw new IllegalArgumentException(
              "tag names of one to three ASCII characters only: " + names[q]);
        }
        for (int p = 0; p < q; p++) {
          if (keys[p] == key) {
            throw new IllegalArgumentException("tag name given twice: " + names[q]);
          }
        }
        keys[q] = key;
      }
      return new Names(keys);
    }
  }

  /** The value of a tag with surrounding whitespace removed, or null when absent. */
  public @Nullable String get(String name) {
    return value(indexOf(name));
  }

  /** {@link #get} of the tag at {@code tag} ({@link #positions}); null for -1. */
  public @Nullable String value(int tag) {
    if (tag < 0) {
      return null;
    }
    String v = values[tag];
    if (v == null) {
      int o = tag * SPAN;
      v = new String(source, spans[o + 2], spans[o + 3] - spans[o + 2], charset);
      values[tag] = v;
    }
    return v;
  }

  /**
   * Whether the tag at {@code tag} ({@link #positions}) has exactly the value {@code expected}
   * (ASCII), no copy made; false for -1.
   */
  public boolean valueIs(int tag, String expected) {
    if (tag < 0) {
      return false;
    }
    int from = spans[tag * SPAN + 2];
    int length = spans[tag * SPAN + 3] - from;
    if (length != expected.length()) {
      return false;
    }
    for (int k = 0; k < length; k++) {
      if (source[from + k] != expected.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  public boolean has(String name) {
    return indexOf(name) >= 0;
  }

  /** Whether {@code name} is the first tag written. */
  public boolean isFirst(String name) {
    return count > 0 && indexOf(name) == 0;
  }

  /** Tag names in the order written. */
  public List<String> names() {
    List<String> n = names;
    if (n == null) {
      List<String> list = new ArrayList<>(count);
      for (int k = 0; k < count; k++) {
        int o = k * SPAN;
        list.add(new String(source, spans[o], spans[o + 1] - spans[o], charset));
      }
      n = List.copyOf(list);
      names = n;
    }
    return n;
  }

  /**
   * The bytes the tag-list was parsed from (offsets of {@link #valueStart} point into them); lent,
   * not to be changed.
   */
  public byte[] source() {
    return source;
  }

  /**
   * Where the value of {@code name}, surrounding whitespace removed, starts in {@link #source()}.
   */
  public int valueStart(String name) {
    return valueStart(indexOf(name));
  }

  /** {@link #valueStart(String)} of the tag at {@code tag}; -1 for -1. */
  public int valueStart(int tag) {
    return tag < 0 ? -1 : spans[tag * SPAN + 2];
  }

  /** Just past the value of {@code name}, surrounding whitespace removed, in {@link #source()}. */
  public int valueEnd(String name) {
    return valueEnd(indexOf(name));
  }

  /** {@link #valueEnd(String)} of the tag at {@code tag}; -1 for -1. */
  public int valueEnd(int tag) {
    return tag < 0 ? -1 : spans[tag * SPAN + 3];
  }

  /**
   * The tag-list with the raw value of {@code name} (everything between its '=' and the next ';' or
   * the end) removed; the tag-list unchanged when the tag is absent.
   */
  public String withValueRemoved(String name) {
    int i = indexOf(name);
    if (i < 0) {
      return new String(source, from, to - from, charset);
    }
    int cut = spans[i * SPAN + 4];
    int resume = spans[i * SPAN + 5];
    return new String(source, from, cut - from, charset)
        + new String(source, resume, to - resume, charset);
  }

  /** Offset in the tag-list where the raw value of {@code name} starts, or -1. */
  public int rawValueStart(String name) {
    return rawValueStart(indexOf(name));
  }

  /** {@link #rawValueStart(String)} of the tag at {@code tag}; -1 for -1. */
  public int rawValueStart(int tag) {
    return tag < 0 ? -1 : spans[tag * SPAN + 4] - from;
  }

  /** Offset in the tag-list just past the raw value of {@code name}, or -1. */
  public int rawValueEnd(String name) {
    return rawValueEnd(indexOf(name));
  }

  /** {@link #rawValueEnd(String)} of the tag at {@code tag}; -1 for -1. */
  public int rawValueEnd(int tag) {
    return tag < 0 ? -1 : spans[tag * SPAN + 5] - from;
  }

  /** A value with every folding-whitespace character removed (for b=, bh=, p=). */
  public static String stripFws(String v) {
    StringBuilder b = null;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (isFws(c)) {
        if (b == null) {
          b = new StringBuilder(v.length()).append(v, 0, i);
        }
      } else if (b != null) {
        b.append(c);
      }
    }
    return b == null ? v : b.toString();
  }

  /** Splits a colon-separated list (h=, q=, s=, t=), trimming whitespace around items. */
  public static List<String> splitList(String v) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (true) {
      int c = v.indexOf(':', i);
      int end = c < 0 ? v.length() : c;
      int a = skipFws(v, i, end);
      out.add(v.substring(a, trimFwsEnd(v, a, end)));
      if (c < 0) {
        return out;
      }
      i = c + 1;
    }
  }

  public static boolean isFws(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }

  private static int skipFws(String s, int from, int end) {
    while (from < end && isFws(s.charAt(from))) {
      from++;
    }
    return from;
  }

  private static int trimFwsEnd(String s, int from, int end) {
    while (end > from && isFws(s.charAt(end - 1))) {
      end--;
    }
    return end;
  }

  /** {@link #isFws(char)} of a byte (ISO-8859-1 or UTF-8: folding whitespace is ASCII). */
  public static boolean isFws(byte c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }

  private static int skipFws(byte[] s, int from, int end) {
    while (from < end && isFws(s[from])) {
      from++;
    }
    return from;
  }

  private static int trimFwsEnd(byte[] s, int from, int end) {
    while (end > from && isFws(s[end - 1])) {
      end--;
    }
    return end;
  }

  private static boolean isTagName(byte[] s, int from, int to) {
    if (from == to || !isAlpha(s[from])) {
      return false;
    }
    for (int i = from + 1; i < to; i++) {
      byte c = s[i];
      if (!isAlpha(c) && !(c >= '0' && c <= '9') && c != '_') {
        return false;
      }
    }
    return true;
  }

  private static boolean isAlpha(byte c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  public static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && i < 40; i++) {
      char c = s.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return b.toString();
  }

  @Override
  public String toString() {
    return "TagList" + names();
  }
}
