package dev.mailwarden.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MailAddressesTest {

  @Test
  void parseList_givesMailboxesAndGroups() throws Exception {
    assertThat(MailAddresses.parseList("Alice <alice@example.com>, bob@example.org"))
        .extracting(MailAddresses.Mailbox::address)
        .containsExactly("alice@example.com", "bob@example.org");
    assertThat(MailAddresses.parseList("team: a@x.example, b@y.example;").get(0).isGroup())
        .isTrue();
  }

  @Test
  void domainOf_lowerCase() {
    assertThat(MailAddresses.domainOf("Reports@Example.COM")).isEqualTo("example.com");
    assertThat(MailAddresses.domainOf("dmarc+rua@reports.example.net"))
        .isEqualTo("reports.example.net");
  }

  @Test
  void domainOf_notOneStrictAddress_isNull() {
    assertThat(MailAddresses.domainOf("no-domain")).isNull();
    assertThat(MailAddresses.domainOf("a@")).isNull();
    assertThat(MailAddresses.domainOf("a@b.example, c@d.example")).isNull();
    assertThat(MailAddresses.domainOf("a b@example.com")).isNull();
    assertThat(MailAddresses.domainOf("")).isNull();
  }

  @Test
  void unfold_removesCrlfBeforeWhitespace() {
    assertThat(MailAddresses.unfold("Alice\r\n <alice@example.com>"))
        .isEqualTo("Alice <alice@example.com>");
  }
}
