package dev.mailwarden.dnsbl.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class QueryNamesTest {

  @Test
  void ipv4_reversesOctets() throws Exception {
    AddressKey k = AddressKey.of(InetAddress.getByName("192.0.2.255"));
    assertThat(QueryNames.forKey(k, "bl.example")).isEqualTo("255.2.0.192.bl.example");
    assertThat(QueryNames.forKey(AddressKey.of(InetAddress.getByName("10.0.0.1")), "z"))
        .isEqualTo("1.0.0.10.z");
  }

  @Test
  void ipv6_reversesAll32Nibbles_rfc5782Example() throws Exception {
    // RFC 5782 section 2.4: 2001:db8:1:2:3:4:567:89ab
    AddressKey k = AddressKey.of(InetAddress.getByName("2001:db8:1:2:3:4:567:89ab"));
    assertThat(QueryNames.forKey(k, "ugly.example.com"))
        .isEqualTo(
            "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.ugly.example.com");
  }
}
