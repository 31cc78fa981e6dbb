package dev.mailwarden.auth.dkim.internal;

import java.util.Arrays;

/** A growable byte array, for building the signed header data without String round trips. */
public final class ByteSink {
  byte[] buf;
  int len;

  public ByteSink(int capacity) {
    buf = new byte[Math.max(16, capacity)];
  }

  void ensure(int extra) {
    if (len + extra > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
    }
  }

  public int length() {
    return len;
  }

  /** Feeds the bytes written so far to {@code digest}. */
  public void updateDigest(java.security.MessageDigest digest) {
    digest.update(buf, 0, len);
  }

  /** Empties the sink, keeping its capacity. */
  public void reset() {
    len = 0;
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(buf, len);
  }
}
