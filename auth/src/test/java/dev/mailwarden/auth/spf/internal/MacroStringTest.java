package dev.mailwarden.auth.spf.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.net.InetAddresses;
import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Macro expansion, with the examples of RFC 7208 section 7.4. */
class MacroStringTest {

  static MacroString.MacroValues values(String ip) {
    InetAddress a = InetAddresses.forString(ip);
    byte[] b = a.getAddress();
    return letter ->
        switch (letter) {
          case 's' -> "strong-bad@email.example.com";
          case 'l' -> "strong-bad";
          case 'o', 'd' -> "email.example.com";
          case 'i' -> Ip.macroForm(b);
          case 'v' -> b.length == 4 ? "in-addr" : "ip6";
          case 'c' -> Ip.readable(a);
          case 'h' -> "mail.example.org";
          case 'p' -> "unknown";
          case 'r' -> "mx.example.org";
          case 't' -> "1700000000";
          default -> throw new IllegalArgumentException();
        };
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "%{s}|strong-bad@email.example.com",
        "%{o}|email.example.com",
        "%{d}|email.example.com",
        "%{d4}|email.example.com",
        "%{d3}|email.example.com",
        "%{d2}|example.com",
        "%{d1}|com",
        "%{dr}|com.example.email",
        "%{d2r}|example.email",
        "%{l}|strong-bad",
        "%{l-}|strong.bad",
        "%{lr}|strong-bad",
        "%{lr-}|bad.strong",
        "%{l1r-}|strong",
        "%{ir}.%{v}._spf.%{d2}|3.2.0.192.in-addr._spf.example.com",
        "%{lr-}.lp._spf.%{d2}|bad.strong.lp._spf.example.com",
        "%{lr-}.lp.%{ir}.%{v}._spf.%{d2}|bad.strong.lp.3.2.0.192.in-addr._spf.example.com",
        "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}|3.2.0.192.in-addr.strong.lp._spf.example.com",
        "%{d2}.trusted-domains.example.net|example.com.trusted-domains.example.net",
        "%%%_%-|% %20",
        "%{S}|strong-bad%40email.example.com",
      })
  void rfc7208Examples_ipv4(String macro, String expected) throws Exception {
    assertThat(MacroString.parse(macro, false).expand(values("192.0.2.3"))).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "%{ir}.%{v}._spf.%{d2}|1.0.B.C.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.B.D.0.1.0.0.2.ip6._spf.example.com",
        "%{c}|2001:db8::cb01",
      })
  void rfc7208Examples_ipv6(String macro, String expected) throws Exception {
    assertThat(MacroString.parse(macro, true).expand(values("2001:db8::cb01"))).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"%{c}", "%{r}", "%{t}", "%{x}", "%{d0}", "%{d2z}", "%(d)", "foo%", "%{d", "a b"})
  void invalidInDomainSpec_isASyntaxError(String macro) {
    assertThatThrownBy(() -> MacroString.parse(macro, false))
        .isInstanceOf(SpfSyntaxException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"foo-bar", "example.-com", "abc.123", "museum.", "example.com:8080", ""})
  void domainSpecWithoutValidTopLabel_isASyntaxError(String spec) {
    assertThatThrownBy(() -> MacroString.parseDomainSpec(spec))
        .isInstanceOf(SpfSyntaxException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "example.com",
        "example.com.",
        "foo.example.xn--zckzah",
        "%{d}",
        "_spf.%{d2}",
        "a.b-c"
      })
  void validDomainSpecs_parse(String spec) throws Exception {
    assertThat(MacroString.parseDomainSpec(spec).text()).isEqualTo(spec);
  }
}
