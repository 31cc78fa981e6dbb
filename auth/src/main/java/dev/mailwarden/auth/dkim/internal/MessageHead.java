package dev.mailwarden.auth.dkim.internal;

import dev.mailwarden.internal.HeaderIndex;
import java.util.List;

/**
 * Collects a message's header block while it streams in, turning bare LF into CRLF, and finds where
 * the body starts. Header bytes are kept as ISO-8859-1 text: one char per byte, so nothing is
 * re-encoded.
 */
public final class MessageHead {
  private final int maxBytes;
  private byte[] buf = new byte[2048];
  private int len;
  private boolean complete;
  private boolean overflowed;

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
      if ((long) len + (lf - i) + (crBefore ? 1 : 2) > maxBytes) { // the line as stored, CRLF
        overflow();
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
      buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
    }
    System.arraycopy(b, from, buf, len, n);
    len += n;
  }

  private void append(byte c) {
    if (len == buf.length) {
      buf = java.util.Arrays.copyOf(buf, buf.length * 2);
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
   * The header fields in order, split by core's {@link HeaderIndex} as the evaluation splits them.
   * Lines that are not fields (no colon) are skipped.
   */
  public List<HeaderField> fields() {
    return HeaderField.fieldsOf(HeaderIndex.of(buf, len).block(len));
  }
}
