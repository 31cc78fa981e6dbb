package dev.mailwarden.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class ReverseNamesTest {

  @Test
  void of_ipv4_reversesOctetsUnderInAddrArpa() throws Exception {
    assertThat(ReverseNames.of(InetAddress.getByName("192.0.2.1")))
        .isEqualTo("1.2.0.192.in-addr.arpa");
    assertThat(ReverseNames.of(InetAddress.getByName("255.0.10.100")))
        .isEqualTo("100.10.0.255.in-addr.arpa");
  }

  @Test
  void of_ipv6_reversesAll32NibblesUnderIp6Arpa() throws Exception {
    assertThat(ReverseNames.of(InetAddress.getByName("2001:db8::567:89ab")))
        .isEqualTo("b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
  }

  @Test
  void under_zone_isTheRfc5782QueryName() throws Exception {
    // RFC 5782 section 2.4: 2001:db8:1:2:3:4:567:89ab
    byte[] v6 = InetAddress.getByName("2001:db8:1:2:3:4:567:89ab").getAddress();
    assertThat(ReverseNames.under(v6, "ugly.example.com"))
        .isEqualTo(
            "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.ugly.example.com");
    assertThat(ReverseNames.under(new byte[] {(byte) 192, 0, 2, (byte) 255}, "bl.example"))
        .isEqualTo("255.2.0.192.bl.example");
  }

  @Test
  void of_sixteenMappedBytes_staysIpv6() {
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    mapped[12] = 10;
    mapped[15] = 1;
    assertThat(ReverseNames.of(mapped))
        .isEqualTo("1.0.0.0.0.0.a.0.f.f.f.f." + "0.".repeat(20) + "ip6.arpa");
  }

  @Test
  void of_otherLengths_areRejected() {
    assertThatThrownBy(() -> ReverseNames.of(new byte[5]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("5 bytes");
  }

  @Test
  void dottedQuad_formatsEveryOctetWidth() {
    assertThat(ReverseNames.dottedQuad(0xc000_02ff)).isEqualTo("192.0.2.255");
    assertThat(ReverseNames.dottedQuad(0x0a00_0001)).isEqualTo("10.0.0.1");
    assertThat(ReverseNames.dottedQuad(0x6309_6364)).isEqualTo("99.9.99.100");
  }
}
