package dev.mailwarden.auth.dkim.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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

  /** The header fields in order. Lines that are not fields (no colon) are skipped. */
  public List<HeaderField> fields() {
    String text = new String(buf, 0, len, StandardCharsets.ISO_8859_1);
    List<HeaderField> fields = new ArrayList<>();
    int start = -1;
    int i = 0;
    int n = text.length();
    while (i < n) {
      int eol = text.indexOf("\r\n", i);
      int next = eol < 0 ? n : eol + 2;
      if (eol == i) {
        break; // the empty line ending the header block
      }
      char first = text.charAt(i);
      boolean continuation = first == ' ' || first == '\t';
      if (!continuation) {
        if (start >= 0) {
          add(fields, text.substring(start, i));
        }
        start = i;
      } else if (start < 0) {
        start = i; // a continuation with nothing before it: treated as a malformed line
      }
      i = next;
    }
    if (start >= 0) {
      String last = text.substring(start, Math.min(i, n));
      add(fields, last.endsWith("\r\n") ? last : last + "\r\n");
    }
    return fields;
  }

  private static void add(List<HeaderField> fields, String raw) {
    int colon = raw.indexOf(':');
    if (colon <= 0) {
      return;
    }
    int eol = raw.indexOf("\r\n");
    if (eol >= 0 && eol < colon) {
      return; // no colon on the first line
    }
    fields.add(new HeaderField(raw, colon));
  }
}
