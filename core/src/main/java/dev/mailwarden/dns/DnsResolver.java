package dev.mailwarden.dns;

import dev.mailwarden.dns.internal.CachingResolver;
import java.util.concurrent.CompletableFuture;

/**
 * Asynchronous DNS lookups. The returned future never completes exceptionally for DNS reasons:
 * NXDOMAIN, SERVFAIL, REFUSED and timeouts are {@link DnsAnswer} statuses. It completes
 * exceptionally only for misuse (a null argument) or a resolver that was closed.
 *
 * <p>Names are absolute (no search list is ever applied); a trailing dot is optional. Lookups
 * are case-insensitive. Implementations are thread-safe; make one per application and share it.
 *
 * <pre>{@code
 * DnsResolver dns = DnsResolver.system().cached(CacheSpec.maxEntries(100_000));
 * dns.lookup("example.com", RecordType.MX).thenAccept(a -> System.out.println(a.mxs()));
 * }</pre>
 */
public interface DnsResolver {

  /** Looks up records of one type for an absolute name. */
  CompletableFuture<DnsAnswer> lookup(String name, RecordType type);

  /**
   * This resolver behind a TTL-aware, bounded cache with negative caching (RFC 2308) and
   * single-flight: concurrent identical queries share one upstream request.
   */
  default DnsResolver cached(CacheSpec spec) {
    return new CachingResolver(this, spec);
  }

  /**
   * A network resolver using the servers of {@code /etc/resolv.conf} (default settings of {@link
   * NetworkResolver#builder()}). Close it when the application stops.
   */
  static NetworkResolver system() {
    return NetworkResolver.builder().build();
  }
}
