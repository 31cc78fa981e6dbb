package dev.mailwarden.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DnsValueTypesTest {

  private static DnsRecord.Address address(String literal) throws Exception {
    return new DnsRecord.Address(InetAddress.getByName(literal));
  }

  @Test
  void answerOf_withRecords_isNoerror_andWithout_isNodata() throws Exception {
    DnsAnswer yes = DnsAnswer.of("a.example", RecordType.A, List.of(address("192.0.2.1")), 60);
    DnsAnswer no = DnsAnswer.of("a.example", RecordType.A, List.of(), 30);
    assertThat(yes.status()).isEqualTo(DnsStatus.NOERROR);
    assertThat(yes.isSuccess()).isTrue();
    assertThat(no.status()).isEqualTo(DnsStatus.NODATA);
    assertThat(no.isVoid()).isTrue();
    assertThat(no.ttlSeconds()).isEqualTo(30);
  }

  @Test
  void statuses_classifyVoidAndError() {
    assertThat(DnsStatus.NXDOMAIN.isVoid()).isTrue();
    assertThat(DnsStatus.NODATA.isVoid()).isTrue();
    assertThat(DnsStatus.NOERROR.isVoid()).isFalse();
    assertThat(DnsStatus.SERVFAIL.isError()).isTrue();
    assertThat(DnsStatus.TIMEOUT.isError()).isTrue();
    assertThat(DnsStatus.REFUSED.isError()).isTrue();
    assertThat(DnsStatus.NXDOMAIN.isError()).isFalse();
  }

  @Test
  void error_requiresAnErrorStatus_andKeepsTheDetail() {
    DnsAnswer e = DnsAnswer.error("x.example", RecordType.TXT, DnsStatus.TIMEOUT, "no answer");
    assertThat(e.isError()).isTrue();
    assertThat(e.ttlSeconds()).isZero();
    assertThat(e.detail()).contains("no answer");
    assertThatThrownBy(() -> DnsAnswer.error("x", RecordType.A, DnsStatus.NXDOMAIN, "d"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void negativeTtl_isRejected() {
    assertThatThrownBy(() -> DnsAnswer.nxdomain("x", RecordType.A, -1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void records_areCopied_soCallersCannotChangeAnAnswer() throws Exception {
    List<DnsRecord> list = new ArrayList<>(List.of(address("192.0.2.1")));
    DnsAnswer a = DnsAnswer.of("a.example", RecordType.A, list, 60);
    list.add(address("192.0.2.2"));
    assertThat(a.records()).hasSize(1);
    assertThatThrownBy(() -> a.records().clear()).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void accessors_filterRecordsByKind() throws Exception {
    DnsAnswer a =
        DnsAnswer.of(
            "x.example",
            RecordType.TXT,
            List.of(
                address("192.0.2.1"),
                DnsRecord.Txt.of("t"),
                new DnsRecord.Mx(1, "mx.example"),
                new DnsRecord.Name(RecordType.PTR, "p.example")),
            60);
    assertThat(a.addresses()).containsExactly(InetAddress.getByName("192.0.2.1"));
    assertThat(a.txts()).containsExactly(DnsRecord.Txt.of("t"));
    assertThat(a.mxs()).containsExactly(new DnsRecord.Mx(1, "mx.example"));
    assertThat(a.names()).containsExactly("p.example");
  }

  @Test
  void asCached_andWithTtl_returnCopies_andEqualityCountsEveryProperty() throws Exception {
    DnsAnswer a = DnsAnswer.of("a.example", RecordType.A, List.of(address("192.0.2.1")), 60);
    DnsAnswer cached = a.asCached();
    assertThat(cached.fromCache()).isTrue();
    assertThat(a.fromCache()).isFalse();
    assertThat(cached.asCached()).isSameAs(cached);
    assertThat(a.withTtl(60)).isSameAs(a);
    assertThat(a.withTtl(10).ttlSeconds()).isEqualTo(10);
    assertThat(a)
        .isEqualTo(DnsAnswer.of("a.example", RecordType.A, List.of(address("192.0.2.1")), 60));
    assertThat(a)
        .hasSameHashCodeAs(
            DnsAnswer.of("a.example", RecordType.A, List.of(address("192.0.2.1")), 60));
    assertThat(a).isNotEqualTo(cached).isNotEqualTo(a.withTtl(10));
  }

  @Test
  void toString_isReadable() throws Exception {
    assertThat(
            DnsAnswer.of("a.example", RecordType.A, List.of(address("192.0.2.1")), 60).toString())
        .isEqualTo("a.example A NOERROR [A 192.0.2.1] ttl=60");
    assertThat(
            DnsAnswer.error("b.example", RecordType.MX, DnsStatus.SERVFAIL, "boom")
                .asCached()
                .toString())
        .isEqualTo("b.example MX SERVFAIL ttl=0 (boom) [cached]");
  }

  @Test
  void address_typeFollowsTheFamily() throws Exception {
    assertThat(address("192.0.2.1").type()).isEqualTo(RecordType.A);
    assertThat(address("2001:db8::1").type()).isEqualTo(RecordType.AAAA);
    assertThat(DnsRecord.isIpv4(address("192.0.2.1"))).isTrue();
    assertThat(DnsRecord.isIpv4(address("2001:db8::1"))).isFalse();
  }

  @Test
  void txt_keepsStringsApart_joinsThem_andCopiesDefensively() {
    byte[] first = {'v', '=', (byte) 0xc3, (byte) 0xa9};
    DnsRecord.Txt t = new DnsRecord.Txt(List.of(first, "x".getBytes(StandardCharsets.US_ASCII)));
    first[0] = 'X';
    assertThat(t.stringCount()).isEqualTo(2);
    assertThat(t.string(0)).containsExactly('v', '=', (byte) 0xc3, (byte) 0xa9);
    assertThat(t.joined()).containsExactly('v', '=', (byte) 0xc3, (byte) 0xa9, 'x');
    assertThat(t.text()).isEqualTo("v=éx");
    t.joined()[0] = 'Z';
    t.string(0)[0] = 'Z';
    assertThat(t.joined()[0]).isEqualTo((byte) 'v');
  }

  @Test
  void txt_equality_dependsOnTheStrings_notOnlyTheJoinedBytes() {
    assertThat(DnsRecord.Txt.of("ab", "c")).isEqualTo(DnsRecord.Txt.of("ab", "c"));
    assertThat(DnsRecord.Txt.of("ab", "c")).hasSameHashCodeAs(DnsRecord.Txt.of("ab", "c"));
    assertThat(DnsRecord.Txt.of("ab", "c")).isNotEqualTo(DnsRecord.Txt.of("a", "bc"));
  }

  @Test
  void txt_startsWithIgnoreCase_foldsAsciiOnly() {
    assertThat(DnsRecord.Txt.of("V=SPF1 -all").startsWithIgnoreCase("v=spf1")).isTrue();
    assertThat(DnsRecord.Txt.of("v=sp").startsWithIgnoreCase("v=spf1")).isFalse();
    assertThat(DnsRecord.Txt.of("v=DKIM1").startsWithIgnoreCase("v=dkim2")).isFalse();
    // byte 0xC9 is not 'é' (U+00E9) in any case: no Latin-1 folding of UTF-8 bytes
    DnsRecord.Txt latin = new DnsRecord.Txt(List.of(new byte[] {(byte) 0xc9}));
    assertThat(latin.startsWithIgnoreCase("\u00e9")).isFalse();
  }

  @Test
  void txt_toString_escapesControlAndNonAsciiBytes() {
    DnsRecord.Txt t =
        new DnsRecord.Txt(
            List.of("a\"b\\c\r\nd".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xff}));
    assertThat(t.toString()).isEqualTo("TXT \"a\\\"b\\\\c\\013\\010d\" \"\\255\"");
    assertThat(t.toString()).doesNotContain("\r").doesNotContain("\n");
  }

  @Test
  void mx_andName_validate() {
    assertThatThrownBy(() -> new DnsRecord.Mx(70_000, "mx.example"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DnsRecord.Name(RecordType.A, "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new DnsRecord.Name(RecordType.CNAME, "t.example").type())
        .isEqualTo(RecordType.CNAME);
    assertThat(new DnsRecord.Mx(10, "mx.example").toString()).isEqualTo("MX 10 mx.example");
  }

  @Test
  void recordType_codes_roundTrip() {
    for (RecordType t : RecordType.values()) {
      assertThat(RecordType.fromCode(t.code())).isEqualTo(t);
    }
    assertThat(RecordType.TXT.code()).isEqualTo(16);
    assertThat(RecordType.AAAA.code()).isEqualTo(28);
    assertThatThrownBy(() -> RecordType.fromCode(99)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void cacheSpec_defaults_copies_andValidation() {
    CacheSpec spec = CacheSpec.defaults();
    assertThat(spec.minTtl()).isEqualTo(Duration.ofSeconds(5));
    assertThat(spec.maxTtl()).isEqualTo(Duration.ofDays(1));
    assertThat(spec.maxNegativeTtl()).isEqualTo(Duration.ofHours(1));
    assertThat(spec.errorTtl()).isEqualTo(Duration.ofSeconds(5));
    assertThat(spec.withErrorTtl(Duration.ZERO).errorTtl()).isZero();
    assertThat(spec.errorTtl()).isEqualTo(Duration.ofSeconds(5));
    assertThatThrownBy(() -> spec.withMinTtl(Duration.ofDays(2)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> spec.withErrorTtl(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void networkResolverBuilder_failsFastOnMisuse(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    assertThatThrownBy(() -> NetworkResolver.builder().timeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NetworkResolver.builder().tries(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                NetworkResolver.builder()
                    .server(java.net.InetSocketAddress.createUnresolved("dns.example", 53)))
        .isInstanceOf(IllegalArgumentException.class);
    java.nio.file.Path empty =
        java.nio.file.Files.writeString(dir.resolve("resolv.conf"), "search example\n");
    assertThatThrownBy(() -> NetworkResolver.builder().resolvConf(empty).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no DNS server");
  }

  @Test
  void resolvConf_readsNameserverLinesOnly() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("resolv", ".conf");
    try {
      java.nio.file.Files.writeString(
          file,
          "search example.org\noptions ndots:5\nnameserver 127.0.0.53\nnameserver fe80::1%eth0\nnameserver bogus\n");
      try (NetworkResolver r = NetworkResolver.builder().resolvConf(file).build()) {
        assertThat(r.servers())
            .extracting(s -> s.getAddress().getHostAddress() + ":" + s.getPort())
            .containsExactly("127.0.0.53:53", "fe80:0:0:0:0:0:0:1:53");
      }
    } finally {
      java.nio.file.Files.delete(file);
    }
  }
}
