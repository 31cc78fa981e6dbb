package dev.mailwarden.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

  private static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal); // literals only: never DNS
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void parse_containsAndMasks() {
    Cidr net = Cidr.parse("192.168.1.77/24");
    assertThat(net).hasToString("192.168.1.0/24");
    assertThat(net.contains(ip("192.168.1.200"))).isTrue();
    assertThat(net.contains(ip("192.168.2.1"))).isFalse();
    assertThat(net.contains(ip("::1"))).isFalse();
    assertThat(Cidr.parse("2001:db8::/32").contains(ip("2001:db8:ffff::1"))).isTrue();
    assertThat(Cidr.parse("2001:db8::/32").contains(ip("2001:db9::1"))).isFalse();
    assertThat(Cidr.parse("10.0.0.1").contains(ip("10.0.0.1"))).isTrue();
    assertThat(Cidr.parse("10.0.0.1").contains(ip("10.0.0.2"))).isFalse();
    assertThat(Cidr.parse("0.0.0.0/0").contains(ip("8.8.8.8"))).isTrue();
    assertThat(Cidr.parse(" 172.16.0.0/12 ").contains(ip("172.31.255.255"))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "10.0.0.0/-1",
        "10.0.0.0/33",
        "::/129",
        "10.0.0.0/x",
        "not-a-network",
        "localhost",
        "10.0.0",
        "010.0.0.1",
        "256.0.0.1",
        "fe80::1%eth0/64",
        "::ffff:10.0.0.0/104",
        ""
      })
  void parse_nonNetworks_areRejected(String text) {
    assertThatThrownBy(() -> Cidr.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parse_ipv4MappedIpv6_isReadAsIpv4() {
    Cidr mapped = Cidr.parse("::ffff:10.1.2.3/24");
    assertThat(mapped).isEqualTo(Cidr.parse("10.1.2.0/24")).hasToString("10.1.2.0/24");
    assertThat(mapped.contains(ip("10.1.2.200"))).isTrue();
  }

  @Test
  void toString_ipv6_isRfc5952() {
    assertThat(Cidr.parse("2001:0DB8:0:0::/32")).hasToString("2001:db8::/32");
    assertThat(Cidr.parse("::1")).hasToString("::1/128");
    assertThat(Cidr.parse("::/0")).hasToString("::/0");
    assertThat(Cidr.parse("fe80::/10")).hasToString("fe80::/10");
    // a single zero group is not shortened; of two equal runs the first is
    assertThat(Cidr.parse("2001:db8:0:1:1:1:1:1")).hasToString("2001:db8:0:1:1:1:1:1/128");
    assertThat(Cidr.parse("2001:0:0:1:0:0:1:1")).hasToString("2001::1:0:0:1:1/128");
    // the longest run wins
    assertThat(Cidr.parse("1:0:0:2:0:0:0:3")).hasToString("1:0:0:2::3/128");
  }

  @Test
  void of_masksTheAddress() {
    assertThat(Cidr.of(ip("192.0.2.77"), 24)).isEqualTo(Cidr.parse("192.0.2.0/24"));
    assertThat(Cidr.of(ip("2001:db8:1:2:3:4:5:6"), 64)).hasToString("2001:db8:1:2::/64");
    assertThatThrownBy(() -> Cidr.of(ip("192.0.2.77"), 33))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void matches_comparesOnlyThePrefixBits() {
    byte[] a = {10, 0, 0, (byte) 0b1010_0000};
    byte[] b = {10, 0, 0, (byte) 0b1011_1111};
    assertThat(Cidr.matches(a, b, 27)).isTrue();
    assertThat(Cidr.matches(a, b, 28)).isFalse();
    assertThat(Cidr.matches(a, b, 0)).isTrue();
    assertThat(Cidr.matches(a, new byte[16], 0)).isFalse(); // families differ
  }
}
