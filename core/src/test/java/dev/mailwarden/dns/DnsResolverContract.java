package dev.mailwarden.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every {@link DnsResolver} must do, run against each implementation serving {@link #ZONE}:
 * statuses are values, names are absolute and case-insensitive with an optional trailing dot,
 * futures never fail for DNS reasons, nulls are misuse.
 */
abstract class DnsResolverContract {
  static final String ZONE =
      String.join(
          "\n",
          "$ORIGIN contract.test.",
          "$TTL 300",
          "@    3600 IN SOA ns admin 1 3600 600 86400 90",
          "@         IN NS  ns",
          "ns        IN A   127.0.0.1",
          "@         IN MX  10 mx",
          "mx        IN A   192.0.2.10",
          "@         IN TXT \"v=spf1 -all\"",
          "alias     IN CNAME mx",
          "");

  /** A resolver answering {@link #ZONE} (directly, through a cache, or from a real server). */
  protected abstract DnsResolver resolver();

  private DnsAnswer lookup(String name, RecordType type) throws Exception {
    return resolver().lookup(name, type).get(10, TimeUnit.SECONDS);
  }

  @Test
  void contract_existingRecords_areNoerror() throws Exception {
    DnsAnswer a = lookup("mx.contract.test", RecordType.A);
    assertThat(a.status()).isEqualTo(DnsStatus.NOERROR);
    assertThat(a.addresses()).containsExactly(InetAddress.getByName("192.0.2.10"));
    assertThat(a.ttlSeconds()).isEqualTo(300);
    assertThat(lookup("contract.test", RecordType.MX).mxs())
        .containsExactly(new DnsRecord.Mx(10, "mx.contract.test"));
    assertThat(lookup("contract.test", RecordType.TXT).txts().get(0).text())
        .isEqualTo("v=spf1 -all");
  }

  @Test
  void contract_namesAreCaseInsensitive_withOptionalTrailingDot() throws Exception {
    assertThat(lookup("MX.Contract.TEST.", RecordType.A).status()).isEqualTo(DnsStatus.NOERROR);
    assertThat(lookup("mx.contract.test.", RecordType.A).addresses()).hasSize(1);
  }

  @Test
  void contract_missingName_isNxdomain_withNegativeTtl() throws Exception {
    DnsAnswer a = lookup("missing.contract.test", RecordType.A);
    assertThat(a.status()).isEqualTo(DnsStatus.NXDOMAIN);
    assertThat(a.ttlSeconds()).isEqualTo(90);
  }

  @Test
  void contract_missingType_isNodata_withNegativeTtl() throws Exception {
    DnsAnswer a = lookup("mx.contract.test", RecordType.TXT);
    assertThat(a.status()).isEqualTo(DnsStatus.NODATA);
    assertThat(a.ttlSeconds()).isEqualTo(90);
  }

  @Test
  void contract_cnameIsFollowed() throws Exception {
    assertThat(lookup("alias.contract.test", RecordType.A).addresses())
        .containsExactly(InetAddress.getByName("192.0.2.10"));
  }

  @Test
  void contract_nullsAreRejected() {
    assertThatThrownBy(() -> resolver().lookup(null, RecordType.A))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> resolver().lookup("contract.test", null))
        .isInstanceOf(NullPointerException.class);
  }
}
