package dev.mailwarden.dnsbl;

import dev.mailwarden.Checker;
import dev.mailwarden.MailSession;
import dev.mailwarden.testing.CheckerContract;
import org.junit.jupiter.api.Nested;

/** The checker contract for a single IP list, a domain list and several lists of all kinds. */
class DnsblContractTest extends CheckerContract {
  private final DnsblChecker zen = Dnsbl.check(Dnsbl.spamhausZen());

  @Override
  protected Checker<?> checker() {
    return zen;
  }

  @Override
  protected MailSession session() {
    return Fixtures.session("192.0.2.1");
  }

  @Nested
  class DomainList extends CheckerContract {
    private final DnsblChecker dbl = Dnsbl.check(Rhsbl.spamhausDbl());

    @Override
    protected Checker<?> checker() {
      return dbl;
    }

    @Override
    protected MailSession session() {
      return MailSession.builder()
          .clientIp(Fixtures.ip("192.0.2.1"))
          .helo("mail.example.com")
          .mailFrom("a@example.org")
          .message(
              "From: b@example.net\r\n\r\nhi\r\n"
                  .getBytes(java.nio.charset.StandardCharsets.US_ASCII))
          .build();
    }
  }

  @Nested
  class Group extends CheckerContract {
    private final DnsblChecker group =
        Dnsbl.builder()
            .name("dnsbl")
            .list(Dnsbl.spamhausZen())
            .list(Dnsbl.parse("bl.example=127.0.0.[2..11]"))
            .list(Dnswl.list("list.dnswl.example"))
            .list(Rhsbl.spamhausDbl().sources(DomainSource.HELO))
            .build();

    @Override
    protected Checker<?> checker() {
      return group;
    }

    @Override
    protected MailSession session() {
      return MailSession.builder()
          .clientIp(Fixtures.ip("2001:db8::25"))
          .helo("mail.example.com")
          .build();
    }
  }
}
