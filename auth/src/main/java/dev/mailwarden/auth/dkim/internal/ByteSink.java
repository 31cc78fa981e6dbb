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

  public byte[] toByteArray() {
    return Arrays.copyOf(buf, len);
  }
}
