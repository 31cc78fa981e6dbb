package dev.mailwarden.auth.dkim.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The one-pass base64 reader for b= and bh= agrees with the JDK's decoder. */
class SignatureBase64Test {

  @Test
  void decodesLikeTheJdk_withFoldingWhitespaceAnywhere() throws Exception {
    Random random = new Random(1);
    for (int round = 0; round < 2_000; round++) {
      byte[] data = new byte[random.nextInt(300)];
      random.nextBytes(data);
      String b64 =
          random.nextBoolean()
              ? Base64.getEncoder().encodeToString(data)
              : Base64.getEncoder().withoutPadding().encodeToString(data);
      StringBuilder folded = new StringBuilder();
      for (int ci = 0; ci < b64.length(); ci++) {
        char c = b64.charAt(ci);
        if (random.nextInt(30) == 0) {
          folded.append("\r\n\t ");
        }
        folded.append(c);
      }
      assertThat(SignatureTags.base64(folded.toString(), "b")).isEqualTo(data);
    }
  }

  @Test
  void rejectsWhatTheJdkRejects() {
    for (String bad : new String[] {"A", "QQ=", "QQ=A", "Q!==", "QUJD=", "QQ==="}) {
      assertThatThrownBy(() -> SignatureTags.base64(bad, "b"))
          .as(bad)
          .isInstanceOf(DkimSyntaxException.class);
    }
  }
}
