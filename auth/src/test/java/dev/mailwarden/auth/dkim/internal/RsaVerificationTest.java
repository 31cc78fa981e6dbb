package dev.mailwarden.auth.dkim.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.auth.dkim.DkimKeyPair;
import dev.mailwarden.auth.dkim.DkimKeys;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Random;
import javax.crypto.Cipher;
import org.junit.jupiter.api.Test;

/**
 * RSA verification (RSASSA-PKCS1-v1_5 with SHA-256, compared as a whole encoded message) against
 * the JDK's {@code SHA256withRSA} verifier it replaced: the same answer for valid signatures,
 * damaged ones and encoded messages made by hand and signed raw (the DigestInfo with and without
 * its NULL, another hash, other padding), at several key sizes.
 */
class RsaVerificationTest {
  // written out here, not taken from the code under test
  private static final byte[] WITH_NULL = hex("3031300d060960864801650304020105000420");
  private static final byte[] WITHOUT_NULL = hex("302f300b06096086480165030402010420");
  private static final byte[] SHA1_INFO = hex("3021300906052b0e03021a05000414");

  @Test
  void sameAnswersAsTheJdk_forValidDamagedAndHandMadeSignatures() throws Exception {
    Random random = new Random(2048);
    int outOfRangeTried = 0;
    for (int bits : new int[] {1024, 2048, 3072}) {
      DkimKeyPair pair = DkimKeys.rsa(bits);
      KeyRecord key = KeyRecord.parse(pair.txtRecord());
      RSAPublicKey pub = (RSAPublicKey) pair.publicKey();
      int k = (pub.getModulus().bitLength() + 7) / 8;
      for (int round = 0; round < 20; round++) {
        byte[] data = new byte[random.nextInt(2000)];
        random.nextBytes(data);
        byte[] hash = DkimCrypto.sha256(data);
        byte[] sig = DkimCrypto.sign(pair.privateKey(), data);

        assertSame(key, pub, data, sig, true);
        byte[] flipped = sig.clone();
        flipped[random.nextInt(sig.length)] ^= (byte) (1 << random.nextInt(8));
        assertSame(key, pub, data, flipped, false);
        byte[] other = Arrays.copyOf(data, data.length + 1);
        assertSame(key, pub, other, sig, false);
        assertSame(key, pub, data, Arrays.copyOf(sig, k - 1), false);
        assertSame(key, pub, data, Arrays.copyOf(sig, k + 1), false);
        // s + n is s to the modular arithmetic, but out of range: refused, or anyone could
        // make a second signature from a valid one
        BigInteger plusModulus = new BigInteger(1, sig).add(pub.getModulus());
        if (plusModulus.bitLength() <= 8 * k) {
          assertSame(key, pub, data, unsigned(plusModulus, k), false);
          outOfRangeTried++;
        }

        // encoded messages made by hand, signed raw with the private key
        assertSame(key, pub, data, raw(pair, encoded(k, WITH_NULL, hash, 0)), true);
        assertSame(key, pub, data, raw(pair, encoded(k, WITHOUT_NULL, hash, 0)), true);
        assertSame(
            key, pub, data, raw(pair, encoded(k, SHA1_INFO, Arrays.copyOf(hash, 20), 0)), false);
        assertSame(key, pub, data, raw(pair, encoded(k, WITH_NULL, hash, 1)), false); // shifted
        byte[] blockType2 = encoded(k, WITH_NULL, hash, 0);
        blockType2[1] = 0x02;
        assertSame(key, pub, data, raw(pair, blockType2), false);
        byte[] shortPadding = encoded(k, WITH_NULL, hash, 0);
        shortPadding[5] = 0x00; // the separator early: garbage between it and the DigestInfo
        assertSame(key, pub, data, raw(pair, shortPadding), false);
      }
      // representatives out of range, and trivial ones
      byte[] modulus = unsigned(pub.getModulus(), k);
      assertSame(key, pub, new byte[1], modulus, false);
      byte[] ones = new byte[k];
      Arrays.fill(ones, (byte) 0xff);
      assertSame(key, pub, new byte[1], ones, false);
      assertSame(key, pub, new byte[1], new byte[k], false);
      assertSame(key, pub, new byte[1], unsigned(BigInteger.ONE, k), false);
    }
    assertThat(outOfRangeTried)
        .as("valid signatures plus the modulus that fit in k bytes")
        .isPositive();
  }

  @Test
  void signatureWithALeadingZeroByte_verifies() throws Exception {
    DkimKeyPair pair = DkimKeys.rsa(1024);
    KeyRecord key = KeyRecord.parse(pair.txtRecord());
    Random random = new Random(0);
    int found = 0;
    for (int i = 0; i < 5_000 && found < 2; i++) {
      byte[] data = new byte[32];
      random.nextBytes(data);
      byte[] sig = DkimCrypto.sign(pair.privateKey(), data);
      if (sig[0] == 0) {
        found++;
        assertSame(key, (RSAPublicKey) pair.publicKey(), data, sig, true);
      }
    }
    assertThat(found).as("signatures starting with 0x00 among 5,000").isPositive();
  }

  /** Ours and the JDK's answer (an exception counted as false) agree, and are {@code expected}. */
  private static void assertSame(
      KeyRecord key, RSAPublicKey pub, byte[] data, byte[] sig, boolean expected) throws Exception {
    boolean jdk = jdkVerify(pub, data, sig);
    assertThat(jdk).as("the JDK's answer").isEqualTo(expected);
    assertThat(DkimCrypto.verify(key, data, sig)).isEqualTo(expected);
    assertThat(DkimCrypto.verifyHash(key, DkimCrypto.sha256(data), sig)).isEqualTo(expected);
  }

  private static boolean jdkVerify(PublicKey pub, byte[] data, byte[] sig) throws Exception {
    Signature s = Signature.getInstance("SHA256withRSA");
    s.initVerify(pub);
    s.update(data);
    try {
      return s.verify(sig);
    } catch (GeneralSecurityException e) {
      return false; // e.g. a signature of the wrong length
    }
  }

  /**
   * 0x00 0x01 0xff... 0x00 digestInfo hash, {@code shift} bytes of 0x00 after the hash (the padding
   * that much shorter).
   */
  private static byte[] encoded(int k, byte[] digestInfo, byte[] hash, int shift) {
    byte[] em = new byte[k];
    int t = k - digestInfo.length - hash.length - shift;
    em[1] = 0x01;
    Arrays.fill(em, 2, t - 1, (byte) 0xff);
    System.arraycopy(digestInfo, 0, em, t, digestInfo.length);
    System.arraycopy(hash, 0, em, t + digestInfo.length, hash.length);
    return em;
  }

  /** The raw RSA signature (m^d mod n) of an encoded message. */
  private static byte[] raw(DkimKeyPair pair, byte[] em) throws Exception {
    Cipher c = Cipher.getInstance("RSA/ECB/NoPadding");
    c.init(Cipher.ENCRYPT_MODE, pair.privateKey());
    return c.doFinal(em);
  }

  private static byte[] unsigned(BigInteger v, int k) {
    byte[] b = v.toByteArray();
    byte[] out = new byte[k];
    int n = Math.min(b.length, k);
    System.arraycopy(b, b.length - n, out, k - n, n);
    return out;
  }

  private static byte[] hex(String s) {
    return java.util.HexFormat.of().parseHex(s);
  }
}
