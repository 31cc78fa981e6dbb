package dev.mailwarden.auth.dkim.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Canonicalizes a message body (RFC 6376 section 3.4.3/3.4.4) while it streams in and feeds the
 * result to a digest, so the hash never depends on how the input was split. Bare LF (and CRLF) end
 * a line, as the common verifiers treat them. Trailing empty lines are held back until content
 * follows, so they vanish at the end. An optional limit ({@code l=}) caps what is hashed; the full
 * canonical length is still counted to report the unsigned remainder.
 */
public final class BodyHasher {
  private static final byte CR = '\r';
  private static final byte LF = '\n';

  private final boolean relaxed;
  private final long limit; // -1 = no limit
  private final MessageDigest digest;
  private final byte[] out = new byte[2048];
  private int outLen;
  private long canonicalLength;

  private boolean pendingCr;
  private boolean lineHasContent;
  private boolean pendingSpace;
  private long pendingEmptyLines;
  private boolean finished;
  private byte[] result = new byte[0];

  public BodyHasher(boolean relaxed, String digestAlgorithm, long limit) {
    this.relaxed = relaxed;
    this.limit = limit;
    this.digest = newDigest(digestAlgorithm);
  }

  private static final MessageDigest SHA256 = create("SHA-256");

  private static MessageDigest create(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A fresh digest; SHA-256 is cloned from a prototype, cheaper than a provider lookup. */
  static MessageDigest newDigest(String algorithm) {
    if (algorithm.equals("SHA-256")) {
      try {
        return (MessageDigest) SHA256.clone();
      } catch (CloneNotSupportedException e) {
        return create(algorithm);
      }
    }
    return create(algorithm);
  }

  /** Feeds raw body bytes. */
  public void update(byte[] b, int off, int len) {
    int end = off + len;
    int i = off;
    byte[] o = out;
    while (i < end) {
      byte c = b[i];
      if (!pendingCr && isPlain(c)) {
        if (pendingEmptyLines > 0) {
          flushEmptyLines();
        }
        if (pendingSpace) {
          pendingSpace = false;
          put((byte) ' ');
        }
        lineHasContent = true;
        // the hot loop: ordinary bytes are copied as they are, in relaxed mode a run of spaces
        // between words becomes one space, and CRLF ending a line with content is kept, until
        // something needs the careful path (trailing space, empty line, bare CR/LF, chunk end)
        boolean collapse = relaxed;
        boolean content = true;
        while (true) {
          if (outLen >= o.length - 1) {
            flush();
          }
          int k = outLen;
          while (i < end && k < o.length) {
            // scan a run that is its own canonical form (one induction variable, so the JIT keeps
            // it tight), then copy it in bulk
            int lim = Math.min(end, i + (o.length - k));
            int j = i;
            if (collapse) {
              j = relaxedRun(b, j, lim, o, k - i); // copies the run as it scans it
            } else {
              while (j < lim) {
                byte x = b[j];
                if (isPlain(x) || x == ' ' || x == '\t') {
                  j++;
                } else {
                  break;
                }
              }
              System.arraycopy(b, i, o, k, j - i);
            }
            if (j > i) {
              k += j - i;
              i = j;
              content = true;
              if (i >= end || k >= o.length) {
                break;
              }
            }
            byte x = b[i];
            if (collapse && (x == ' ' || x == '\t')) {
              j = i + 1;
              while (j < end && (b[j] == ' ' || b[j] == '\t')) {
                j++;
              }
              if (j < end && isPlain(b[j])) {
                o[k++] = ' ';
                i = j;
                content = true;
                continue;
              }
              if (content && j + 1 < end && b[j] == CR && b[j + 1] == LF && k + 1 < o.length) {
                o[k++] = CR; // trailing whitespace dropped
                o[k++] = LF;
                i = j + 2;
                content = false;
                continue;
              }
            } else if (x == CR && content && i + 1 < end && b[i + 1] == LF && k + 1 < o.length) {
              o[k++] = CR;
              o[k++] = LF;
              i += 2;
              content = false;
              continue;
            } else if (isPlain(x) || (!collapse && (x == ' ' || x == '\t'))) {
              continue; // the run stopped at the output buffer's end; the loop condition flushes
            }
            break;
          }
          outLen = k;
          lineHasContent = content;
          if (k < o.length - 1 || i == end) {
            break;
          }
        }
      } else {
        if (relaxed) {
          relaxedByte(c);
        } else {
          simpleByte(c);
        }
        i++;
      }
    }
  }

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long HIGH = 0x8080808080808080L;
  private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;

  /**
   * The end of the run from {@code j} that is already relaxed-canonical: plain bytes and single
   * spaces between them; the run is copied to {@code o} at {@code delta} from where it stands in
   * {@code b} as it is scanned ({@code lim} keeps it inside {@code o}). Eight bytes at a time while
   * none is a control byte and no space is followed by a space or control (each byte's flag is
   * exact, no carries between bytes; bytes from 0x80 are plain), then byte by byte from the first
   * flagged one for up to eight (a flagged control byte may be plain); a space needs its successor
   * inside {@code lim}.
   */
  private static int relaxedRun(byte[] b, int j, int lim, byte[] o, int delta) {
    while (true) {
      while (j + 9 <= lim) {
        long x = (long) LONGS.get(b, j);
        long next = (long) LONGS.get(b, j + 1); // byte k of next is the byte after byte k of x
        long low = x & LOW7;
        long ascii = ~x & HIGH;
        long control = ((HIGH | 0x1F1F1F1F1F1F1F1FL) - low) & ascii; // bytes 0x00..0x1f
        long upToSpace = ((HIGH | 0x2020202020202020L) - low) & ascii; // bytes 0x00..0x20
        long followedByWhite = ((HIGH | 0x2020202020202020L) - (next & LOW7)) & ~next & HIGH;
        long stops = control | (upToSpace & followedByWhite);
        LONGS.set(o, j + delta, x); // all eight; what follows the run is overwritten later
        if (stops != 0) {
          j += Long.numberOfTrailingZeros(stops) >>> 3; // the first flagged byte (little-endian)
          break;
        }
        j += 8;
      }
      int stop = Math.min(lim, j + 8);
      while (j < stop) {
        byte x = b[j];
        if (isPlain(x)) {
          o[j + delta] = x;
          j++;
        } else if (x == ' ' && j + 1 < lim && isPlain(b[j + 1])) {
          o[j + delta] = x;
          o[j + 1 + delta] = b[j + 1];
          j += 2;
        } else {
          return j;
        }
      }
      if (j >= lim) {
        return j;
      }
    }
  }

  private static boolean isPlain(byte c) {
    return c > ' ' || (c != ' ' && c != '\t' && c != CR && c != LF);
  }

  private void simpleByte(byte c) {
    if (pendingCr) {
      pendingCr = false;
      if (c == LF) {
        endLine();
        return;
      }
      content(CR);
    }
    if (c == CR) {
      pendingCr = true;
    } else if (c == LF) {
      endLine();
    } else {
      content(c);
    }
  }

  private void relaxedByte(byte c) {
    if (pendingCr) {
      pendingCr = false;
      if (c == LF) {
        endLine();
        return;
      }
      content(CR);
    }
    if (c == ' ' || c == '\t') {
      pendingSpace = true;
    } else if (c == CR) {
      pendingCr = true;
    } else if (c == LF) {
      endLine();
    } else {
      content(c);
    }
  }

  private void content(byte c) {
    if (pendingEmptyLines > 0) {
      flushEmptyLines();
    }
    if (pendingSpace) {
      pendingSpace = false;
      put((byte) ' ');
    }
    lineHasContent = true;
    if (outLen == out.length) {
      flush();
    }
    out[outLen++] = c;
  }

  private void endLine() {
    pendingSpace = false;
    if (lineHasContent) {
      lineHasContent = false;
      put(CR);
      put(LF);
    } else {
      pendingEmptyLines++;
    }
  }

  private void flushEmptyLines() {
    long n = pendingEmptyLines;
    pendingEmptyLines = 0;
    for (long i = 0; i < n; i++) {
      put(CR);
      put(LF);
    }
  }

  private void put(byte c) {
    if (outLen == out.length) {
      flush();
    }
    out[outLen++] = c;
  }

  private void flush() {
    if (outLen == 0) {
      return;
    }
    int n = outLen;
    if (limit >= 0) {
      long room = limit - canonicalLength;
      n = (int) Math.max(0, Math.min(room, outLen));
    }
    if (n > 0) {
      digest.update(out, 0, n);
    }
    canonicalLength += outLen;
    outLen = 0;
  }

  /** Ends the body and returns its hash. Idempotent. */
  public byte[] finish() {
    if (finished) {
      return result.clone();
    }
    finished = true;
    if (pendingCr) {
      pendingCr = false;
      content(CR);
    }
    if (lineHasContent) {
      lineHasContent = false;
      put(CR);
      put(LF);
    }
    if (!relaxed && canonicalLength == 0 && outLen == 0) {
      put(CR); // the simple canonical form of an empty body is one CRLF
      put(LF);
    }
    flush();
    result = digest.digest();
    return result.clone();
  }

  /** The length of the whole canonical body (valid after {@link #finish()}). */
  public long canonicalLength() {
    return canonicalLength;
  }

  /** The l= limit, or -1. */
  public long limit() {
    return limit;
  }

  public boolean relaxed() {
    return relaxed;
  }
}
