package dev.mailwarden.auth.dkim.internal;

import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAKey;

/**
 * The two DKIM signature schemes on header data, for callers outside {@link Verification} (ARC
 * seals and message signatures use the same ones): {@code rsa-sha256} signs the data, {@code
 * ed25519-sha256} signs its SHA-256 hash (RFC 8463).
 */
public final class DkimCrypto {
  private static final ThreadLocal<Signature> RSA_SHA256 = ThreadLocal.withInitial(() -> signature("SHA256withRSA"));
  private static final ThreadLocal<Signature> ED25519 = ThreadLocal.withInitial(() -> signature("Ed25519"));

  private DkimCrypto() {}

  /** Whether {@code sig} is a valid signature of {@code data} under the record's key; never throws. */
  public static boolean verify(KeyRecord key, byte[] data, byte[] sig) {
    try {
      Signature s;
      if (key.keyType().equals("rsa")) {
        s = RSA_SHA256.get();
        s.initVerify(key.key());
        s.update(data);
      } else {
        s = ED25519.get();
        s.initVerify(key.key());
        s.update(sha256(data));
      }
      return s.verify(sig);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  private static final byte[] SHA256_DIGEST_INFO = {
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, (byte) 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20
  };
  private static final ThreadLocal<Signature> RSA_RAW = ThreadLocal.withInitial(() -> signature("NONEwithRSA"));

  /**
   * Like {@link #verify} when the caller already holds the SHA-256 hash of the data (e.g. computed
   * from a digest of a shared prefix): RSA checks PKCS#1 v1.5 over the DigestInfo, Ed25519 checks
   * the hash itself, as ed25519-sha256 signs it.
   */
  public static boolean verifyHash(KeyRecord key, byte[] sha256, byte[] sig) {
    try {
      Signature s;
      if (key.keyType().equals("rsa")) {
        s = RSA_RAW.get();
        s.initVerify(key.key());
        s.update(SHA256_DIGEST_INFO);
        s.update(sha256);
      } else {
        s = ED25519.get();
        s.initVerify(key.key());
        s.update(sha256);
      }
      return s.verify(sig);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  /** A fresh SHA-256 digest. */
  public static java.security.MessageDigest newSha256() {
    return BodyHasher.newDigest("SHA-256");
  }

  /** The signature of {@code data}: rsa-sha256 for an RSA key, ed25519-sha256 otherwise. */
  public static byte[] sign(PrivateKey key, byte[] data) {
    try {
      Signature s;
      if (key instanceof RSAKey) {
        s = Signature.getInstance("SHA256withRSA");
        s.initSign(key);
        s.update(data);
      } else {
        s = Signature.getInstance("Ed25519");
        s.initSign(key);
        s.update(sha256(data));
      }
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("signing failed: " + e.getMessage(), e);
    }
  }

  /** {@code rsa-sha256} or {@code ed25519-sha256} for a private key; throws for other types. */
  public static String algorithm(PrivateKey key) {
    if (key instanceof RSAKey) {
      return "rsa-sha256";
    }
    if (key.getAlgorithm().equals("EdDSA") || key.getAlgorithm().equals("Ed25519")) {
      return "ed25519-sha256";
    }
    throw new IllegalArgumentException("the private key must be RSA or Ed25519, not " + key.getAlgorithm());
  }

  public static byte[] sha256(byte[] data) {
    return BodyHasher.newDigest("SHA-256").digest(data);
  }

  private static Signature signature(String name) {
    try {
      return Signature.getInstance(name);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks " + name, e);
    }
  }
}
