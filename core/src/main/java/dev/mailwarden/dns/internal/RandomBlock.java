package dev.mailwarden.dns.internal;

import java.security.SecureRandom;

/**
 * Unpredictable numbers for query IDs and socket choice (RFC 5452), drawn from a {@link
 * SecureRandom} a block at a time: one call of the (locked, costly) generator serves 128 queries,
 * each then costs a short lock and two array reads. The output is the generator's own bytes, used
 * once each; only the order of calls changes. Thread-safe.
 */
final class RandomBlock {
  private static final int BLOCK = 512;
  private final SecureRandom random;
  private final byte[] block = new byte[BLOCK];
  private int next = BLOCK;

  RandomBlock(SecureRandom random) {
    this.random = random;
  }

  /** 32 random bits. */
  synchronized int nextInt() {
    if (next > BLOCK - 4) {
      random.nextBytes(block);
      next = 0;
    }
    int p = next;
    next = p + 4;
    return ((block[p] & 0xff) << 24)
        | ((block[p + 1] & 0xff) << 16)
        | ((block[p + 2] & 0xff) << 8)
        | (block[p + 3] & 0xff);
  }
}
