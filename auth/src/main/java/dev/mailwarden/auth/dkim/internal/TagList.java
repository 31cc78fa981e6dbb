package dev.mailwarden.auth.dkim.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A parsed DKIM tag-list (RFC 6376 section 3.2), used for signatures and key records. Keeps where
 * each raw value sits in the source so the verifier can blank {@code b=} without re-serialising.
 */
public final class TagList {
  private final String source;
  private final List<String> names;
  private final List<String> values;
  private final Map<String, Integer> index; // name -> position: lookups stay O(1) for any tag count
  private final int[] rawStart;
  private final int[] rawEnd;

  private TagList(
      String source,
      List<String> names,
      Map<String, Integer> index,
      List<String> values,
      int[] rawStart,
      int[] rawEnd) {
    this.source = source;
    this.names = names;
    this.index = index;
    this.values = values;
    this.rawStart = rawStart;
    this.rawEnd = rawEnd;
  }

  /**
   * Most tags one tag-list may hold: RFC 6376 defines 14 for a signature and 7 for a key record;
   * unknown tags are ignored, but thousands of them only make the verifier work.
   */
  public static final int MAX_TAGS = 64;

  /** Parses a tag-list; throws {@link DkimSyntaxException} with a reason when malformed. */
  public static TagList parse(String s) throws DkimSyntaxException {
    List<String> names = new ArrayList<>(12);
    List<String> values = new ArrayList<>(12);
    List<int[]> spans = new ArrayList<>(12);
    Map<String, Integer> index = new HashMap<>();
    int i = 0;
    int n = s.length();
    while (i <= n) {
      int semi = s.indexOf(';', i);
      int end = semi < 0 ? n : semi;
      int a = skipFws(s, i, end);
      if (a == end) {
        // an empty tag-spec: allowed after the last ';', tolerated between (as the peers do)
        if (semi < 0) {
          break;
        }
        i = semi + 1;
        continue;
      }
      int eq = indexOf(s, '=', a, end);
      if (eq < 0) {
        throw new DkimSyntaxException("tag without '=' in tag-list");
      }
      int nameEnd = trimFwsEnd(s, a, eq);
      String name = s.substring(a, nameEnd);
      if (!isTagName(name)) {
        throw new DkimSyntaxException("bad tag name '" + printable(name) + "'");
      }
      if (names.size() >= MAX_TAGS) {
        throw new DkimSyntaxException(SignatureCaps.TAGS_MARKER + ": more than " + MAX_TAGS);
      }
      if (index.putIfAbsent(name, names.size()) != null) {
        throw new DkimSyntaxException("tag " + name + "= appears twice");
      }
      int vs = skipFws(s, eq + 1, end);
      int ve = trimFwsEnd(s, vs, end);
      for (int k = vs; k < ve; k++) {
        char c = s.charAt(k);
        if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f) {
          throw new DkimSyntaxException("control character in value of " + name + "=");
        }
      }
      names.add(name);
      values.add(s.substring(vs, ve));
      spans.add(new int[] {eq + 1, end});
      if (semi < 0) {
        break;
      }
      i = semi + 1;
    }
    int[] rs = new int[spans.size()];
    int[] re = new int[spans.size()];
    for (int k = 0; k < rs.length; k++) {
      rs[k] = spans.get(k)[0];
      re[k] = spans.get(k)[1];
    }
    return new TagList(s, List.copyOf(names), index, List.copyOf(values), rs, re);
  }

  /** The value of a tag with surrounding whitespace removed, or null when absent. */
  public @Nullable String get(String name) {
    int i = indexOf(name);
    return i < 0 ? null : values.get(i);
  }

  public boolean has(String name) {
    return index.containsKey(name);
  }

  private int indexOf(String name) {
    Integer i = index.get(name);
    return i == null ? -1 : i;
  }

  /** Tag names in the order written. */
  public List<String> names() {
    return names;
  }

  /**
   * The source with the raw value of {@code name} (everything between its '=' and the next ';' or
   * the end) removed; the source unchanged when the tag is absent.
   */
  public String withValueRemoved(String name) {
    int i = indexOf(name);
    if (i < 0) {
      return source;
    }
    return source.substring(0, rawStart[i]) + source.substring(rawEnd[i]);
  }

  /** Offset in the source where the raw value of {@code name} starts, or -1. */
  public int rawValueStart(String name) {
    int i = indexOf(name);
    return i < 0 ? -1 : rawStart[i];
  }

  /** Offset in the source just past the raw value of {@code name}, or -1. */
  public int rawValueEnd(String name) {
    int i = indexOf(name);
    return i < 0 ? -1 : rawEnd[i];
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

  private static int indexOf(String s, char c, int from, int end) {
    for (int k = from; k < end; k++) {
      if (s.charAt(k) == c) {
        return k;
      }
    }
    return -1;
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

  private static boolean isTagName(String n) {
    if (n.isEmpty() || !isAlpha(n.charAt(0))) {
      return false;
    }
    for (int i = 1; i < n.length(); i++) {
      char c = n.charAt(i);
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
    return "TagList" + names;
  }
}
