package dev.mailwarden.auth.dkim.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The header fields of one message by lower-case name, for h= (RFC 6376 section 5.4.2: each name
 * takes the next unused field of that name from the bottom). Built once per message in one pass and
 * read-only afterwards, so signatures verified on different threads share it. A name maps to its
 * bottom-most field and every field links to the next one up with its name: one map entry per
 * distinct name, one int per field, and taking the next field is one step.
 */
final class FieldIndex {
  private final List<HeaderField> fields;
  private final Map<String, Integer> bottom = new HashMap<>();
  private final int[] above; // per field: the next field up with the same name, or -1

  FieldIndex(List<HeaderField> fields) {
    this.fields = fields;
    this.above = new int[fields.size()];
    for (int j = 0; j < above.length; j++) {
      // j is the lowest field of its name so far; the one it replaces stands just above it
      Integer previous = bottom.put(fields.get(j).lowerName(), j);
      above[j] = previous == null ? -1 : previous;
    }
  }

  /** Fields for one signature's h=: each at most once, each name's from the bottom up. */
  Taker taker() {
    return new Taker();
  }

  final class Taker {
    // per name, keyed by its bottom-most field: 0 before the first take, else 2 + the next field
    // to take (1: none left). An array over the fields for ordinary header sections; a map when a
    // hostile one has so many fields that an array per signature would cost more than h= (at most
    // 256 names) can use.
    private final boolean small = above.length <= 4 * SignatureTags.MAX_SIGNED_HEADERS;
    private final int[] next = small ? new int[above.length] : new int[0];
    private final Map<Integer, Integer> nextByName = small ? Map.of() : new HashMap<>();

    private Taker() {}

    /** The next field named {@code name} (lower case) not yet taken, from the bottom; or null. */
    @Nullable HeaderField take(String name) {
      Integer first = bottom.get(name);
      if (first == null) {
        return null;
      }
      int b = first;
      int state = small ? next[b] : nextByName.getOrDefault(first, 0);
      int f = state == 0 ? b : state - 2;
      if (f < 0) {
        return null;
      }
      int after = above[f] + 2;
      if (small) {
        next[b] = after;
      } else {
        nextByName.put(first, after);
      }
      return fields.get(f);
    }
  }
}
