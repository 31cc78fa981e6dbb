package dev.mailwarden.auth.dkim;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.CapExceeded;
import dev.mailwarden.CheckContext;
import dev.mailwarden.CheckKey;
import dev.mailwarden.Checker;
import dev.mailwarden.MailSession;
import dev.mailwarden.Outcome;
import dev.mailwarden.SharedCache;
import dev.mailwarden.auth.dkim.internal.KeyCache;
import dev.mailwarden.auth.dkim.internal.SignatureCaps;
import dev.mailwarden.auth.dkim.internal.Verification;
import dev.mailwarden.dns.DnsResolver;
import dev.mailwarden.internal.HeaderIndex;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * Verifies DKIM signatures (RFC 6376, RFC 8301, RFC 8463) on the raw message bytes. Use it as a
 * {@link Checker} in a {@code MailWarden} (it applies once the session has a message), or directly
 * on bytes, a stream or anything that can write the message.
 *
 * <p>Strict by default: {@code rsa-sha1} and RSA keys under 1024 bits give {@code policy}; {@code
 * v=1}, the required tags, {@code h=} covering From, {@code i=} within {@code d=} and the time tags
 * are enforced ({@code permerror} otherwise). Key DNS trouble gives {@code temperror}, a missing
 * key {@code permerror}. Bare LF line ends are accepted as CRLF.
 *
 * <p>Immutable and thread-safe; in an evaluation, parsed key records are shared between messages
 * through the runtime's cache (used on its own, it remembers the last one). Make one with {@link
 * Dkim#check()} or {@link Dkim#builder()}.
 */
public final class DkimVerifier implements Checker<DkimResult> {
  /** Signatures evaluated per message unless set otherwise (RFC 6376 section 8 allows a limit). */
  public static final int DEFAULT_MAX_SIGNATURES = 10;

  /** The header-section cap unless set otherwise: 1 MiB. */
  public static final int DEFAULT_MAX_HEADER_BYTES = 1 << 20;

  private final Duration clockSkew;
  private final int maxSignatures;
  private final int maxHeaderBytes;
  private final BodyLengthPolicy bodyLengthPolicy;

  /** Keys outside an evaluation: the last record parsed, so one signer's key is parsed once. */
  private final KeyCache ownKeys = new KeyCache(null);

  private DkimVerifier(Builder b) {
    this.clockSkew = b.clockSkew;
    this.maxSignatures = b.maxSignatures;
    this.maxHeaderBytes = b.maxHeaderBytes;
    this.bodyLengthPolicy = b.bodyLengthPolicy;
  }

  static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this verifier's settings. */
  public Builder newBuilder() {
    Builder b = new Builder();
    b.clockSkew = clockSkew;
    b.maxSignatures = maxSignatures;
    b.maxHeaderBytes = maxHeaderBytes;
    b.bodyLengthPolicy = bodyLengthPolicy;
    return b;
  }

  @Override
  public CheckKey<DkimResult> key() {
    return Dkim.KEY;
  }

  @Override
  public boolean appliesTo(MailSession session) {
    return session.hasMessage();
  }

  /** Verifies the session's message; parsing, hashing and crypto run on the context's executor. */
  @Override
  public CompletableFuture<DkimResult> check(CheckContext context) {
    requireNonNull(context, "context");
    return CompletableFuture.supplyAsync(
            () -> {
              Verification v =
                  start(context.cache(), context.dns(), context.clock(), context.executor());
              HeaderIndex index = HeaderIndex.of(context); // split once, shared with DMARC, ARC
              if (index != null) {
                HeaderIndex.Block block = index.block(maxHeaderBytes);
                v.start(block);
                block.readBody(v::update);
              }
              return v.finish();
            },
            context.executor())
        .thenCompose(f -> f)
        .thenApply(r -> reportCaps(context, r))
        .exceptionally(e -> temperror("DKIM verification failed: " + e));
  }

  /** Tells the evaluation's listener which caps this message reached ({@link CapExceeded}). */
  private DkimResult reportCaps(CheckContext context, DkimResult r) {
    if (r.signaturesSkipped() > 0) {
      context.report(
          new CapExceeded(
              "dkim.signatures",
              r.signaturesSkipped()
                  + " signatures beyond maxSignatures ("
                  + maxSignatures
                  + ") not evaluated"));
    }
    if (r.outcome() == Outcome.PERMERROR && r.reason().startsWith(Verification.HEADER_CAP_REASON)) {
      context.report(new CapExceeded("dkim.header-bytes", r.reason()));
    }
    // per-signature caps: each cap once per message, with the first refusal that named it
    Set<String> reported = null;
    for (DkimSignatureResult s : r.signatures()) {
      String cap = SignatureCaps.capOf(s.reason());
      if (cap != null) {
        if (reported == null) {
          reported = new HashSet<>();
        }
        if (reported.add(cap)) {
          context.report(new CapExceeded(cap, s.reason()));
        }
      }
    }
    return r;
  }

  @Override
  public DkimResult temperror(String reason) {
    return DkimResult.temperror(reason);
  }

  /**
   * Verifies raw message bytes (RFC 5322 as received, CRLF or bare LF) outside an evaluation, e.g.
   * in a script. Outside an evaluation this verifier remembers the last key record it parsed (one
   * entry), so one signer's messages parse its key once; an evaluation shares every parsed record
   * through its runtime.
   *
   * @param clock the time against which {@code t=} and {@code x=} are checked
   * @param executor where signature verification runs once keys arrive
   */
  public CompletableFuture<DkimResult> verify(
      byte[] message, DnsResolver dns, Clock clock, Executor executor) {
    requireNonNull(message, "message");
    Verification v = start(null, dns, clock, executor);
    // split in place, as an evaluation splits its message: no copy of the header section
    HeaderIndex.Block block = HeaderIndex.of(message, message.length).block(maxHeaderBytes);
    v.start(block);
    block.readBody(v::update);
    return v.finish();
  }

  /**
   * A stream to write one message into while it arrives (a milter, an SMTP server's DATA), so the
   * body is hashed as it passes and never held.
   */
  public DkimStream stream(DnsResolver dns, Clock clock, Executor executor) {
    return new DkimStream(start(null, dns, clock, executor));
  }

  private Verification start(
      @Nullable SharedCache cache, DnsResolver dns, Clock clock, Executor executor) {
    requireNonNull(dns, "dns");
    requireNonNull(clock, "clock");
    requireNonNull(executor, "executor");
    return new Verification(
        clockSkew,
        maxSignatures,
        maxHeaderBytes,
        bodyLengthPolicy,
        cache == null ? ownKeys : new KeyCache(cache),
        dns,
        clock.instant().getEpochSecond(),
        executor,
        DkimResult.FACTORY);
  }

  public Duration clockSkew() {
    return clockSkew;
  }

  public int maxSignatures() {
    return maxSignatures;
  }

  public int maxHeaderBytes() {
    return maxHeaderBytes;
  }

  public BodyLengthPolicy bodyLengthPolicy() {
    return bodyLengthPolicy;
  }

  @Override
  public String toString() {
    return "DkimVerifier[skew="
        + clockSkew.toSeconds()
        + "s, maxSignatures="
        + maxSignatures
        + ", maxHeaderBytes="
        + maxHeaderBytes
        + ", l="
        + bodyLengthPolicy
        + "]";
  }

  /** Builds a {@link DkimVerifier}. Each setting may be set once. */
  public static final class Builder {
    private Duration clockSkew = Duration.ofMinutes(5);
    private int maxSignatures = DEFAULT_MAX_SIGNATURES;
    private int maxHeaderBytes = DEFAULT_MAX_HEADER_BYTES;
    private BodyLengthPolicy bodyLengthPolicy = BodyLengthPolicy.POLICY_ON_REMAINDER;
    private boolean skewSet;
    private boolean maxSet;
    private boolean headerSet;
    private boolean policySet;

    private Builder() {}

    /**
     * How far {@code t=} may lie in the future and {@code x=} in the past before the signature is
     * refused (default 300 s).
     */
    public Builder clockSkew(Duration skew) {
      requireNonNull(skew, "clockSkew");
      if (skewSet) {
        throw new IllegalStateException("clockSkew was already set");
      }
      if (skew.isNegative()) {
        throw new IllegalArgumentException("clockSkew must not be negative: " + skew);
      }
      this.clockSkew = skew;
      skewSet = true;
      return this;
    }

    /**
     * At most this many signatures are evaluated, top first (default {@value
     * #DEFAULT_MAX_SIGNATURES}); the rest are not parsed, only counted ({@link
     * DkimResult#signaturesSkipped()}, {@code skipped} in the details).
     */
    public Builder maxSignatures(int max) {
      if (maxSet) {
        throw new IllegalStateException("maxSignatures was already set");
      }
      if (max < 1) {
        throw new IllegalArgumentException("maxSignatures must be at least 1: " + max);
      }
      this.maxSignatures = max;
      maxSet = true;
      return this;
    }

    /**
     * The largest header section read (default {@value #DEFAULT_MAX_HEADER_BYTES} bytes, 1 MiB). A
     * longer one is not stored: the rest of the message is drained and the result is {@code
     * permerror} naming this cap.
     */
    public Builder maxHeaderBytes(int bytes) {
      if (headerSet) {
        throw new IllegalStateException("maxHeaderBytes was already set");
      }
      if (bytes < 1024) {
        throw new IllegalArgumentException("maxHeaderBytes must be at least 1024: " + bytes);
      }
      this.maxHeaderBytes = bytes;
      headerSet = true;
      return this;
    }

    /**
     * What to do with body text after {@code l=} (default {@link
     * BodyLengthPolicy#POLICY_ON_REMAINDER}: such a signature gives {@code policy}).
     */
    public Builder bodyLengthPolicy(BodyLengthPolicy policy) {
      requireNonNull(policy, "bodyLengthPolicy");
      if (policySet) {
        throw new IllegalStateException("bodyLengthPolicy was already set");
      }
      this.bodyLengthPolicy = policy;
      policySet = true;
      return this;
    }

    public DkimVerifier build() {
      return new DkimVerifier(this);
    }
  }
}
