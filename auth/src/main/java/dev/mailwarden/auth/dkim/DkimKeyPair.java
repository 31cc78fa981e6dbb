package dev.mailwarden.auth.dkim;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.auth.dkim.internal.Keys;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Base64;
import java.util.Locale;

/**
 * A DKIM key pair with what to do with it: the private key as PEM (PKCS#8) for the signer, and the
 * TXT record to publish at {@code <selector>._domainkey.<domain>}. Made by {@link DkimKeys}.
 */
public final class DkimKeyPair {
  private final PrivateKey privateKey;
  private final PublicKey publicKey;

  DkimKeyPair(PrivateKey privateKey, PublicKey publicKey) {
    this.privateKey = requireNonNull(privateKey, "privateKey");
    this.publicKey = requireNonNull(publicKey, "publicKey");
  }

  public PrivateKey privateKey() {
    return privateKey;
  }

  public PublicKey publicKey() {
    return publicKey;
  }

  /** {@code rsa} or {@code ed25519}, as in the key record's {@code k=}. */
  public String keyType() {
    return publicKey.getAlgorithm().equals("RSA") ? "rsa" : "ed25519";
  }

  /** RSA modulus bits, 256 for Ed25519. */
  public int bits() {
    return Keys.bits(publicKey);
  }

  /** The private key as PEM, {@code -----BEGIN PRIVATE KEY-----} (PKCS#8). Keep it secret. */
  public String privateKeyPem() {
    return Keys.privateKeyPem(privateKey);
  }

  /**
   * The base64 for {@code p=}: SubjectPublicKeyInfo for RSA, the raw 32 bytes for Ed25519 (RFC
   * 8463).
   */
  public String publicKeyBase64() {
    return Base64.getEncoder().encodeToString(Keys.publishedForm(publicKey));
  }

  /** The TXT record text, e.g. {@code v=DKIM1; k=ed25519; p=...}. */
  public String txtRecord() {
    return "v=DKIM1; k=" + keyType() + "; p=" + publicKeyBase64();
  }

  /** The name to publish the record at. */
  public static String recordName(String selector, String domain) {
    return (selector + "._domainkey." + domain).toLowerCase(Locale.ROOT);
  }

  /**
   * A master-file line for the record, split into character-strings of at most 255 bytes, e.g.
   * {@code s1._domainkey.example.com. 3600 IN TXT "v=DKIM1; k=rsa; p=MIIB..." "..."}.
   */
  public String zoneFileLine(String selector, String domain) {
    String txt = txtRecord();
    StringBuilder b = new StringBuilder(recordName(selector, domain)).append(". 3600 IN TXT");
    for (int i = 0; i < txt.length(); i += 255) {
      b.append(" \"").append(txt, i, Math.min(txt.length(), i + 255)).append('"');
    }
    return b.toString();
  }

  @Override
  public String toString() {
    return "DkimKeyPair[" + keyType() + ", " + bits() + " bits]";
  }
}
