package dev.mailwarden.auth.arc;

import dev.mailwarden.CheckKey;

/**
 * ARC (RFC 8617): validate the chain of a forwarded message, seal messages as an intermediary.
 *
 * <pre>{@code
 * MailWarden w = MailWarden.builder(runtime).check(Arc.check()).build();
 * ArcResult r = evaluation.result(Arc.KEY).orElseThrow();     // pass / fail / none
 *
 * ArcSealer sealer = ArcSealer.builder().domain("lists.example.org").selector("arc1")
 *     .privateKeyPem(Files.readString(keyFile)).authservId("lists.example.org").build();
 * byte[] sealed = sealer.seal(raw, r.status());
 * }</pre>
 */
public final class Arc {
  /** The key other checkers (DMARC's trusted sealers) await to read the ARC result. */
  public static final CheckKey<ArcResult> KEY = CheckKey.of("arc", ArcResult.class);

  private static final ArcVerifier DEFAULT = ArcVerifier.builder().build();

  private Arc() {}

  /** The verifier with default settings: 50 sets, 64 KiB per ARC field, no oldest-pass. */
  public static ArcVerifier check() {
    return DEFAULT;
  }

  /** A builder for a verifier with other settings. */
  public static ArcVerifier.Builder builder() {
    return ArcVerifier.builder();
  }
}
