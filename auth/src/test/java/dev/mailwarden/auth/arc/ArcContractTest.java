package dev.mailwarden.auth.arc;

import dev.mailwarden.Checker;
import dev.mailwarden.MailSession;
import dev.mailwarden.testing.CheckerContract;

/** {@link Arc#check()} keeps the checker contract on a sealed message (DNS errors, deadline). */
class ArcContractTest extends CheckerContract {
  @Override
  protected Checker<?> checker() {
    return Arc.check();
  }

  @Override
  protected MailSession session() {
    byte[] sealed =
        ArcTestChains.hop(
            ArcTestChains.rsaSealer("lists.example.org"), ArcTestChains.message(), ArcStatus.NONE);
    return MailSession.builder().message(sealed).build();
  }
}
