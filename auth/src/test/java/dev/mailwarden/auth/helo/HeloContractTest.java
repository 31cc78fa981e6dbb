package dev.mailwarden.auth.helo;

import com.google.common.net.InetAddresses;
import dev.mailwarden.Checker;
import dev.mailwarden.MailSession;
import dev.mailwarden.testing.CheckerContract;

/** {@link Helo#check()} keeps the checker contract. */
class HeloContractTest extends CheckerContract {
  @Override
  protected Checker<?> checker() {
    return Helo.check();
  }

  @Override
  protected MailSession session() {
    return MailSession.builder()
        .clientIp(InetAddresses.forString("93.184.216.34"))
        .helo("mail.example.net")
        .mailFrom("alice@example.net")
        .build();
  }
}
