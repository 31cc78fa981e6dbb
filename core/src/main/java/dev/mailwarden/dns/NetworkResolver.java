package dev.mailwarden.dns;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.dns.internal.Transport;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * Sends queries to recursive DNS servers over UDP, retrying over TCP when an answer is truncated.
 * Names are always absolute (no search list). Each query has a timeout and a number of tries;
 * servers are tried in order.
 *
 * <pre>{@code
 * try (NetworkResolver dns = NetworkResolver.builder()
 *     .server(new InetSocketAddress("127.0.0.1", 53))
 *     .timeout(Duration.ofSeconds(1)).tries(2)
 *     .executor(myExecutor)
 *     .build()) {
 *   DnsResolver cached = dns.cached(CacheSpec.maxEntries(100_000));
 *   ...
 * }
 * }</pre>
 *
 * <p>How a lookup ends:
 *
 * <ul>
 *   <li>a reply is accepted only from the server queried, with the query's ID, for the same
 *       question (name compared without case, type, class IN); anything else is ignored;
 *   <li>a truncated reply (TC) is asked again over TCP; queries advertise EDNS(0) with a
 *       1232-byte UDP payload;
 *   <li>no reply within the timeout: the next try, then the next server; when all are spent,
 *       {@link DnsStatus#TIMEOUT} with a detail naming the servers;
 *   <li>SERVFAIL or REFUSED: the next server is asked; if none does better, that status;
 *   <li>NXDOMAIN and NODATA carry the negative TTL min(SOA TTL, SOA MINIMUM) from the authority
 *       section (RFC 2308), 0 without an SOA; CNAME chains inside the answer are followed;
 *   <li>a reply that does not parse: {@link DnsStatus#SERVFAIL} with a detail;
 *   <li>a name that cannot exist in the DNS (empty label, label over 63 octets): NXDOMAIN with TTL
 *       0, without a query.
 * </ul>
 *
 * <p>Query IDs come from a {@link java.security.SecureRandom} and queries leave through a pool of
 * sockets bound to random ports, each replaced after a few thousand queries (RFC 5452). dnsjava
 * only encodes and parses messages; the I/O is NIO, so throughput is not limited by a socket per
 * query, and none of dnsjava's static defaults is touched.
 *
 * <p>Answers complete on the executor given to the builder, never on the common pool. Close it
 * when the application stops: pending lookups then complete with TIMEOUT.
 */
public final class NetworkResolver implements DnsResolver, AutoCloseable {
  private final List<InetSocketAddress> servers;
  private final Duration timeout;
  private final int tries;
  private final Transport transport;

  private NetworkResolver(Builder b, List<InetSocketAddress> servers) {
    this.servers = List.copyOf(servers);
    this.timeout = b.timeout;
    this.tries = b.tries;
    this.transport = Transport.create(this.servers, b.timeout, b.tries, b.executor);
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public CompletableFuture<DnsAnswer> lookup(String name, RecordType type) {
    return transport.query(requireNonNull(name, "name"), requireNonNull(type, "type"));
  }

  /** The servers queried, in order. */
  public List<InetSocketAddress> servers() {
    return servers;
  }

  /** Releases sockets and threads; pending lookups complete with TIMEOUT. Idempotent. */
  @Override
  public void close() {
    transport.close();
  }

  @Override
  public String toString() {
    return "NetworkResolver" + servers + "[timeout=" + timeout.toMillis() + "ms, tries=" + tries + "]";
  }

  /** Builds a {@link NetworkResolver}. Each setting may be set once. */
  public static final class Builder {
    private final List<InetSocketAddress> servers = new ArrayList<>();
    private Path resolvConf = Path.of("/etc/resolv.conf");
    private Duration timeout = Duration.ofSeconds(2);
    private int tries = 2;
    private @Nullable Executor executor;

    private Builder() {}

    /** A server to query, e.g. {@code new InetSocketAddress("127.0.0.1", 53)}; repeatable. */
    public Builder server(InetSocketAddress server) {
      requireNonNull(server, "server");
      if (server.isUnresolved()) {
        throw new IllegalArgumentException("server address must be resolved (an IP address): " + server);
      }
      servers.add(server);
      return this;
    }

    /**
     * Reads servers from this file when none is given with {@link #server} (default {@code
     * /etc/resolv.conf}; {@code nameserver} lines only, search and options are ignored).
     */
    public Builder resolvConf(Path path) {
      this.resolvConf = requireNonNull(path, "path");
      return this;
    }

    /** How long to wait for each try (default 2 s). */
    public Builder timeout(Duration timeout) {
      requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive: " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /** Tries per server before moving to the next (default 2). */
    public Builder tries(int tries) {
      if (tries < 1) {
        throw new IllegalArgumentException("tries must be at least 1: " + tries);
      }
      this.tries = tries;
      return this;
    }

    /**
     * Where answers are completed. Default: a small daemon thread pool owned by the resolver and
     * shut down by {@link #close()}.
     */
    public Builder executor(Executor executor) {
      this.executor = requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Builds the resolver.
     *
     * @throws IllegalStateException if no server is given and the resolv.conf file names none
     */
    public NetworkResolver build() {
      List<InetSocketAddress> list = servers.isEmpty() ? ResolvConf.read(resolvConf) : servers;
      if (list.isEmpty()) {
        throw new IllegalStateException(
            "no DNS server: none given to the builder and none in " + resolvConf);
      }
      return new NetworkResolver(this, list);
    }
  }
}
