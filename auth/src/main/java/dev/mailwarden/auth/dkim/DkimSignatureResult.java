package dev.mailwarden.auth.dkim;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.AuthResult;
import dev.mailwarden.Outcome;
import java.util.OptionalLong;

/**
 * The result of one DKIM-Signature header field. Tags that could not be read are empty strings.
 *
 * @param outcome pass, fail, policy (rsa-sha1, RSA key under 1024 bits: RFC 8301), permerror
 *     (malformed signature or key, no key) or temperror (DNS trouble)
 * @param reason one human sentence
 * @param domain the signing domain, {@code d=}
 * @param selector {@code s=}
 * @param identity the agent or user identifier {@code i=} (default {@code @d})
 * @param algorithm {@code a=}, e.g. {@code rsa-sha256}
 * @param keyBits the public key's size (RSA modulus bits, 256 for Ed25519), 0 when no key was read
 * @param signaturePrefix the first 8 characters of {@code b=}, to tell signatures apart (RFC 6008)
 * @param bodyLengthLimit {@code l=} if the signature has one
 * @param unsignedBodyBytes canonical body bytes after the {@code l=} limit, which the signature
 *     does not cover (0 without {@code l=})
 * @param testing the key record says {@code t=y} (the domain is testing DKIM)
 */
public record DkimSignatureResult(
    Outcome outcome,
    String reason,
    String domain,
    String selector,
    String identity,
    String algorithm,
    int keyBits,
    String signaturePrefix,
    OptionalLong bodyLengthLimit,
    long unsignedBodyBytes,
    boolean testing) {

  public DkimSignatureResult {
    requireNonNull(outcome, "outcome");
    requireNonNull(reason, "reason");
    requireNonNull(domain, "domain");
    requireNonNull(selector, "selector");
    requireNonNull(identity, "identity");
    requireNonNull(algorithm, "algorithm");
    requireNonNull(signaturePrefix, "signaturePrefix");
    requireNonNull(bodyLengthLimit, "bodyLengthLimit");
  }

  public boolean isPass() {
    return outcome == Outcome.PASS;
  }

  /**
   * The {@code dkim=} clause for Authentication-Results (RFC 8601, RFC 6008): header.d, header.i,
   * header.s, header.a, header.b (first 8 characters).
   */
  public AuthResult authResult() {
    AuthResult r = AuthResult.of("dkim", outcome);
    if (outcome != Outcome.PASS) {
      r = r.withReason(reason);
    } else if (testing) {
      r = r.withComment("key in testing mode");
    }
    if (!domain.isEmpty()) {
      r = r.withProperty("header", "d", domain);
    }
    if (!identity.isEmpty()) {
      r = r.withProperty("header", "i", identity);
    }
    if (!selector.isEmpty()) {
      r = r.withProperty("header", "s", selector);
    }
    if (!algorithm.isEmpty()) {
      r = r.withProperty("header", "a", algorithm);
    }
    if (!signaturePrefix.isEmpty()) {
      r = r.withProperty("header", "b", signaturePrefix);
    }
    return r;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("dkim=").append(outcome.token());
    b.append(" d=").append(domain).append(" s=").append(selector);
    if (!algorithm.isEmpty()) {
      b.append(" a=").append(algorithm);
    }
    if (keyBits > 0) {
      b.append(" bits=").append(keyBits);
    }
    bodyLengthLimit.ifPresent(
        l -> b.append(" l=").append(l).append(" unsigned=").append(unsignedBodyBytes));
    return b.append(" (").append(reason).append(')').toString();
  }
}
