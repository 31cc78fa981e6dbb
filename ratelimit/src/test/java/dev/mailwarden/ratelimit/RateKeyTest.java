package dev.mailwarden.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailwarden.MailSession;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RateKeyTest {

  private static MailSession session(String ip) throws Exception {
    return MailSession.builder()
        .clientIp(InetAddress.getByName(ip))
        .authenticatedUser("Alice")
        .mailFrom("<Alice@Example.COM>")
        .recipient("a@x.org")
        .recipient("b@x.org")
        .build();
  }

  private static Object key(RateKey k, MailSession s) {
    return k.keys(s, s.recipients());
  }

  @Test
  void user_and_sender_areLowerCasedAndPrefixed() throws Exception {
    MailSession s = session("192.0.2.1");
    assertThat(RateKey.authenticatedUser().keys(s, s.recipients()))
        .containsExactly(java.util.Map.entry("user:alice", 2));
    assertThat(RateKey.senderAddress().keys(s, s.recipients()))
        .containsOnlyKeys("from:alice@example.com");
  }

  @Test
  void ipv4_isKeyedByAddress_ipv6ByItsSlash64() throws Exception {
    assertThat(key(RateKey.clientIp(), session("192.0.2.1")))
        .isEqualTo(java.util.Map.of("ip:192.0.2.1", 2));
    MailSession a = session("2001:db8:1:2:aaaa::1");
    MailSession b = session("2001:db8:1:2:ffff:1:2:3");
    MailSession other = session("2001:db8:1:3::1");
    assertThat(key(RateKey.clientIp(), a)).isEqualTo(key(RateKey.clientIp(), b));
    assertThat(key(RateKey.clientIp(), a)).isNotEqualTo(key(RateKey.clientIp(), other));
    assertThat(RateKey.clientIp().keys(a, a.recipients()))
        .containsOnlyKeys("ip:2001:db8:1:2:0:0:0:0/64");
  }

  @Test
  void ipPrefixes_areConfigurable() throws Exception {
    RateKey k = RateKey.clientIp(24, 48);
    assertThat(k.keys(session("192.0.2.77"), List.of("x"))).containsOnlyKeys("ip:192.0.2.0/24");
    assertThat(k.keys(session("2001:db8:1:2::1"), List.of("x")))
        .containsOnlyKeys("ip:2001:db8:1:0:0:0:0:0/48");
    assertThatThrownBy(() -> RateKey.clientIp(0, 64)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RateKey.clientIp(32, 129))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void custom_keyOfTheSession() throws Exception {
    RateKey tenant =
        RateKey.of("tenant", s -> s.mailFrom().map(f -> f.substring(f.indexOf('@') + 1)));
    assertThat(tenant.keys(session("192.0.2.1"), List.of("a")))
        .containsOnlyKeys("tenant:Example.COM");
    assertThat(RateKey.of("none", s -> Optional.empty()).keys(session("192.0.2.1"), List.of("a")))
        .isEmpty();
    assertThat(tenant).hasToString("RateKey[tenant]");
  }

  @Test
  void nullSender_hasNoSenderKey() {
    MailSession s = MailSession.builder().nullSender().recipient("a@x").build();
    assertThat(RateKey.senderAddress().keys(s, s.recipients())).isEmpty();
    assertThat(RateKey.authenticatedUser().keys(s, s.recipients())).isEmpty();
    assertThat(RateKey.clientIp().keys(s, s.recipients())).isEmpty();
  }

  @Test
  void recipientDomain_hasOneKeyPerDomain_whateverItsSpelling() {
    MailSession s =
        MailSession.builder()
            .clientIp(InetAddress.getLoopbackAddress())
            .recipient("a@bücher.example")
            .recipient("b@XN--BCHER-KVA.example.")
            .recipient("c@Bücher.Example..")
            .recipient("d@x.org")
            .build();
    assertThat(RateKey.recipientDomain().keys(s, s.recipients()))
        .containsExactly(
            java.util.Map.entry("rcpt-domain:xn--bcher-kva.example", 3),
            java.util.Map.entry("rcpt-domain:x.org", 1));
  }

  @Test
  void recipientDomain_keysWhatIsNotADomainAsWritten_insteadOfDroppingIt() {
    assertThat(RateKeys.RecipientDomainKey.domainKey(" [192.0.2.1] ")).isEqualTo("[192.0.2.1]");
    assertThat(RateKeys.RecipientDomainKey.domainKey("Bad..Name")).isEqualTo("bad..name");
    assertThat(RateKeys.RecipientDomainKey.domainKey("...")).isEmpty();
    // a stranger's run of trailing dots is cut in one pass
    assertThat(RateKeys.RecipientDomainKey.domainKey("x.org" + ".".repeat(200_000)))
        .isEqualTo("x.org");
  }
}
