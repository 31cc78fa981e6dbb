package dev.mailwarden.examples.logs;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;

/**
 * Splits a log stream into lines in one pass with a fixed buffer: a line longer than the cap is cut
 * at the cap and the rest skipped, so a hostile line cannot grow memory. Lines are decoded as
 * ISO-8859-1, one char per byte: cheap, never fails, and keeps UTF-8 addresses distinct (they are
 * re-decoded only for display). Gzip is recognised by its magic bytes, not the file name.
 */
public final class LogLines {
  /** Receives each line (without its line feed). */
  @FunctionalInterface
  public interface Sink {
    void line(String line);
  }

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final int maxLineBytes;
  private long bytes;
  private long lines;
  private long truncated;

  public LogLines(int maxLineBytes) {
    if (maxLineBytes < 1) {
      throw new IllegalArgumentException("maxLineBytes must be positive");
    }
    this.maxLineBytes = maxLineBytes;
  }

  /** Wraps {@code in} in a gzip decoder when it starts with the gzip magic bytes. */
  public static InputStream maybeGunzip(InputStream in) throws IOException {
    BufferedInputStream b = new BufferedInputStream(in, 1 << 16);
    b.mark(2);
    int m1 = b.read();
    int m2 = b.read();
    b.reset();
    if (m1 == 0x1f && m2 == 0x8b) {
      return new GZIPInputStream(b, 1 << 16);
    }
    return b;
  }

  /** Reads {@code in} to its end, calling {@code sink} once per line. Does not close it. */
  public void read(InputStream in, Sink sink) throws IOException {
    byte[] buf = new byte[Math.max(1 << 20, 2 * maxLineBytes + 2)];
    int start = 0; // first byte of the current line
    int end = 0; // bytes valid in buf
    boolean skipping = false; // inside the too-long tail of a line
    while (true) {
      int n = in.read(buf, end, buf.length - end);
      if (n < 0) {
        break;
      }
      bytes += n;
      int scanFrom = end;
      end += n;
      for (int i = scanFrom; (i = indexOfLineFeed(buf, i, end)) >= 0; i++) {
        if (skipping) {
          skipping = false;
        } else {
          emit(buf, start, i, sink);
        }
        start = i + 1;
      }
      if (!skipping && end - start >= maxLineBytes) {
        // no line feed within the cap: emit what we have, drop the rest of this line
        emit(buf, start, start + maxLineBytes, sink);
        truncated++;
        skipping = true;
        start = end;
      }
      if (skipping) {
        start = end;
      }
      // keep the partial line at the front of the buffer
      int rest = end - start;
      System.arraycopy(buf, start, buf, 0, rest);
      start = 0;
      end = rest;
    }
    if (!skipping && end > start) {
      emit(buf, start, end, sink);
    }
  }

  /**
   * The first line feed in {@code buf[from, to)}, or -1; eight bytes at a time (a byte is zero in
   * {@code w ^ 0x0a..0a} exactly where it was a line feed, and the lowest byte flagged by the
   * zero-byte test is always a true zero), which halves the cost of splitting lines.
   */
  static int indexOfLineFeed(byte[] buf, int from, int to) {
    int i = from;
    for (; i + Long.BYTES <= to; i += Long.BYTES) {
      long x = (long) LONGS.get(buf, i) ^ 0x0a0a0a0a0a0a0a0aL;
      long zero = (x - 0x0101010101010101L) & ~x & 0x8080808080808080L;
      if (zero != 0) {
        return i + (Long.numberOfTrailingZeros(zero) >>> 3);
      }
    }
    for (; i < to; i++) {
      if (buf[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private void emit(byte[] buf, int from, int to, Sink sink) {
    lines++;
    sink.line(new String(buf, from, to - from, StandardCharsets.ISO_8859_1));
  }

  /** Bytes read (after gzip decoding). */
  public long bytes() {
    return bytes;
  }

  public long lines() {
    return lines;
  }

  /** Lines cut at the cap. */
  public long truncated() {
    return truncated;
  }
}
