package dev.mailwarden.auth.dkim;

import dev.mailwarden.auth.dkim.internal.Keys;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;

/**
 * DKIM key generation and loading.
 *
 * <pre>{@code
 * DkimKeyPair k = DkimKeys.ed25519();
 * Files.writeString(Path.of("dkim.pem"), k.privateKeyPem());
 * System.out.println(k.zoneFileLine("s1", "example.com"));
 * }</pre>
 */
public final class DkimKeys {
  private DkimKeys() {}

  /** A new RSA key pair; {@code bits} at least 1024 (RFC 8301), 2048 recommended. */
  public static DkimKeyPair rsa(int bits) {
    if (bits < 1024 || bits > 8192) {
      throw new IllegalArgumentException(
          "RSA key size must be between 1024 and 8192 bits (RFC 8301): " + bits);
    }
    return generate("RSA", bits);
  }

  /** A new RSA-2048 key pair. */
  public static DkimKeyPair rsa() {
    return rsa(2048);
  }

  /**
   * A new Ed25519 key pair (RFC 8463). Sign with both RSA and Ed25519 for now: not every verifier
   * knows Ed25519.
   */
  public static DkimKeyPair ed25519() {
    return generate("Ed25519", 0);
  }

  /**
   * A private key from PEM: PKCS#8 ({@code BEGIN PRIVATE KEY}, RSA or Ed25519) or PKCS#1 ({@code
   * BEGIN RSA PRIVATE KEY}).
   *
   * @throws IllegalArgumentException when the text holds no such key
   */
  public static PrivateKey readPrivateKey(String pem) {
    return Keys.readPrivateKey(java.util.Objects.requireNonNull(pem, "pem"));
  }

  private static DkimKeyPair generate(String algorithm, int bits) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
      if (bits > 0) {
        g.initialize(bits);
      }
      KeyPair kp = g.generateKeyPair();
      return new DkimKeyPair(kp.getPrivate(), kp.getPublic());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot generate " + algorithm + " keys", e);
    }
  }
}
