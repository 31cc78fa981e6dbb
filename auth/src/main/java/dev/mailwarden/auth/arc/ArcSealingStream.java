package dev.mailwarden.auth.arc;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.auth.dkim.internal.BodyHasher;
import dev.mailwarden.auth.dkim.internal.MessageHead;
import java.io.OutputStream;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Sealing of a message written to it while it passes ({@link ArcSealer#stream()}): the header block
 * is kept (up to a cap), the body is canonicalized and hashed chunk by chunk and never held. After
 * {@link #close()}, {@link #sealHeaders} gives the ARC set to prepend, as {@link
 * ArcSealer#sealHeaders(byte[], ArcStatus, String)} would on the whole message.
 *
 * <pre>{@code
 * ArcSealingStream s = sealer.stream();
 * s.write(headerBlock); s.write(CRLF); s.write(bodyChunk); ...
 * s.close();
 * Optional<String> set = s.sealHeaders(cv, authResultsValue);  // cv from ArcVerifier#stream
 * }</pre>
 *
 * <p>Not thread-safe: one writer at a time.
 */
public final class ArcSealingStream extends OutputStream {
  private final ArcSealer sealer;
  private final MessageHead head;
  private final BodyHasher body = new BodyHasher(true, "SHA-256", -1);
  private boolean closed;

  ArcSealingStream(ArcSealer sealer, int maxHeaderBytes) {
    this.sealer = sealer;
    this.head = new MessageHead(maxHeaderBytes);
  }

  @Override
  public void write(int b) {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) {
    Objects.checkFromIndexSize(off, len, b.length);
    if (closed) {
      throw new IllegalStateException("ArcSealingStream is closed");
    }
    int used = head.complete() ? 0 : head.update(b, off, len);
    if (used < len) {
      body.update(b, off + used, len - used);
    }
  }

  /** Ends the message and its body hash. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    body.finish();
  }

  /**
   * The three header fields to prepend (ARC-Seal, ARC-Message-Signature,
   * ARC-Authentication-Results, each ending in CRLF), or empty when the chain must not be sealed
   * (its newest seal already says {@code cv=fail}). Signed now, with the sealer's clock.
   *
   * @param authResults the Authentication-Results value for the AAR ({@code authserv-id;
   *     method=result ...}); null to take the message's own fields for the sealer's authserv-id
   * @throws IllegalStateException before {@link #close()}
   * @throws IllegalArgumentException when the header block was over the cap, {@code cv} contradicts
   *     the message, the chain is at 50 sets, or there is no From (as {@link
   *     ArcSealer#sealHeaders(byte[], ArcStatus, String)})
   */
  public Optional<String> sealHeaders(ArcStatus cv, @Nullable String authResults) {
    requireNonNull(cv, "cv");
    if (!closed) {
      throw new IllegalStateException("close() the stream first");
    }
    if (head.overflowed()) {
      throw new IllegalArgumentException(
          "the header block is over " + head.maxBytes() + " bytes (the DKIM header cap)");
    }
    return sealer.sealHeaders(head.fields(), body, cv, authResults);
  }

  @Override
  public String toString() {
    return "ArcSealingStream[" + (closed ? "closed" : "open") + "]";
  }
}
