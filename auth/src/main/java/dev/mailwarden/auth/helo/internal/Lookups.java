package dev.mailwarden.auth.helo.internal;

import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsResolver;
import dev.mailwarden.dns.DnsStatus;
import dev.mailwarden.dns.RecordType;
import java.util.concurrent.CompletableFuture;

/** DNS lookups that turn a broken resolver (exception, failed future) into a SERVFAIL value. */
public final class Lookups {
  private Lookups() {}

  public static CompletableFuture<DnsAnswer> lookup(DnsResolver dns, String name, RecordType type) {
    CompletableFuture<DnsAnswer> f;
    try {
      f = dns.lookup(name, type);
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(broken(name, type, e));
    }
    if (f == null) {
      return CompletableFuture.completedFuture(
          DnsAnswer.error(name, type, DnsStatus.SERVFAIL, "resolver returned no future"));
    }
    return f.exceptionally(e -> broken(name, type, e));
  }

  private static DnsAnswer broken(String name, RecordType type, Throwable e) {
    Throwable cause =
        e instanceof java.util.concurrent.CompletionException && e.getCause() != null
            ? e.getCause()
            : e;
    return DnsAnswer.error(name, type, DnsStatus.SERVFAIL, "resolver failed: " + cause);
  }
}
