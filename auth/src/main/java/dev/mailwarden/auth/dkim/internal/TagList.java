package dev.mailwarden.auth.dkim.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A parsed DKIM tag-list (RFC 6376 section 3.2), used for signatures and key records. Parsed in
 * place: it keeps offsets into its source (where each name, trimmed value and raw value sits), so
 * the verifier can blank {@code b=} without re-serialising and decode {@code b=}/{@code bh=}/{@code
 * p=} without copying them; value strings are made only when asked for.
 */
public final class TagList {
  // per tag, SPAN ints: name start/end, trimmed value start/end, raw value start/end (absolute),
  // and the name's key (see key())
  private static final int SPAN = 7;

  private final String source;
  private final int from;
  private final int to;
  private final int count;
  private final int[] spans;
  private final @Nullable String[] values;
  private @Nullable List<String> names;

  private TagList(String source, int from, int to, int count, int[] spans) {
    this.source = source;
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

  /** Parses a tag-list; throws {@link DkimSyntaxException} with a reason when malformed. */
  public static TagList parse(String s) throws DkimSyntaxException {
    return parse(s, 0, s.length());
  }

  /**
   * Parses the tag-list in {@code s[from..to)} (e.g. a header field's value inside its raw text);
   * offsets reported by {@link #rawValueStart} stay relative to {@code from}.
   */
  public static TagList parse(String s, int from, int to) throws DkimSyntaxException {
    // one pass: every character is looked at once (name, '=', value, ';')
    int[] spans = new int[16 * SPAN];
    int count = 0;
    int i = from;
    while (i < to) {
      int a = skipFws(s, i, to);
      if (a == to) {
        break; // FWS after the last ';'
      }
      if (s.charAt(a) == ';') {
        i = a + 1; // an empty tag-spec: tolerated between two ';' (as the peers do)
        continue;
      }
      int eq = a;
      char c = 0;
      while (eq < to && (c = s.charAt(eq)) != '=' && c != ';') {
        eq++;
      }
      if (eq == to || c == ';') {
        throw new DkimSyntaxException("tag without '=' in tag-list");
      }
      int nameEnd = trimFwsEnd(s, a, eq);
      if (!isTagName(s, a, nameEnd)) {
        throw new DkimSyntaxException("bad tag name '" + printable(s.substring(a, nameEnd)) + "'");
      }
      if (count >= MAX_TAGS) {
        throw new DkimSyntaxException(SignatureCaps.TAGS_MARKER + ": more than " + MAX_TAGS);
      }
      int key = key(s, a, nameEnd);
      if (find(s, spans, count, key, s, a, nameEnd - a) >= 0) {
        throw new DkimSyntaxException("tag " + s.substring(a, nameEnd) + "= appears twice");
      }
      // the value: up to the next ';', its first and last non-FWS character, no control character
      int vs = -1;
      int ve = -1;
      int end = eq + 1;
      for (; end < to; end++) {
        char v = s.charAt(end);
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
    return new TagList(s, from, to, count, spans);
  }

  private static DkimSyntaxException controlCharacter(String s, int nameFrom, int nameTo) {
    return new DkimSyntaxException(
        "control character in value of " + s.substring(nameFrom, nameTo) + "=");
  }

  /**
   * A name of up to three characters packed into an int with its length (tag names are ASCII), so a
   * lookup compares one int per tag; -1 for longer names, which are compared as text.
   */
  private static int key(String s, int from, int to) {
    int length = to - from;
    if (length > 3) {
      return -1;
    }
    int k = length << 24;
    for (int i = 0; i < length; i++) {
      char c = s.charAt(from + i);
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
      String source, int[] spans, int count, int key, String name, int nameFrom, int length) {
    for (int k = 0; k < count; k++) {
      int o = k * SPAN;
      if (spans[o + 6] == key
          && (key != -1
              || (spans[o + 1] - spans[o] == length
                  && source.regionMatches(spans[o], name, nameFrom, length)))) {
        return k;
      }
    }
    return -1;
  }

  private int indexOf(String name) {
    return find(source, spans, count, key(name, 0, name.length()), name, 0, name.length());
  }

  /** The value of a tag with surrounding whitespace removed, or null when absent. */
  public @Nullable String get(String name) {
    int i = indexOf(name);
    if (i < 0) {
      return null;
    }
    String v = values[i];
    if (v == null) {
      v = source.substring(spans[i * SPAN + 2], spans[i * SPAN + 3]);
      values[i] = v;
    }
    return v;
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
        list.add(source.substring(spans[k * SPAN], spans[k * SPAN + 1]));
      }
      n = List.copyOf(list);
      names = n;
    }
    return n;
  }

  /** The string the tag-list was parsed from (offsets of {@link #valueStart} point into it). */
  public String source() {
    return source;
  }

  /**
   * Where the value of {@code name}, surrounding whitespace removed, starts in {@link #source()}.
   */
  public int valueStart(String name) {
    int i = indexOf(name);
    return i < 0 ? -1 : spans[i * SPAN + 2];
  }

  /** Just past the value of {@code name}, surrounding whitespace removed, in {@link #source()}. */
  public int valueEnd(String name) {
    int i = indexOf(name);
    return i < 0 ? -1 : spans[i * SPAN + 3];
  }

  /**
   * The tag-list with the raw value of {@code name} (everything between its '=' and the next ';' or
   * the end) removed; the tag-list unchanged when the tag is absent.
   */
  public String withValueRemoved(String name) {
    int i = indexOf(name);
    if (i < 0) {
      return source.substring(from, to);
    }
    return source.substring(from, spans[i * SPAN + 4]) + source.substring(spans[i * SPAN + 5], to);
  }

  /** Offset in the tag-list where the raw value of {@code name} starts, or -1. */
  public int rawValueStart(String name) {
    int i = indexOf(name);
    return i < 0 ? -1 : spans[i * SPAN + 4] - from;
  }

  /** Offset in the tag-list just past the raw value of {@code name}, or -1. */
  public int rawValueEnd(String name) {
    int i = indexOf(name);
    return i < 0 ? -1 : spans[i * SPAN + 5] - from;
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

  private static boolean isTagName(String s, int from, int to) {
    if (from == to || !isAlpha(s.charAt(from))) {
      return false;
    }
    for (int i = from + 1; i < to; i++) {
      char c = s.charAt(i);
      if (!isAlpha(c) && !(c >= '0' && c <= '9') && c != '_') {
        return false;
      }
    }
    return true;
  }

  private static boolean isAlpha(char c) {
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
