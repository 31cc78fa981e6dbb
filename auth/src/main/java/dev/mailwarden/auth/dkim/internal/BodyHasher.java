package dev.mailwarden.auth.dkim.internal;

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
        if (relaxed) {
          i = relaxedRun(b, i, end);
          continue;
        }
        // the hot loop of simple canonicalization: ordinary bytes and whitespace are copied as
        // they are, and CRLF ending a line with content is kept, until something needs the careful
        // path (an empty line, bare CR/LF, the chunk's end)
        while (true) {
          if (outLen >= o.length - 1) {
            flush();
          }
          int k = outLen;
          boolean content = true;
          while (i < end && k < o.length) {
            int lim = Math.min(end, i + (o.length - k));
            int j = i;
            while (j < lim) {
              byte x = b[j];
              if (isPlain(x) || x == ' ' || x == '\t') {
                j++;
              } else {
                break;
              }
            }
            System.arraycopy(b, i, o, k, j - i);
            if (j > i) {
              k += j - i;
              i = j;
              content = true;
              if (i >= end || k >= o.length) {
                break;
              }
            }
            byte x = b[i];
            if (x == CR && content && i + 1 < end && b[i + 1] == LF && k + 1 < o.length) {
              o[k++] = CR;
              o[k++] = LF;
              i += 2;
              content = false;
              continue;
            } else if (isPlain(x) || x == ' ' || x == '\t') {
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

  /**
   * The relaxed hot loop, entered on a plain byte of a line (nothing pending): copies the input to
   * {@code out} while it is its own canonical form, collapses a run of whitespace between words to
   * one space and drops whitespace before the CRLF of a line with content, without leaving the
   * loop; returns where the careful byte-by-byte path must take over (an empty line, a bare CR or
   * LF, whitespace or CR at the chunk's end) or the chunk's end. Eight bytes are read and stored at
   * a time while none is a control byte and no space is followed by a space or control (bytes from
   * 0x80 are plain); the first flagged byte is then handled on its own, and may turn out plain (a
   * borrow, see {@link dev.mailwarden.internal.Swar}). Output never runs ahead of input, so one
   * bound keeps both in range.
   */
  private int relaxedRun(byte[] b, int i, int end) {
    byte[] o = out;
    boolean content = true;
    int j = i;
    while (true) {
      if (outLen > o.length - 16) {
        flush();
      }
      int delta = outLen - j; // where the output stands relative to the input; only shrinks
      int lim = Math.min(end, o.length - 1 - delta); // one spare byte for a CRLF
      boolean careful = false;
      while (j < lim) {
        int from = j;
        j = RelaxedWords.copy(b, j, lim, o, delta);
        content |= j > from; // a byte copied is content, or a space before content
        if (j >= lim) {
          break;
        }
        byte x = b[j];
        if (isPlain(x)) {
          o[j + delta] = x;
          j++;
          content = true;
        } else if (x == ' ' || x == '\t') {
          int w = j + 1;
          while (w < end && (b[w] == ' ' || b[w] == '\t')) {
            w++;
          }
          if (w < end && isPlain(b[w])) {
            o[j + delta] = ' '; // the run between words becomes one space
            delta -= w - j - 1;
            j = w;
          } else if (content && w + 1 < end && b[w] == CR && b[w + 1] == LF) {
            o[j + delta] = CR; // trailing whitespace dropped
            o[j + delta + 1] = LF;
            delta -= w - j;
            j = w + 2;
            content = false;
          } else {
            careful = true;
            break;
          }
        } else if (x == CR
            && j + 1 < end
            && b[j + 1] == LF
            && (content || (j + 2 < end && isPlain(b[j + 2])))) {
          // the end of a line with content, or an empty line that content follows (so not one of
          // the trailing empty lines that are dropped)
          o[j + delta] = CR;
          o[j + delta + 1] = LF;
          j += 2;
          content = false;
        } else {
          careful = true;
          break;
        }
      }
      outLen = j + delta;
      lineHasContent = content;
      if (careful || j >= end) {
        return j;
      }
      flush(); // the output buffer is full
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
