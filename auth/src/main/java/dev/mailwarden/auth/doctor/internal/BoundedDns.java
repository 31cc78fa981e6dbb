package dev.mailwarden.auth.doctor.internal;

import dev.mailwarden.Ticker;
import dev.mailwarden.auth.helo.internal.Lookups;
import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsResolver;
import dev.mailwarden.dns.DnsStatus;
import dev.mailwarden.dns.RecordType;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The caller's resolver for one examination: counted, never failing (a broken resolver is a
 * SERVFAIL value), and closed at the deadline — a lookup asked for after it is a TIMEOUT at once.
 */
final class BoundedDns implements DnsResolver {
  private final DnsResolver dns;
  private final Ticker ticker;
  private final long deadlineNanos;
  private final AtomicInteger queries = new AtomicInteger();

  BoundedDns(DnsResolver dns, Ticker ticker, long deadlineNanos) {
    this.dns = dns;
    this.ticker = ticker;
    this.deadlineNanos = deadlineNanos;
  }

  @Override
  public CompletableFuture<DnsAnswer> lookup(String name, RecordType type) {
    if (ticker.read() - deadlineNanos >= 0) {
      return CompletableFuture.completedFuture(
          DnsAnswer.error(name, type, DnsStatus.TIMEOUT, "the examination's deadline passed"));
    }
    queries.incrementAndGet();
    return Lookups.lookup(dns, name, type);
  }

  int queries() {
    return queries.get();
  }

  @Override
  public String toString() {
    return "BoundedDns[" + dns + "]";
  }
}
