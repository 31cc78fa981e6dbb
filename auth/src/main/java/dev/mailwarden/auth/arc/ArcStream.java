package dev.mailwarden.auth.arc;

import dev.mailwarden.auth.arc.internal.ArcChain;
import java.io.OutputStream;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Validation of an ARC chain written to it while the message arrives ({@link ArcVerifier#stream}):
 * key lookups start once the header block is complete, the body is hashed chunk by chunk and never
 * held. {@link #close()} ends the message; {@link #result()} completes once every key answered.
 *
 * <p>Not thread-safe: one writer at a time.
 */
public final class ArcStream extends OutputStream {
  private final ArcChain chain;
  private final CompletableFuture<ArcResult> result = new CompletableFuture<>();
  private boolean closed;

  ArcStream(ArcChain chain) {
    this.chain = chain;
  }

  @Override
  public void write(int b) {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) {
    Objects.checkFromIndexSize(off, len, b.length);
    if (closed) {
      throw new IllegalStateException("ArcStream is closed");
    }
    chain.update(b, off, len);
  }

  /** Ends the message and starts the signature checks. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    CompletableFuture<ArcResult> done;
    try {
      done = chain.finish();
    } catch (RuntimeException e) {
      done = CompletableFuture.failedFuture(e);
    }
    done.whenComplete(
        (r, e) ->
            result.complete(e != null ? ArcResult.temperror("ARC validation failed: " + e) : r));
  }

  /** The result; completes after {@link #close()} once the keys answered. Never fails. */
  public CompletableFuture<ArcResult> result() {
    return result;
  }

  @Override
  public String toString() {
    return "ArcStream[" + (closed ? "closed" : "open") + "]";
  }
}
