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
      boolean crBefore = lf > i ? b[lf - 1] == '\r' : len > 0 && buf[len - 1] == '\r';
      if ((long) len + (lf - i) + (crBefore ? 1 : 2) > maxBytes) {
        overflow(); // the line as stored (CRLF-ended) would pass the cap
        return n;
      }
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
   * consumed, or -1 to take the general path (no blank line in {@code b}, or a bare LF). A first
   * pass only looks (no allocation), so a header section that turns out too long or oddly ended
   * costs a scan, not a field list thrown away; one that is over the cap inside {@code b} is
   * dropped at once, as the general path would after storing up to the cap.
   */
  private int wholeHead(byte[] b, int off, int n) {
    int end = off + Math.min(n, maxBytes);
    int i = off;
    int blank = -1;
    while (i < end) {
      int lf = i;
      while (lf < end && b[lf] != '\n') {
        lf++;
      }
      if (lf == end) {
        break;
      }
      if (lf == off || b[lf - 1] != '\r') {
        return -1; // a bare LF: the general path turns it into CRLF
      }
      if (lf - 1 == i) {
        blank = i;
        break;
      }
      i = lf + 1;
    }
    if (blank < 0) {
      if (n > maxBytes) {
        overflow(); // no blank line within the cap: too long, like the general path says
        return n;
      }
      return -1;
    }
    fields = Collections.unmodifiableList(fields(b, off, blank));
    complete = true;
    return blank + 2 - off;
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

  /**
   * The fields of {@code b[from..n)}, whose every LF follows a CR, in one pass: a field's colon is
   * looked for on its first line only (a field without one there is skipped).
   */
  private static List<HeaderField> fields(byte[] b, int from, int n) {
    List<HeaderField> fields = new ArrayList<>();
    int start = -1;
    int colon = -1;
    int i = from;
    while (i < n) {
      int lf = i;
      while (lf < n && b[lf] != '\n') {
        lf++;
      }
      if (lf < n && lf == i + 1 && b[i] == '\r') {
        break; // the empty line ending the header block
      }
      byte first = b[i];
      if ((first != ' ' && first != '\t') || start < 0) {
        // a new field; a continuation with nothing before it is kept as a malformed line
        if (start >= 0) {
          add(fields, b, start, colon, i);
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
      i = lf < n ? lf + 1 : n;
    }
    if (start >= 0) {
      add(fields, b, start, colon, i);
    }
    return fields;
  }

  /** Adds {@code b[from..to)} as a field if it has a name before {@code colon}; ends it in CRLF. */
  private static void add(List<HeaderField> fields, byte[] b, int from, int colon, int to) {
    if (colon <= from) {
      return; // no colon on the first line, or no name before it
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
