package dev.mailwarden.internal;

import dev.mailwarden.CheckContext;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The header fields of a raw message, split once and shared: every check of an evaluation that
 * reads header fields (DKIM, ARC, DMARC's From, the domain lists' From) asks the same index, which
 * its first reader builds ({@link #of(CheckContext)}). It keeps offsets into the message bytes,
 * never a copy of them: one {@code int} per field and one per field's colon.
 *
 * <p>The split, shared by every reader: lines end at LF (a CR before it belongs to the line end);
 * the first empty line ends the block, and a message without one is all header; a line starting
 * with space or tab continues the field above (at the very start of the block it starts a unit of
 * its own, which {@link Block#values} ignores and DKIM reads as written); a field's name is what
 * precedes the first colon of its first line.
 *
 * <p>Memory and work are bounded by the largest cap a reader asks for ({@link #block(int)}): the
 * scan stops once the block is known to be longer, and goes on from there only if a later reader
 * allows more. Thread-safe.
 */
public final class HeaderIndex {
  private final byte[] message; // never written; lent read-only to a BodyReader, never kept
  private final int length;

  // the scan, guarded by this
  private int[] starts = new int[0];
  private int[] colons = new int[0];
  private int units;
  private int pos; // where the next line starts
  private int bareLineFeeds;
  private @Nullable Block complete; // once the end of the block was found

  private HeaderIndex(byte[] message, int length) {
    this.message = message;
    this.length = length;
  }

  /**
   * An index of the first {@code length} bytes of {@code message}, which the caller must not change
   * afterwards (no copy is made); nothing is read yet.
   */
  public static HeaderIndex of(byte[] message, int length) {
    if (length < 0 || length > message.length) {
      throw new IndexOutOfBoundsException("length " + length + " of " + message.length);
    }
    return new HeaderIndex(message, length);
  }

  /** An index of a copy of the remaining bytes of {@code message}. */
  public static HeaderIndex of(ByteBuffer message) {
    byte[] copy = new byte[message.remaining()];
    message.duplicate().get(copy);
    return new HeaderIndex(copy, copy.length);
  }

  /**
   * The index of the session's message that the checks of {@code ctx}'s evaluation share, or a new
   * one when the context is not one of core's (a test double): each such check then splits the
   * message itself. Null when the session has no message.
   */
  public static @Nullable HeaderIndex of(CheckContext ctx) {
    if (ctx instanceof SharedMessage shared) {
      return shared.headerIndex();
    }
    return ctx.session().message().map(HeaderIndex::of).orElse(null);
  }

  /**
   * Implemented by core's contexts: the index of the evaluation's message, made on first use and
   * shared by its checks.
   */
  public interface SharedMessage {
    /** Null when the session has no message. */
    @Nullable HeaderIndex headerIndex();
  }

  /**
   * Reads message bytes in place ({@link Block#readBody}): it gets the message's own array, so it
   * must only read {@code b[off, off + len)} during the call, never write it or keep it.
   */
  @FunctionalInterface
  public interface BodyReader {
    void read(byte[] b, int off, int len);
  }

  /**
   * The header block if it is at most {@code maxBytes} long (counting every byte up to and with the
   * empty line that ends it, or the whole message when none does), else {@link Block#overCap()}.
   */
  public synchronized Block block(int maxBytes) {
    if (complete == null) {
      scan(maxBytes);
    }
    Block c = complete;
    return c != null && c.length <= maxBytes ? c : Block.OVER_CAP;
  }

  /**
   * How many bytes of the header block have been split so far: 0 until a check asks for a block,
   * the block's length once its end was found. Tests read it to prove that a check split this
   * shared index rather than a copy of its own.
   */
  public synchronized int splitBytes() {
    Block c = complete;
    return c != null ? c.length : pos;
  }

  /** Reads lines while they end within {@code maxBytes}; sets {@link #complete} at the end. */
  private void scan(int maxBytes) {
    int stop = (int) Math.min(length, (long) maxBytes + 1); // one byte over tells the cap passed
    while (pos < stop) {
      int lf = pos;
      int colon = -1;
      while (lf < stop) {
        if (lf + 16 <= stop) { // sixteen bytes at a time to the line's end (and its first colon)
          long w = Swar.get(message, lf);
          long v = Swar.get(message, lf + 8);
          long flagsW = Swar.equal(w, '\n') | (colon < 0 ? Swar.equal(w, ':') : 0);
          long flagsV = Swar.equal(v, '\n') | (colon < 0 ? Swar.equal(v, ':') : 0);
          if ((flagsW | flagsV) == 0) {
            lf += 16;
            continue;
          }
          lf += flagsW != 0 ? Swar.firstFlagged(flagsW) : 8 + Swar.firstFlagged(flagsV);
        } else if (lf + 8 <= stop) {
          long w = Swar.get(message, lf);
          long flags = Swar.equal(w, '\n') | (colon < 0 ? Swar.equal(w, ':') : 0);
          if (flags == 0) {
            lf += 8;
            continue;
          }
          lf += Swar.firstFlagged(flags);
        }
        byte b = message[lf];
        if (b == '\n') {
          break;
        }
        if (b == ':' && colon < 0) {
          colon = lf;
        }
        lf++;
      }
      if (lf == stop && stop < length) {
        return; // the line runs past the cap: over, or to be read on by a larger one
      }
      boolean hasLf = lf < length;
      boolean cr = hasLf && lf > pos && message[lf - 1] == '\r';
      int contentEnd = cr ? lf - 1 : lf;
      if (hasLf && contentEnd == pos) { // the empty line that ends the block
        bareLineFeeds += cr ? 0 : 1;
        finish(lf + 1, pos);
        return;
      }
      byte first = message[pos];
      if (units == 0 || (first != ' ' && first != '\t')) {
        add(pos, colon);
      }
      if (hasLf && !cr) {
        bareLineFeeds++;
      }
      pos = hasLf ? lf + 1 : lf;
    }
    if (pos >= length) {
      finish(length, length); // no empty line: the message is all header
    }
  }

  private void add(int start, int colon) {
    if (units == starts.length) {
      int n = Math.max(16, units * 2);
      starts = Arrays.copyOf(starts, n);
      colons = Arrays.copyOf(colons, n);
    }
    starts[units] = start;
    colons[units] = colon;
    units++;
  }

  private void finish(int blockLength, int fieldsEnd) {
    complete = new Block(this, blockLength, fieldsEnd, bareLineFeeds, units, starts, colons);
  }

  private byte at(int i) {
    return message[i];
  }

  /**
   * Bytes {@code [from, to)} as text, one char per byte, a CR put before every bare LF ({@code
   * anyBare}: whether the block has any).
   */
  private String string(int from, int to, boolean anyBare) {
    if (!anyBare || bareLineFeeds(from, to) == 0) {
      return new String(message, from, to - from, StandardCharsets.ISO_8859_1);
    }
    return new String(bytes(from, to, false, true), StandardCharsets.ISO_8859_1);
  }

  /**
   * A copy of bytes {@code [from, to)}, a CR put before every bare LF, CRLF added if asked ({@code
   * anyBare}: whether the block has any bare LF; without, one bulk copy).
   */
  private byte[] bytes(int from, int to, boolean crlf, boolean anyBare) {
    if (!anyBare) { // the usual CRLF message
      byte[] out = Arrays.copyOfRange(message, from, to + (crlf ? 2 : 0));
      if (crlf) {
        out[to - from] = '\r';
        out[to - from + 1] = '\n';
      }
      return out;
    }
    byte[] out = new byte[to - from + bareLineFeeds(from, to) + (crlf ? 2 : 0)];
    int n = 0;
    for (int k = from; k < to; k++) {
      if (message[k] == '\n' && (k == 0 || message[k - 1] != '\r')) {
        out[n++] = '\r';
      }
      out[n++] = message[k];
    }
    if (crlf) {
      out[n++] = '\r';
      out[n] = '\n';
    }
    return out;
  }

  private int bareLineFeeds(int from, int to) {
    int bare = 0;
    for (int k = from; k < to; k++) {
      if (message[k] == '\n' && (k == 0 || message[k - 1] != '\r')) {
        bare++;
      }
    }
    return bare;
  }

  /**
   * The header block's fields, or the mark that it was longer than the cap asked for. Immutable.
   * "Units" are the block's fields in order, each with its continuation lines, and also lines
   * without a colon, which {@link #name} and {@link #values} skip.
   */
  public static final class Block {
    static final Block OVER_CAP = new Block(null, -1, 0, 0, 0, new int[0], new int[0]);

    private final @Nullable HeaderIndex index;
    private final int length;
    private final int fieldsEnd;
    private final int bareLineFeeds;
    private final int units;
    private final int[] starts;
    private final int[] colons;

    /**
     * {@code length}: the block with its ending empty line; {@code fieldsEnd}: where that line
     * starts (both the message length when there is none).
     */
    private Block(
        @Nullable HeaderIndex index,
        int length,
        int fieldsEnd,
        int bareLineFeeds,
        int units,
        int[] starts,
        int[] colons) {
      this.index = index;
      this.length = length;
      this.fieldsEnd = fieldsEnd;
      this.bareLineFeeds = bareLineFeeds;
      this.units = units;
      this.starts = starts;
      this.colons = colons;
    }

    /** True when the block was longer than the cap asked for: nothing else is known. */
    public boolean overCap() {
      return index == null;
    }

    /** Bytes of the block, with the empty line that ends it. */
    public int length() {
      return length;
    }

    /** Where the body starts in the message (its length when there is no body). */
    public int bodyOffset() {
      return length;
    }

    /**
     * Hands the body, everything after the block, to {@code reader} in one call, in place (no
     * copy); nothing for a block over its cap, whose end is unknown.
     */
    public void readBody(BodyReader reader) {
      if (index != null && index.length > length) {
        reader.read(index.message, length, index.length - length);
      }
    }

    /**
     * The length of the block with every bare LF read as CRLF (as DKIM canonicalizes it), with the
     * empty line that ends it.
     */
    public long normalizedLength() {
      return (long) length + bareLineFeeds;
    }

    /** How many units (fields, their continuations included, and lines without a colon). */
    public int size() {
      return units;
    }

    /** The offset in the message of unit {@code i}'s first byte. */
    public int start(int i) {
      return starts[check(i)];
    }

    /** The offset in the message just past unit {@code i}'s last line end. */
    public int end(int i) {
      return check(i) + 1 < units ? starts[i + 1] : fieldsEnd;
    }

    /** The offset of the first colon of unit {@code i}'s first line, or -1 when it has none. */
    public int colon(int i) {
      return colons[check(i)];
    }

    /**
     * True when unit {@code i} starts with space or tab: continuation lines with no field above.
     */
    public boolean isOrphanContinuation(int i) {
      byte b = index().at(start(i));
      return b == ' ' || b == '\t';
    }

    /**
     * Unit {@code i} as text, one char per byte (ISO-8859-1): its lines joined by CRLF (a bare LF
     * read as CRLF), without its last line end.
     */
    public String text(int i) {
      return index().string(start(i), contentEnd(i), bareLineFeeds > 0);
    }

    /**
     * The bytes of {@link #text} followed by CRLF, a copy: the field as DKIM reads and
     * canonicalizes it (ISO-8859-1, one byte per char).
     */
    public byte[] bytesWithCrlf(int i) {
      return index().bytes(start(i), contentEnd(i), true, bareLineFeeds > 0);
    }

    /** The end of unit {@code i} without its last line end (LF, and a CR before it). */
    private int contentEnd(int i) {
      HeaderIndex x = index();
      int from = start(i);
      int to = end(i);
      if (to > from && x.at(to - 1) == '\n') {
        to--;
        if (to > from && x.at(to - 1) == '\r') {
          to--;
        }
      }
      return to;
    }

    /**
     * The name of unit {@code i} as {@link #values} compares it: what precedes the colon with
     * surrounding whitespace removed ({@link String#strip()}); null for a unit that is not a field
     * (no colon, a colon first, or an orphan continuation).
     */
    public @Nullable String name(int i) {
      int colon = colon(i);
      if (colon <= start(i) || isOrphanContinuation(i)) {
        return null;
      }
      char[] c = new char[colon - start(i)];
      for (int k = 0; k < c.length; k++) {
        c[k] = (char) (index().at(start(i) + k) & 0xff);
      }
      return new String(c).strip();
    }

    /** True when unit {@code i} is a field named {@code name} (ASCII case ignored). */
    public boolean isNamed(int i, String name) {
      int colon = colon(i);
      int s = start(i);
      if (colon <= s || isOrphanContinuation(i)) {
        return false;
      }
      HeaderIndex x = index();
      int e = colon;
      while (s < e && Character.isWhitespace((char) (x.at(s) & 0xff))) {
        s++;
      }
      while (e > s && Character.isWhitespace((char) (x.at(e - 1) & 0xff))) {
        e--;
      }
      if (e - s != name.length()) {
        return false;
      }
      for (int k = 0; k < name.length(); k++) {
        char a = (char) (x.at(s + k) & 0xff);
        char b = name.charAt(k);
        if (a != b && Character.toLowerCase(a) != Character.toLowerCase(b)) {
          return false;
        }
      }
      return true;
    }

    /**
     * The value of field {@code i}: what follows the colon without the spaces and tabs that start
     * it, folded lines joined by CRLF (see {@link #text}).
     */
    public String value(int i) {
      return index().string(valueStart(i), contentEnd(i), bareLineFeeds > 0);
    }

    /** After the colon and the spaces and tabs that follow it on the first line. */
    private int valueStart(int i) {
      HeaderIndex x = index();
      int k = colon(i) + 1;
      int to = contentEnd(i);
      while (k < to && (x.at(k) == ' ' || x.at(k) == '\t')) {
        k++;
      }
      return k;
    }

    /** The values of every field named {@code name} (ASCII case ignored), in order. */
    public List<String> values(String name) {
      List<String> out = new ArrayList<>(1);
      for (int i = 0; i < units; i++) {
        if (isNamed(i, name)) {
          out.add(value(i));
        }
      }
      return out;
    }

    /** The bytes a value of unit {@code i} would take ({@link #value}), without making it. */
    public int valueLength(int i) {
      HeaderIndex x = index();
      int to = contentEnd(i);
      int k = valueStart(i);
      int n = to - k;
      for (int j = k; j < to; j++) {
        if (x.at(j) == '\n' && x.at(j - 1) != '\r') {
          n++;
        }
      }
      return n;
    }

    private HeaderIndex index() {
      if (index == null) {
        throw new IllegalStateException("the header block was over its cap");
      }
      return index;
    }

    private int check(int i) {
      if (i < 0 || i >= units) {
        throw new IndexOutOfBoundsException("unit " + i + " of " + units);
      }
      return i;
    }

    @Override
    public String toString() {
      return overCap() ? "Block[over cap]" : "Block[" + units + " units, " + length + " bytes]";
    }
  }
}
