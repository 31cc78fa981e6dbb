package dev.mailwarden.auth.dkim.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Collects a message's header block while it streams in, turning bare LF into CRLF, and finds where
 * the body starts. Header bytes are kept as ISO-8859-1 text: one char per byte, so nothing is
 * re-encoded.
 */
public final class MessageHead {
  private final int maxBytes;
  private byte[] buf = new byte[0]; // grown on the first byte that has to be stored
  private int len;
  private boolean complete;
  private boolean overflowed;
  private @Nullable List<HeaderField> fields; // made once when the head was read in one piece

  /** A head without a size cap, for messages we sign ourselves. */
  public MessageHead() {
    this(Integer.MAX_VALUE);
  }

  /**
   * A head that stores at most {@code maxBytes} of header section; beyond that it stops storing,
   * reports {@link #overflowed()} and swallows every further byte (the message is not evaluated).
   */
  public MessageHead(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  /**
   * Takes header bytes from {@code b[off..off+len)}; returns how many it consumed. Fewer than
   * {@code len} means the header block ended and the rest is body.
   */
  public int update(byte[] b, int off, int n) {
    if (overflowed) {
      return n; // drained, not stored
    }
    if (len == 0 && !complete) {
      int used = wholeHead(b, off, n);
      if (used >= 0) {
        return used;
      }
    }
    int end = off + n;
    int i = off;
    while (i < end && !complete) {
      int lf = i;
      while (lf < end && b[lf] != '\n') {
        lf++;
      }
      if (lf == end) {
        appendRange(b, i, end - i);
        return n;
      }
      if ((long) len + (lf - i) + 2 > maxBytes) {
        overflow();
        return n;
      }
      boolean crBefore = lf > i ? b[lf - 1] == '\r' : len > 0 && buf[len - 1] == '\r';
      appendRange(b, i, lf - i);
      if (!crBefore) {
        append((byte) '\r'); // bare LF: read as CRLF
      }
      append((byte) '\n');
      i = lf + 1;
      if (len == 2 || (len >= 4 && buf[len - 3] == '\n' && buf[len - 4] == '\r')) {
        complete = true;
      }
    }
    return i - off;
  }

  /**
   * The common case of a whole message (or a first chunk holding the whole header block) with CRLF
   * line ends: the fields are made straight from {@code b}, nothing is stored. Returns the bytes
   * consumed, or -1 to take the general path (no blank line in {@code b}, a bare LF, or over the
   * cap, which the general path reports).
   */
  private int wholeHead(byte[] b, int off, int n) {
    int end = off + Math.min(n, maxBytes);
    List<HeaderField> list = new ArrayList<>();
    int start = -1; // the field being read
    int colon = -1; // its colon, found on its first line
    int i = off;
    while (i < end) {
      int lf = i;
      while (lf < end && b[lf] != '\n') {
        lf++;
      }
      if (lf == end || lf == off || b[lf - 1] != '\r') {
        return -1;
      }
      if (lf - 1 == i) { // the empty line: the header block was b[off..i)
        if (start >= 0) {
          add(list, b, start, colon, i);
        }
        fields = Collections.unmodifiableList(list);
        complete = true;
        return lf + 1 - off;
      }
      byte first = b[i];
      if ((first != ' ' && first != '\t') || start < 0) {
        if (start >= 0) {
          add(list, b, start, colon, i);
        }
        start = i;
        colon = -1;
        for (int k = i; k < lf; k++) {
          if (b[k] == ':') {
            colon = k;
            break;
          }
        }
      }
      i = lf + 1;
    }
    return -1;
  }

  /** Adds the field in {@code b[from..to)} (CRLF-terminated) if it has a name before its colon. */
  private static void add(List<HeaderField> fields, byte[] b, int from, int colon, int to) {
    if (colon > from) {
      fields.add(new HeaderField(Arrays.copyOfRange(b, from, to), colon - from));
    }
  }

  private void overflow() {
    overflowed = true;
    buf = new byte[0];
    len = 0;
  }

  private void appendRange(byte[] b, int from, int n) {
    if (overflowed) {
      return;
    }
    if ((long) len + n > maxBytes) {
      overflow();
      return;
    }
    if (len + n > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(2048, Math.max(buf.length * 2, len + n)));
    }
    System.arraycopy(b, from, buf, len, n);
    len += n;
  }

  private void append(byte c) {
    if (len == buf.length) {
      buf = Arrays.copyOf(buf, Math.max(2048, buf.length * 2));
    }
    buf[len++] = c;
  }

  public boolean complete() {
    return complete;
  }

  /** True when the header section exceeded the cap: nothing was kept and the rest is drained. */
  public boolean overflowed() {
    return overflowed;
  }

  /** The cap on stored header bytes. */
  public int maxBytes() {
    return maxBytes;
  }

  /**
   * The header fields in order. Lines that are not fields (no colon) are skipped. Each field's text
   * is made straight from the stored bytes (no string of the whole header block first).
   */
  public List<HeaderField> fields() {
    List<HeaderField> made = fields;
    return made != null ? made : fields(buf, 0, len);
  }

  private static List<HeaderField> fields(byte[] b, int from, int n) {
    List<HeaderField> fields = new ArrayList<>();
    int start = -1;
    int i = from;
    while (i < n) {
      int eol = indexOfCrlf(b, i, n);
      int next = eol < 0 ? n : eol + 2;
      if (eol == i) {
        break; // the empty line ending the header block
      }
      byte first = b[i];
      boolean continuation = first == ' ' || first == '\t';
      if (!continuation) {
        if (start >= 0) {
          add(fields, b, start, i);
        }
        start = i;
      } else if (start < 0) {
        start = i; // a continuation with nothing before it: treated as a malformed line
      }
      i = next;
    }
    if (start >= 0) {
      add(fields, b, start, Math.min(i, n));
    }
    return fields;
  }

  private static int indexOfCrlf(byte[] b, int from, int end) {
    for (int k = from; k < end - 1; k++) {
      if (b[k] == '\r' && b[k + 1] == '\n') {
        return k;
      }
    }
    return -1;
  }

  /** Adds the field in {@code b[from..to)}; the last one gets its CRLF if the input ended early. */
  private static void add(List<HeaderField> fields, byte[] b, int from, int to) {
    int colon = -1;
    for (int k = from; k < to; k++) {
      if (b[k] == ':') {
        colon = k;
        break;
      }
    }
    if (colon <= from) {
      return;
    }
    int eol = indexOfCrlf(b, from, to);
    if (eol >= 0 && eol < colon) {
      return; // no colon on the first line
    }
    boolean crlf = to - from >= 2 && b[to - 2] == '\r' && b[to - 1] == '\n';
    byte[] raw = Arrays.copyOfRange(b, from, crlf ? to : to + 2);
    if (!crlf) {
      raw[raw.length - 2] = '\r';
      raw[raw.length - 1] = '\n';
    }
    fields.add(new HeaderField(raw, colon - from));
  }
}
