package dev.mailwarden.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZoneResolverTest {
  private static final String ZONE =
      String.join(
          "\n",
          "$ORIGIN example.com.",
          "$TTL 600",
          "@        3600 IN SOA ns admin 1 3600 600 86400 120",
          "@             IN NS  ns",
          "@         300 IN MX  10 mail",
          "@         300 IN MX  20 backup.example.net.",
          "@         300 IN TXT \"v=spf1 \" \"-all\"",
          "mail      300 IN A    192.0.2.25",
          "mail       60 IN A    192.0.2.26",
          "mail      300 IN AAAA 2001:db8::25",
          "a.b.c     300 IN A    192.0.2.3",
          "*.wild    300 IN A    192.0.2.99",
          "*.wild    300 IN TXT  \"wildcard\"",
          "exact.wild 300 IN TXT \"exact\"",
          "*.srvonly 300 IN SRV  0 0 25 mail",
          "www       300 IN CNAME web",
          "web       300 IN CNAME mail",
          "dangling  300 IN CNAME nowhere",
          "loop1     300 IN CNAME loop2",
          "loop2     300 IN CNAME loop1",
          "utf8      300 IN TXT  \"caf\\195\\169\" \"\\255\"",
          "25.2.0.192.in-addr.arpa. 300 IN PTR mail.example.com.",
          "");

  private final ZoneResolver dns = ZoneResolver.of(ZONE);

  private DnsAnswer lookup(String name, RecordType type) {
    CompletableFuture<DnsAnswer> f = dns.lookup(name, type);
    assertThat(f).as("zone answers complete immediately").isCompleted();
    return f.join();
  }

  @Test
  void records_ofEachType_areAnswered() throws Exception {
    assertThat(lookup("mail.example.com", RecordType.A).addresses())
        .containsExactly(InetAddress.getByName("192.0.2.25"), InetAddress.getByName("192.0.2.26"));
    assertThat(lookup("mail.example.com", RecordType.AAAA).addresses())
        .containsExactly(InetAddress.getByName("2001:db8::25"));
    assertThat(lookup("example.com", RecordType.MX).mxs())
        .containsExactly(
            new DnsRecord.Mx(10, "mail.example.com"), new DnsRecord.Mx(20, "backup.example.net"));
    assertThat(lookup("example.com", RecordType.TXT).txts().get(0).text()).isEqualTo("v=spf1 -all");
    assertThat(lookup("example.com", RecordType.NS).names()).containsExactly("ns.example.com");
    assertThat(lookup("25.2.0.192.in-addr.arpa", RecordType.PTR).names())
        .containsExactly("mail.example.com");
  }

  @Test
  void ttl_isTheSmallestOfTheRrset() {
    assertThat(lookup("mail.example.com", RecordType.A).ttlSeconds()).isEqualTo(60);
    assertThat(lookup("example.com", RecordType.NS).ttlSeconds()).isEqualTo(600);
  }

  @Test
  void names_areCaseInsensitive_withOptionalTrailingDot_andAnsweredAsAsked() {
    DnsAnswer answer = lookup("MAIL.Example.COM.", RecordType.A);
    assertThat(answer.status()).isEqualTo(DnsStatus.NOERROR);
    assertThat(answer.name()).isEqualTo("MAIL.Example.COM");
  }

  @Test
  void unknownName_isNxdomain_withSoaNegativeTtl() {
    DnsAnswer answer = lookup("nope.example.com", RecordType.A);
    assertThat(answer.status()).isEqualTo(DnsStatus.NXDOMAIN);
    assertThat(answer.ttlSeconds()).isEqualTo(120); // min(SOA TTL 3600, MINIMUM 120)
  }

  @Test
  void negativeTtl_isTheSoaTtl_whenSmallerThanMinimum() {
    ZoneResolver z =
        ZoneResolver.of(
            "$ORIGIN example.org.\n@ 30 IN SOA ns admin 1 3600 600 86400 900\nwww 300 IN A 192.0.2.1\n");
    assertThat(z.lookup("nope.example.org", RecordType.A).join().ttlSeconds()).isEqualTo(30);
  }

  @Test
  void nameOutsideAnyZone_isNxdomain_withDefaultNegativeTtl() {
    DnsAnswer answer = lookup("example.net", RecordType.A);
    assertThat(answer.status()).isEqualTo(DnsStatus.NXDOMAIN);
    assertThat(answer.ttlSeconds()).isEqualTo(300);
  }

  @Test
  void existingName_withoutTheType_isNodata_withSoaNegativeTtl() {
    DnsAnswer answer = lookup("mail.example.com", RecordType.TXT);
    assertThat(answer.status()).isEqualTo(DnsStatus.NODATA);
    assertThat(answer.ttlSeconds()).isEqualTo(120);
    assertThat(answer.records()).isEmpty();
  }

  @Test
  void emptyNonTerminal_isNodata_notNxdomain() {
    assertThat(lookup("b.c.example.com", RecordType.A).status()).isEqualTo(DnsStatus.NODATA);
    assertThat(lookup("c.example.com", RecordType.A).status()).isEqualTo(DnsStatus.NODATA);
    assertThat(lookup("x.c.example.com", RecordType.A).status()).isEqualTo(DnsStatus.NXDOMAIN);
  }

  @Test
  void wildcard_answersUnknownNames_ofOneOrMoreLabels() throws Exception {
    assertThat(lookup("anything.wild.example.com", RecordType.A).addresses())
        .containsExactly(InetAddress.getByName("192.0.2.99"));
    assertThat(lookup("two.labels.wild.example.com", RecordType.TXT).txts().get(0).text())
        .isEqualTo("wildcard");
    assertThat(lookup("anything.wild.example.com", RecordType.MX).status())
        .isEqualTo(DnsStatus.NODATA);
  }

  @Test
  void wildcard_doesNotApplyToNamesThatExist_orToTheParent() {
    // exact.wild exists with TXT only: an A query is NODATA, not the wildcard's A (RFC 4592)
    assertThat(lookup("exact.wild.example.com", RecordType.A).status()).isEqualTo(DnsStatus.NODATA);
    assertThat(lookup("exact.wild.example.com", RecordType.TXT).txts().get(0).text())
        .isEqualTo("exact");
    // the wildcard's parent is an empty non-terminal
    assertThat(lookup("wild.example.com", RecordType.A).status()).isEqualTo(DnsStatus.NODATA);
    // below an existing name there is no wildcard: the closest encloser decides
    assertThat(lookup("x.exact.wild.example.com", RecordType.A).status())
        .isEqualTo(DnsStatus.NXDOMAIN);
  }

  @Test
  void wildcard_withOnlyUnqueryableTypes_makesNamesExist() {
    // *.srvonly has only an SRV record: a matching name exists (NODATA), it is not NXDOMAIN
    assertThat(lookup("x.srvonly.example.com", RecordType.A).status()).isEqualTo(DnsStatus.NODATA);
  }

  @Test
  void cnameChain_isFollowed() throws Exception {
    DnsAnswer answer = lookup("www.example.com", RecordType.A);
    assertThat(answer.addresses())
        .containsExactly(InetAddress.getByName("192.0.2.25"), InetAddress.getByName("192.0.2.26"));
    assertThat(answer.name()).isEqualTo("www.example.com");
  }

  @Test
  void cnameQuery_returnsTheCnameItself() {
    assertThat(lookup("www.example.com", RecordType.CNAME).names())
        .containsExactly("web.example.com");
  }

  @Test
  void cnameToMissingName_isNxdomain_andLoop_isServfail() {
    assertThat(lookup("dangling.example.com", RecordType.A).status()).isEqualTo(DnsStatus.NXDOMAIN);
    DnsAnswer loop = lookup("loop1.example.com", RecordType.A);
    assertThat(loop.status()).isEqualTo(DnsStatus.SERVFAIL);
    assertThat(loop.detail()).get().asString().contains("CNAME");
  }

  @Test
  void txt_keepsRawBytes_fromMasterText_andFromTheBuilder() {
    DnsRecord.Txt txt = lookup("utf8.example.com", RecordType.TXT).txts().get(0);
    assertThat(txt.string(0)).isEqualTo("café".getBytes(StandardCharsets.UTF_8));
    assertThat(txt.string(1)).containsExactly((byte) 0xff);

    ZoneResolver z =
        ZoneResolver.builder().txtBytes("raw.example", new byte[] {(byte) 0x80, 0, 'x'}).build();
    assertThat(z.lookup("raw.example", RecordType.TXT).join().txts().get(0).joined())
        .containsExactly((byte) 0x80, 0, 'x');
  }

  @Test
  void injectedFailures_answerTheirStatus_forAllTypes_orOne() {
    ZoneResolver z =
        ZoneResolver.builder()
            .zone(ZONE)
            .fail("mail.example.com", DnsStatus.SERVFAIL)
            .fail("example.com", RecordType.TXT, DnsStatus.TIMEOUT)
            .fail("refused.example", DnsStatus.REFUSED)
            .build();

    assertThat(z.lookup("Mail.Example.com.", RecordType.A).join().status())
        .isEqualTo(DnsStatus.SERVFAIL);
    assertThat(z.lookup("mail.example.com", RecordType.AAAA).join().status())
        .isEqualTo(DnsStatus.SERVFAIL);
    assertThat(z.lookup("example.com", RecordType.TXT).join().status())
        .isEqualTo(DnsStatus.TIMEOUT);
    assertThat(z.lookup("example.com", RecordType.MX).join().status()).isEqualTo(DnsStatus.NOERROR);
    assertThat(z.lookup("refused.example", RecordType.A).join().status())
        .isEqualTo(DnsStatus.REFUSED);
  }

  @Test
  void onlyErrorStatuses_canBeInjected() {
    assertThatThrownBy(() -> ZoneResolver.builder().fail("x.example", DnsStatus.NXDOMAIN))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void hang_neverCompletes_butIsCounted() {
    ZoneResolver z = ZoneResolver.builder().zone(ZONE).hang("mail.example.com").build();
    CompletableFuture<DnsAnswer> f = z.lookup("mail.example.com.", RecordType.A);
    assertThat(f).isNotDone();
    assertThat(z.queryCount()).isEqualTo(1);
  }

  @Test
  void queries_areRecorded_inLowerCase() {
    ZoneResolver z = ZoneResolver.of(ZONE);
    z.lookup("Mail.Example.COM.", RecordType.A);
    z.lookup("nope.example.com", RecordType.TXT);
    assertThat(z.queries()).containsExactly("mail.example.com A", "nope.example.com TXT");
    assertThat(z.queryCount()).isEqualTo(2);
  }

  @Test
  void builderShortcuts_addRecords_andExists_makesNodata() throws Exception {
    ZoneResolver z =
        ZoneResolver.builder()
            .defaultTtl(42)
            .address("h.example", "192.0.2.1")
            .address("h.example", "2001:db8::1")
            .mx("example", 5, "h.example.")
            .ptr("1.2.0.192.in-addr.arpa", "h.example.")
            .txt("example", "hello")
            .cname("alias.example", "h.example")
            .exists("empty.example")
            .negativeTtl("example", 7)
            .build();

    assertThat(z.lookup("h.example", RecordType.A).join().addresses())
        .containsExactly(InetAddress.getByName("192.0.2.1"));
    assertThat(z.lookup("h.example", RecordType.AAAA).join().ttlSeconds()).isEqualTo(42);
    assertThat(z.lookup("example", RecordType.MX).join().mxs())
        .containsExactly(new DnsRecord.Mx(5, "h.example"));
    assertThat(z.lookup("1.2.0.192.in-addr.arpa", RecordType.PTR).join().names())
        .containsExactly("h.example");
    assertThat(z.lookup("alias.example", RecordType.A).join().status())
        .isEqualTo(DnsStatus.NOERROR);
    DnsAnswer empty = z.lookup("empty.example", RecordType.A).join();
    assertThat(empty.status()).isEqualTo(DnsStatus.NODATA);
    assertThat(empty.ttlSeconds()).isEqualTo(7);
    assertThatThrownBy(() -> ZoneResolver.builder().address("x", "not-an-ip"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void masterFileParseError_namesTheLine() {
    assertThatThrownBy(
            () ->
                ZoneResolver.of(
                    "$ORIGIN example.com.\nok 300 IN A 192.0.2.1\nbad 300 IN A not-an-address\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 3");
    assertThatThrownBy(() -> ZoneResolver.of("www 300 IN BOGUSTYPE x\n"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void masterFileParseError_fromAPath_namesTheFile(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("broken.zone"), "bad 300 IN A 999.1.1.1\n");
    assertThatThrownBy(() -> ZoneResolver.builder().zone(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("broken.zone")
        .hasMessageContaining("line 1");
  }

  @Test
  void masterFile_canBeReadFromAPath(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("zone"), ZONE);
    ZoneResolver z = ZoneResolver.builder().zone(file).build();
    assertThat(z.lookup("mail.example.com", RecordType.A).join().status())
        .isEqualTo(DnsStatus.NOERROR);
  }

  @Test
  void relativeNames_withoutOrigin_areRelativeToTheRoot() {
    ZoneResolver z = ZoneResolver.of("host.example. 300 IN A 192.0.2.1\nrel 300 IN A 192.0.2.2\n");
    assertThat(z.lookup("rel", RecordType.A).join().status()).isEqualTo(DnsStatus.NOERROR);
  }

  @Test
  void nullArguments_areRejected() {
    assertThatThrownBy(() -> dns.lookup(null, RecordType.A))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> dns.lookup("x", null)).isInstanceOf(NullPointerException.class);
  }
}
