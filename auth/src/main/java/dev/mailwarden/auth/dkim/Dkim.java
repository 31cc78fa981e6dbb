package dev.mailwarden.auth.dkim;

import dev.mailwarden.CheckKey;

/**
 * DKIM: verify signatures of inbound mail, sign outbound mail.
 *
 * <pre>{@code
 * MailWarden w = MailWarden.builder(runtime).check(Dkim.check()).build();
 * DkimResult r = evaluation.result(Dkim.KEY);           // per-signature details
 *
 * DkimSigner signer = DkimSigner.builder().domain("example.com").selector("s1")
 *     .privateKeyPem(Files.readString(keyFile)).build();
 * byte[] signed = signer.signMessage(raw);
 * }</pre>
 */
public final class Dkim {
  /** The key DMARC awaits to read the DKIM result. */
  public static final CheckKey<DkimResult> KEY = CheckKey.of("dkim", DkimResult.class);

  private Dkim() {}

  /**
   * The verifier with default settings: 300 s clock skew, at most 10 signatures, {@code l=}
   * remainders reported but not failed.
   */
  public static DkimVerifier check() {
    return DkimVerifier.builder().build();
  }

  /** A builder for a verifier with other settings. */
  public static DkimVerifier.Builder builder() {
    return DkimVerifier.builder();
  }
}
