package dev.mailwarden.dns;

import java.util.concurrent.CompletableFuture;

/**
 * Asynchronous DNS lookups. The returned future never completes exceptionally for DNS reasons:
 * NXDOMAIN, SERVFAIL, REFUSED and timeouts are {@link DnsAnswer} statuses. It completes
 * exceptionally only for misuse (a null argument) or a resolver that was closed.
 *
 * <p>Names are absolute (no search list is ever applied); a trailing dot is optional. Lookups are
 * case-insensitive. Implementations are thread-safe. Checks reach DNS through their {@link
 * dev.mailwarden.MailwardenRuntime}, which caches in front of the resolver it owns or is given
 * ({@link NetworkResolver} by default; {@link ZoneResolver} in tests).
 *
 * <pre>{@code
 * try (MailwardenRuntime runtime = MailwardenRuntime.builder().build()) {
 *   runtime.dns().lookup("example.com", RecordType.MX).thenAccept(a -> System.out.println(a.mxs()));
 * }
 * }</pre>
 */
public interface DnsResolver {

  /** Looks up records of one type for an absolute name. */
  CompletableFuture<DnsAnswer> lookup(String name, RecordType type);

  /**
   * {@link #lookup}, for a caller that keeps what it makes of the answer in a cache of its own (the
   * DNS-list checker's per-address results): a cache in front of the resolver still answers from a
   * stored answer or joins a lookup already in flight, but does not store this answer, so memory is
   * not spent twice on it. A resolver without a cache just looks up (the default).
   */
  default CompletableFuture<DnsAnswer> lookupWithoutStoring(String name, RecordType type) {
    return lookup(name, type);
  }
}
