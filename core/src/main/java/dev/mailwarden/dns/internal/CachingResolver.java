package dev.mailwarden.dns.internal;

import dev.mailwarden.dns.CacheSpec;
import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsResolver;
import dev.mailwarden.dns.RecordType;
import java.util.concurrent.CompletableFuture;

/** The resolver behind {@link DnsResolver#cached}. */
public final class CachingResolver implements DnsResolver {
  private final DnsResolver upstream;
  private final CacheSpec spec;

  public CachingResolver(DnsResolver upstream, CacheSpec spec) {
    this.upstream = upstream;
    this.spec = spec;
  }

  @Override
  public CompletableFuture<DnsAnswer> lookup(String name, RecordType type) {
    throw new UnsupportedOperationException("cache not written yet: " + spec + upstream);
  }
}
