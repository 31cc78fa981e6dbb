package dev.mailwarden.auth.dkim;

import dev.mailwarden.auth.dkim.internal.Verification;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;

/**
 * Verification of a message written to it while it arrives (e.g. during SMTP DATA, after
 * dot-unstuffing): key lookups start as soon as the header block is complete, the body is hashed
 * chunk by chunk and never held in memory. {@link #close()} ends the message; {@link #result()}
 * completes once every key answered.
 *
 * <pre>{@code
 * DkimStream s = Dkim.check().stream(dns, Clock.systemUTC(), executor);
 * while ((n = in.read(buf)) > 0) s.write(buf, 0, n);
 * s.close();
 * s.result().thenAccept(r -> log(r.outcome()));
 * }</pre>
 *
 * <p>Not thread-safe: one writer at a time.
 */
public final class DkimStream extends OutputStream {
  private final Verification verification;
  private final CompletableFuture<DkimResult> result = new CompletableFuture<>();
  private boolean closed;

  DkimStream(Verification verification) {
    this.verification = verification;
  }

  @Override
  public void write(int b) {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    if (closed) {
      throw new IllegalStateException("DkimStream is closed");
    }
    verification.update(b, off, len);
  }

  /** Ends the message and starts the final checks. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    verification
        .finish()
        .whenComplete(
            (r, e) -> {
              if (e != null) {
                result.complete(DkimResult.temperror("verification failed: " + e));
              } else {
                result.complete(r);
              }
            });
  }

  /** The result; completes after {@link #close()} once the keys answered. Never fails. */
  public CompletableFuture<DkimResult> result() {
    return result;
  }

  @Override
  public String toString() {
    return "DkimStream[" + (closed ? "closed" : "open") + "]";
  }
}
