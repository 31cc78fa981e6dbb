package dev.mailwarden.auth.arc;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.CheckContext;
import dev.mailwarden.CheckKey;
import dev.mailwarden.Checker;
import dev.mailwarden.MailSession;
import dev.mailwarden.SharedCache;
import dev.mailwarden.auth.arc.internal.ArcChain;
import dev.mailwarden.auth.dkim.DkimVerifier;
import dev.mailwarden.auth.dkim.internal.KeyCache;
import dev.mailwarden.dns.DnsResolver;
import dev.mailwarden.internal.HeaderIndex;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Validates the ARC chain of a message (RFC 8617 section 5.2) on its raw bytes: {@code none}
 * without ARC sets; {@code fail} when the chain is malformed, over a cap, broken, or its newest
 * seal recorded {@code cv=fail}; {@code pass} when the newest ARC-Message-Signature and every
 * ARC-Seal verify. A key lookup that fails for DNS reasons gives outcome {@code temperror} (status
 * {@code fail}).
 *
 * <p>Hostile chains stay cheap: at most {@link Builder#maxSets} sets (RFC 8617's 50 by default) and
 * three times as many ARC fields are read, each at most {@link Builder#maxFieldBytes} (64 KiB by
 * default); past a cap the chain fails with a reason naming it. Every seal is checked against one
 * running digest, so the work is linear in the header block.
 *
 * <p>Immutable and thread-safe; parsed key records are shared between messages.
 */
public final class ArcVerifier implements Checker<ArcResult> {
  private static final Executor DIRECT = Runnable::run;

  private final int maxSets;
  private final int maxFieldBytes;
  private final boolean oldestPass;

  /** Keys outside an evaluation: the last record parsed, so one signer's key is parsed once. */
  private final KeyCache ownKeys = new KeyCache(null);

  private ArcVerifier(Builder b) {
    this.maxSets = b.maxSets;
    this.maxFieldBytes = b.maxFieldBytes;
    this.oldestPass = b.oldestPass;
  }

  static Builder builder() { // users start from Arc.builder()
    return new Builder();
  }

  @Override
  public CheckKey<ArcResult> key() {
    return Arc.KEY;
  }

  @Override
  public boolean appliesTo(MailSession session) {
    return session.hasMessage();
  }

  /** Validates the session's message; parsing, hashing and crypto run on the context's executor. */
  @Override
  public CompletableFuture<ArcResult> check(CheckContext context) {
    requireNonNull(context, "context");
    return CompletableFuture.supplyAsync(
            () -> {
              ArcChain chain =
                  start(context.cache(), context.dns(), context.executor(), Integer.MAX_VALUE);
              HeaderIndex index = HeaderIndex.of(context); // split once, shared with DKIM, DMARC
              if (index != null) {
                // no cap on the block: the message is in memory already, and the fields ARC reads
                // are capped (arc.sets, arc.field-bytes)
                HeaderIndex.Block block = index.block(Integer.MAX_VALUE);
                chain.start(block);
                block.readBody(chain::update);
              }
              return chain
                  .finish()
                  .thenApply(
                      r -> {
                        chain.capExceeded().ifPresent(context::report);
                        return r;
                      });
            },
            context.executor())
        .thenCompose(f -> f)
        .exceptionally(e -> temperror("ARC validation failed: " + e));
  }

  @Override
  public ArcResult temperror(String reason) {
    return ArcResult.temperror(reason);
  }

  /** Validates raw message bytes outside an evaluation, doing CPU work on the calling thread. */
  public CompletableFuture<ArcResult> verify(byte[] message, DnsResolver dns) {
    return verify(message, dns, DIRECT);
  }

  /**
   * Validates raw message bytes (RFC 5322 as received, CRLF or bare LF).
   *
   * @param executor where signature checks run once the keys arrive
   */
  public CompletableFuture<ArcResult> verify(byte[] message, DnsResolver dns, Executor executor) {
    requireNonNull(message, "message");
    ArcChain chain = start(null, dns, executor, Integer.MAX_VALUE);
    chain.update(message, 0, message.length);
    return chain.finish();
  }

  /**
   * A stream to write one message into while it arrives (a milter, an SMTP server's DATA): the
   * header block is kept, the body only hashed. The header block is capped like DKIM's ({@link
   * DkimVerifier#DEFAULT_MAX_HEADER_BYTES}); a larger one fails the chain with a reason naming the
   * cap. {@link ArcStream#result()} equals {@link #verify(byte[], DnsResolver, Executor)} on the
   * same bytes.
   *
   * @param executor where signature checks run once the keys arrive
   */
  public ArcStream stream(DnsResolver dns, Executor executor) {
    return new ArcStream(start(null, dns, executor, DkimVerifier.DEFAULT_MAX_HEADER_BYTES));
  }

  /** {@code cache}: the runtime's shared cache for parsed keys, or null outside an evaluation. */
  private ArcChain start(
      @org.jspecify.annotations.Nullable SharedCache cache,
      DnsResolver dns,
      Executor executor,
      int maxHeaderBytes) {
    requireNonNull(dns, "dns");
    requireNonNull(executor, "executor");
    return new ArcChain(
        maxSets,
        maxFieldBytes,
        oldestPass,
        maxHeaderBytes,
        cache == null ? ownKeys : new KeyCache(cache),
        dns,
        executor,
        ArcResult.FACTORY);
  }

  public int maxSets() {
    return maxSets;
  }

  public int maxFieldBytes() {
    return maxFieldBytes;
  }

  public boolean oldestPass() {
    return oldestPass;
  }

  @Override
  public String toString() {
    return "ArcVerifier[maxSets="
        + maxSets
        + ", maxFieldBytes="
        + maxFieldBytes
        + ", oldestPass="
        + oldestPass
        + "]";
  }

  /** Builds an {@link ArcVerifier}. Each setting may be set once. */
  public static final class Builder {
    private int maxSets = 50;
    private int maxFieldBytes = 64 * 1024;
    private boolean oldestPass;
    private boolean setsSet;
    private boolean bytesSet;
    private boolean oldestSet;

    private Builder() {}

    /** The most ARC sets a chain may have (default and upper bound 50, RFC 8617 5.2). */
    public Builder maxSets(int max) {
      check(!setsSet, "maxSets");
      if (max < 1 || max > 50) {
        throw new IllegalArgumentException("maxSets must be 1 to 50: " + max);
      }
      this.maxSets = max;
      setsSet = true;
      return this;
    }

    /**
     * The largest ARC header field read, in bytes (default 65536); a larger one fails the chain.
     */
    public Builder maxFieldBytes(int max) {
      check(!bytesSet, "maxFieldBytes");
      if (max < 1024) {
        throw new IllegalArgumentException("maxFieldBytes must be at least 1024: " + max);
      }
      this.maxFieldBytes = max;
      bytesSet = true;
      return this;
    }

    /**
     * Also check the older ARC-Message-Signatures of a passing chain to report {@code
     * header.oldest-pass} (RFC 8617 5.2 step 5, optional). Off by default: it costs one more
     * signature check per hop.
     */
    public Builder oldestPass(boolean compute) {
      check(!oldestSet, "oldestPass");
      this.oldestPass = compute;
      oldestSet = true;
      return this;
    }

    public ArcVerifier build() {
      return new ArcVerifier(this);
    }

    private static void check(boolean ok, String what) {
      if (!ok) {
        throw new IllegalStateException(what + " was already set");
      }
    }
  }
}
