package dev.mailwarden.auth.dkim.internal;

import java.security.PublicKey;
import java.util.List;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.jspecify.annotations.Nullable;

/**
 * A DKIM key record (RFC 6376 section 3.6.1, RFC 8463): the public key and the tags that restrict
 * its use. {@link #parse} throws {@link DkimSyntaxException} for anything that makes the record
 * unusable, including revocation ({@code p=} empty).
 */
public final class KeyRecord {
  private final String keyType;
  private final @Nullable PublicKey rsaKey;
  private final @Nullable Ed25519PublicKeyParameters ed25519Key;

  /** Largest RSA modulus accepted (RFC 8301 requires up to 4096). */
  static final int MAX_RSA_BITS = 8192;

  /** Largest RSA public exponent accepted, in bits (65537 has 17). */
  static final int MAX_RSA_EXPONENT_BITS = 64;

  private final int bits;
  private final @Nullable List<String> hashes;
  private final boolean testing;
  private final boolean strict;

  private KeyRecord(
      String keyType,
      @Nullable PublicKey rsaKey,
      @Nullable Ed25519PublicKeyParameters ed25519Key,
      @Nullable List<String> hashes,
      boolean testing,
      boolean strict) {
    this.keyType = keyType;
    this.rsaKey = rsaKey;
    this.ed25519Key = ed25519Key;
    this.bits = rsaKey != null ? Keys.bits(rsaKey) : 256;
    this.hashes = hashes;
    this.testing = testing;
    this.strict = strict;
  }

  public static KeyRecord parse(String text) throws DkimSyntaxException {
    TagList tags;
    try {
      tags = TagList.parse(text);
    } catch (DkimSyntaxException e) {
      throw new DkimSyntaxException("key record syntax: " + e.getMessage());
    }
    String v = tags.get("v");
    if (v != null && (!v.equals("DKIM1") || !tags.isFirst("v"))) {
      throw new DkimSyntaxException("key record v= is not DKIM1 (or not first)");
    }
    int pFrom = tags.valueStart("p");
    int pTo = tags.valueEnd("p");
    if (pFrom < 0) {
      throw new DkimSyntaxException("key record has no p= tag");
    }
    String k = tags.get("k");
    String keyType = k == null ? "rsa" : k;
    if (!keyType.equals("rsa") && !keyType.equals("ed25519")) {
      throw new DkimSyntaxException("unknown key type k=" + TagList.printable(keyType));
    }
    List<String> hashes = null;
    String h = tags.get("h");
    if (h != null) {
      hashes = TagList.splitList(h);
    }
    String s = tags.get("s");
    if (s != null) {
      List<String> services = TagList.splitList(s);
      if (!services.contains("*") && !services.contains("email")) {
        throw new DkimSyntaxException("key is not for email (s=" + TagList.printable(s) + ")");
      }
    }
    boolean testing = false;
    boolean strict = false;
    String t = tags.get("t");
    if (t != null) {
      for (String flag : TagList.splitList(t)) {
        testing |= flag.equals("y");
        strict |= flag.equals("s");
      }
    }
    if (pFrom == pTo) { // the value is trimmed: empty or only folding whitespace
      throw new DkimSyntaxException("key revoked (empty p=)");
    }
    byte[] der;
    try {
      // decoded where it stands, folding whitespace skipped: no stripped copy of the value
      der = SignatureTags.base64(tags.source(), pFrom, pTo, "p");
    } catch (DkimSyntaxException e) {
      throw new DkimSyntaxException("key p= is not base64");
    }
    if (keyType.equals("ed25519")) {
      return new KeyRecord(keyType, null, Keys.ed25519PublicKey(der), hashes, testing, strict);
    }
    PublicKey key = Keys.rsaPublicKey(der);
    if (key instanceof java.security.interfaces.RSAPublicKey rsa) {
      // a stranger's key sets the cost of every verification: RFC 8301 asks verifiers for
      // 1024..4096 bits; a huge modulus or exponent turns one signature into many milliseconds
      if (rsa.getModulus().bitLength() > MAX_RSA_BITS) {
        throw new DkimSyntaxException(
            SignatureCaps.KEY_MARKER
                + ": a modulus of "
                + rsa.getModulus().bitLength()
                + " bits, the cap is "
                + MAX_RSA_BITS);
      }
      if (rsa.getPublicExponent().bitLength() > MAX_RSA_EXPONENT_BITS) {
        throw new DkimSyntaxException(
            SignatureCaps.KEY_MARKER
                + ": a public exponent of "
                + rsa.getPublicExponent().bitLength()
                + " bits, the cap is "
                + MAX_RSA_EXPONENT_BITS);
      }
    }
    return new KeyRecord(keyType, key, null, hashes, testing, strict);
  }

  /** {@code rsa} or {@code ed25519}. */
  public String keyType() {
    return keyType;
  }

  /** The RSA public key; null for an ed25519 record. */
  public @Nullable PublicKey rsaKey() {
    return rsaKey;
  }

  /**
   * The decoded Ed25519 public key; null for an rsa record, and for an ed25519 record whose 32
   * bytes are not a usable point (every signature under it fails, as the JDK's verifier did).
   */
  public @Nullable Ed25519PublicKeyParameters ed25519Key() {
    return ed25519Key;
  }

  public int bits() {
    return bits;
  }

  /** Whether h= (absent = any) allows the hash, e.g. {@code sha256}. */
  public boolean allowsHash(String hash) {
    return hashes == null || hashes.contains(hash);
  }

  /** t=y: the domain is testing DKIM. */
  public boolean testing() {
    return testing;
  }

  /** t=s: i= must be in d= itself, not a subdomain. */
  public boolean strict() {
    return strict;
  }
}
