package dev.mailwarden.auth.dkim.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailwarden.auth.dkim.DkimKeys;
import dev.mailwarden.dns.DnsRecord;
import org.junit.jupiter.api.Test;

/**
 * A {@link KeyCache} without a runtime's shared cache: one remembered record, compared by its
 * bytes.
 */
class KeyCacheTest {
  private static final DnsRecord.Txt ED = DnsRecord.Txt.of(DkimKeys.ed25519().txtRecord());
  private static final DnsRecord.Txt RSA = DnsRecord.Txt.of(DkimKeys.rsa(1024).txtRecord());

  @Test
  void theSameRecordTwice_isParsedOnce_andAnotherRecordReplacesIt() throws Exception {
    KeyCache keys = new KeyCache(null);
    KeyRecord ed = keys.get(ED);
    assertThat(keys.get(DnsRecord.Txt.of(ED.text()))).isSameAs(ed); // equal text, another record

    KeyRecord rsa = keys.get(RSA);
    assertThat(rsa.keyType()).isEqualTo("rsa");
    assertThat(keys.get(RSA)).isSameAs(rsa);

    KeyRecord edAgain = keys.get(ED); // replaced by the RSA record: parsed anew
    assertThat(edAgain).isNotSameAs(ed);
    assertThat(edAgain.keyType()).isEqualTo("ed25519");
    assertThat(edAgain.ed25519Key().getEncoded()).isEqualTo(ed.ed25519Key().getEncoded());
  }

  @Test
  void aRecordThatDoesNotParse_givesItsReasonEachTime_andDoesNotStickToTheNextRecord()
      throws Exception {
    KeyCache keys = new KeyCache(null);
    DnsRecord.Txt revoked = DnsRecord.Txt.of("v=DKIM1; k=rsa; p=");
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> keys.get(revoked))
          .isInstanceOf(DkimSyntaxException.class)
          .hasMessageContaining("revoked");
    }
    assertThat(keys.get(ED).keyType()).isEqualTo("ed25519");
  }
}
