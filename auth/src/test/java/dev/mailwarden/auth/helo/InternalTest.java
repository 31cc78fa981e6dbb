package dev.mailwarden.auth.helo;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.net.InetAddresses;
import dev.mailwarden.auth.helo.internal.EmbeddedIp;
import dev.mailwarden.auth.helo.internal.HeloParser;
import dev.mailwarden.auth.helo.internal.ParsedHelo;
import dev.mailwarden.auth.internal.PublicSuffixes;
import dev.mailwarden.internal.DomainNames;
import java.net.InetAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The building blocks: parser, embedded-address finder, CIDR, reverse names, public suffixes. */
class InternalTest {
  static InetAddress ip(String s) {
    return InetAddresses.forString(s);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "c-73-15-22-101.hsd1.ca.comcast.net      | 73.15.22.101 | 73-15-22-101",
        "101.22.15.73.dsl.example.net            | 73.15.22.101 | 101.22.15.73",
        "dslb-088-065-012-034.pools.example.de   | 88.65.12.34  | 088-065-012-034",
        "p5b0c1d2e.dip0.t-ipconnect.de           | 91.12.29.46  | 5b0c1d2e (hex)",
        "host-15-22-101.example.net              | 73.15.22.101 | 15-22-101",
        "a073015022101.example.net               | 73.15.22.101 | 073015022101",
      })
  void embeddedIp_foundInCommonForms(String name, String client, String form) {
    assertThat(EmbeddedIp.find(name, ip(client))).contains(form);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "mail.example.net                 | 73.15.22.101",
        "c-173-15-22-101.example.net      | 73.15.22.101",
        "c-73-15-22-1010.example.net      | 73.15.22.101",
        "mail-ed1-x541.google.com         | 209.85.128.41",
        "a8-30.smtp-out.amazonses.com     | 54.240.8.30",
        "host-1-15-22-101.example.net     | 73.15.22.101",
      })
  void embeddedIp_notFoundInsideLongerNumbers(String name, String client) {
    assertThat(EmbeddedIp.find(name, ip(client))).isEmpty();
  }

  @Test
  void embeddedIp_ignoresIpv6Clients() {
    assertThat(EmbeddedIp.find("2001-db8--1.example.net", ip("2001:db8::1"))).isEmpty();
  }

  @Test
  void parser_classifiesEachForm() {
    assertThat(HeloParser.parse(null)).isInstanceOf(ParsedHelo.Missing.class);
    assertThat(HeloParser.parse("[IPv6:::ffff:192.0.2.1]"))
        .isEqualTo(new ParsedHelo.Literal(ip("192.0.2.1")));
    assertThat(HeloParser.parse("[ipv6:2001:db8::1]"))
        .isEqualTo(new ParsedHelo.Literal(ip("2001:db8::1")));
    assertThat(HeloParser.parse(" mail.example.com "))
        .isEqualTo(new ParsedHelo.Hostname("mail.example.com", 3));
    assertThat(HeloParser.parse("mail.bücher.de"))
        .isEqualTo(new ParsedHelo.Hostname("mail.xn--bcher-kva.de", 3));
    assertThat(HeloParser.parse("001.002.003.004")).isEqualTo(new ParsedHelo.BareIp(ip("1.2.3.4")));
    assertThat(HeloParser.parse("1.2.3.4.5")).isInstanceOf(ParsedHelo.Invalid.class);
    assertThat(HeloParser.parse("[IPv6:fe80::1%eth0]")).isInstanceOf(ParsedHelo.Invalid.class);
    assertThat(HeloParser.parse("a".repeat(63) + ".com")).isInstanceOf(ParsedHelo.Hostname.class);
    assertThat(((ParsedHelo.Invalid) HeloParser.parse("mail\r\nRSET")).problem())
        .contains("control");
  }

  @Test
  void registrableDomain_followsThePublicSuffixList() {
    assertThat(PublicSuffixes.registrable("mail.example.co.uk")).contains("example.co.uk");
    assertThat(PublicSuffixes.registrable("co.uk")).isEmpty();
    assertThat(PublicSuffixes.registrable("host.invalid")).isEmpty();
    assertThat(PublicSuffixes.hostPart("mail.eu.example.com", Optional.of("example.com")))
        .isEqualTo("mail.eu");
    assertThat(DomainNames.isAtOrBelow("mail.google.com", "google.com")).isTrue();
    assertThat(DomainNames.isAtOrBelow("notgoogle.com", "google.com")).isFalse();
  }
}
