package dev.mailwarden.auth.dkim.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.jspecify.annotations.Nullable;

/** Key encodings: DER wrappers, PEM, and the raw forms DKIM publishes. */
public final class Keys {
  private Keys() {}

  private static final byte[] RSA_ALGORITHM_ID = {
    0x30,
    0x0d,
    0x06,
    0x09,
    0x2a,
    (byte) 0x86,
    0x48,
    (byte) 0x86,
    (byte) 0xf7,
    0x0d,
    0x01,
    0x01,
    0x01,
    0x05,
    0x00
  };

  private static final ThreadLocal<KeyFactory> RSA = ThreadLocal.withInitial(() -> factory("RSA"));
  private static final ThreadLocal<KeyFactory> ED25519 =
      ThreadLocal.withInitial(() -> factory("Ed25519"));

  private static KeyFactory factory(String name) {
    try {
      return KeyFactory.getInstance(name);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks " + name, e);
    }
  }

  /**
   * An RSA public key from p= bytes: SubjectPublicKeyInfo as RFC 6376 intends, or a bare PKCS#1
   * RSAPublicKey as its wording also allows (and some publishers use).
   */
  public static PublicKey rsaPublicKey(byte[] der) throws DkimSyntaxException {
    try {
      return RSA.get().generatePublic(new X509EncodedKeySpec(der));
    } catch (InvalidKeySpecException | RuntimeException notSpki) {
      try {
        byte[] bitString = new byte[der.length + 1];
        System.arraycopy(der, 0, bitString, 1, der.length);
        byte[] spki = tlv(0x30, RSA_ALGORITHM_ID, tlv(0x03, bitString));
        return RSA.get().generatePublic(new X509EncodedKeySpec(spki));
      } catch (InvalidKeySpecException | RuntimeException e) {
        throw new DkimSyntaxException("p= is not an RSA public key");
      }
    }
  }

  /**
   * An Ed25519 public key from the raw 32 bytes RFC 8463 publishes, decoded once for BouncyCastle;
   * null when the 32 bytes are not a usable point (off the curve, or of small order, which would
   * let anyone forge): such a record parses as before and every signature under it fails to verify.
   */
  public static @Nullable Ed25519PublicKeyParameters ed25519PublicKey(byte[] raw)
      throws DkimSyntaxException {
    if (raw.length != Ed25519PublicKeyParameters.KEY_SIZE) {
      throw new DkimSyntaxException("ed25519 p= must be 32 bytes, got " + raw.length);
    }
    try {
      return new Ed25519PublicKeyParameters(raw, 0);
    } catch (IllegalArgumentException notAPoint) {
      return null;
    }
  }

  /** The bytes to publish in p=: SPKI for RSA, the raw 32 bytes for Ed25519. */
  public static byte[] publishedForm(PublicKey key) {
    byte[] spki = key.getEncoded();
    if (key instanceof RSAKey) {
      return spki;
    }
    return Arrays.copyOfRange(spki, spki.length - 32, spki.length);
  }

  /** The modulus size of an RSA key, 256 for Ed25519. */
  public static int bits(java.security.Key key) {
    return key instanceof RSAKey r ? r.getModulus().bitLength() : 256;
  }

  /**
   * A private key from PEM: PKCS#8 ({@code BEGIN PRIVATE KEY}, RSA or Ed25519) or PKCS#1 ({@code
   * BEGIN RSA PRIVATE KEY}).
   */
  public static PrivateKey readPrivateKey(String pem) {
    String type;
    if (pem.contains("-----BEGIN PRIVATE KEY-----")) {
      type = "PRIVATE KEY";
    } else if (pem.contains("-----BEGIN RSA PRIVATE KEY-----")) {
      type = "RSA PRIVATE KEY";
    } else {
      throw new IllegalArgumentException(
          "no '-----BEGIN PRIVATE KEY-----' (PKCS#8) or '-----BEGIN RSA PRIVATE KEY-----' block found");
    }
    int a = pem.indexOf("-----BEGIN " + type + "-----") + ("-----BEGIN " + type + "-----").length();
    int b = pem.indexOf("-----END " + type + "-----", a);
    if (b < 0) {
      throw new IllegalArgumentException("PEM block '" + type + "' is not terminated");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(pem.substring(a, b).trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("PEM body is not base64: " + e.getMessage(), e);
    }
    if (type.equals("RSA PRIVATE KEY")) {
      der = tlv(0x30, new byte[] {0x02, 0x01, 0x00}, RSA_ALGORITHM_ID, tlv(0x04, der));
    }
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    try {
      return RSA.get().generatePrivate(spec);
    } catch (InvalidKeySpecException | RuntimeException notRsa) {
      try {
        return ED25519.get().generatePrivate(spec);
      } catch (InvalidKeySpecException | RuntimeException e) {
        throw new IllegalArgumentException(
            "PEM key is neither an RSA nor an Ed25519 PKCS#8 key", e);
      }
    }
  }

  /** PEM text for a PKCS#8 private key. */
  public static String privateKeyPem(PrivateKey key) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(key.getEncoded());
    return "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n";
  }

  /** A DER tag-length-value over the concatenated parts. */
  static byte[] tlv(int tag, byte[]... parts) {
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      content.writeBytes(p);
    }
    int len = content.size();
    ByteArrayOutputStream out = new ByteArrayOutputStream(len + 6);
    out.write(tag);
    if (len < 0x80) {
      out.write(len);
    } else if (len < 0x100) {
      out.write(0x81);
      out.write(len);
    } else if (len < 0x10000) {
      out.write(0x82);
      out.write(len >> 8);
      out.write(len);
    } else {
      out.write(0x83);
      out.write(len >> 16);
      out.write(len >> 8);
      out.write(len);
    }
    out.writeBytes(content.toByteArray());
    return out.toByteArray();
  }
}
