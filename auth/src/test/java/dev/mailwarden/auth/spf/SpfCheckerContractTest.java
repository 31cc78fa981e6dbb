package dev.mailwarden.auth.spf;

import dev.mailwarden.Checker;
import dev.mailwarden.MailSession;
import dev.mailwarden.testing.CheckerContract;
import java.net.InetAddress;

/** The checker contract for the default (native) SPF checker. */
class SpfCheckerContractTest extends CheckerContract {

  @Override
  protected Checker<?> checker() {
    return Spf.check();
  }

  @Override
  protected MailSession session() {
    return MailSession.builder()
        .clientIp(InetAddress.getLoopbackAddress())
        .helo("mail.example.com")
        .mailFrom("alice@example.com")
        .build();
  }
}
