package dev.mailwarden.auth.dkim;

import java.io.OutputStream;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Signing of a message written to it while it passes ({@link DkimSigner#stream()}): the header
 * block is kept, the body is canonicalized and hashed chunk by chunk and never held. After {@link
 * #close()}, {@link #signatureField()} is the {@code DKIM-Signature} field to prepend.
 *
 * <p>Not thread-safe: one writer at a time. The caller bounds the header block it writes.
 */
public final class DkimSigningStream extends OutputStream {
  interface Sink {
    void update(byte[] b, int off, int len);
  }

  private final Sink sink;
  private final Supplier<String> finisher;
  private @Nullable String field;
  private @Nullable RuntimeException failure;
  private boolean closed;

  DkimSigningStream(Sink sink, Supplier<String> finisher) {
    this.sink = sink;
    this.finisher = finisher;
  }

  @Override
  public void write(int b) {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) {
    Objects.checkFromIndexSize(off, len, b.length);
    if (closed) {
      throw new IllegalStateException("DkimSigningStream is closed");
    }
    sink.update(b, off, len);
  }

  /** Ends the message and computes the signature. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      field = finisher.get();
    } catch (RuntimeException e) {
      failure = e;
    }
  }

  /**
   * The {@code DKIM-Signature} header field, folded, ending in CRLF.
   *
   * @throws IllegalStateException before {@link #close()}
   * @throws IllegalArgumentException when the message has no From header field
   */
  public String signatureField() {
    if (!closed) {
      throw new IllegalStateException("close() the stream first");
    }
    if (failure != null) {
      throw failure;
    }
    return Objects.requireNonNull(field);
  }

  @Override
  public String toString() {
    return "DkimSigningStream[" + (closed ? "closed" : "open") + "]";
  }
}
