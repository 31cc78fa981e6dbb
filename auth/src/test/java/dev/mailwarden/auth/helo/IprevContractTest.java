package dev.mailwarden.auth.helo;

import com.google.common.net.InetAddresses;
import dev.mailwarden.Checker;
import dev.mailwarden.MailSession;
import dev.mailwarden.testing.CheckerContract;

/** {@link Iprev#check()} keeps the checker contract. */
class IprevContractTest extends CheckerContract {
  @Override
  protected Checker<?> checker() {
    return Iprev.check();
  }

  @Override
  protected MailSession session() {
    return MailSession.builder().clientIp(InetAddresses.forString("2001:770:1::25")).build();
  }
}
