package dev.mailwarden.dns;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.Ticker;
import dev.mailwarden.dns.internal.Transport;
import dev.mailwarden.dns.internal.TransportConfig;
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
 * servers are tried in order. Usually the runtime builds and owns it:
 *
 * <pre>{@code
 * MailwardenRuntime runtime = MailwardenRuntime.builder()
 *     .network(NetworkResolver.builder()
 *         .server(new InetSocketAddress("127.0.0.1", 53))
 *         .timeout(Duration.ofSeconds(1)).tries(2))
 *     .build();   // runtime.close() closes the resolver
 * }</pre>
 *
 * <p>How a lookup ends:
 *
 * <ul>
 *   <li>a reply is accepted only from the server queried, with the query's ID, for the same
 *       question (name compared without case, type, class IN); anything else is ignored;
 *   <li>a truncated reply (TC) is asked again over TCP; queries advertise EDNS(0) with a 1232-byte
 *       UDP payload;
 *   <li>no reply within the timeout: the next try, then the next server; when all are spent, {@link
 *       DnsStatus#TIMEOUT} with a detail naming the servers;
 *   <li>SERVFAIL or REFUSED: the next server is asked; if none does better, that status;
 *   <li>NXDOMAIN and NODATA carry the negative TTL min(SOA TTL, SOA MINIMUM) from the authority
 *       section (RFC 2308), 0 without an SOA; CNAME chains inside the answer are followed;
 *   <li>a reply that does not parse: the next server is asked; if none does better, {@link
 *       DnsStatus#SERVFAIL} with a detail;
 *   <li>a name that cannot exist in the DNS (empty label, label over 63 octets): NXDOMAIN with TTL
 *       0, without a query.
 * </ul>
 *
 * <p>Query IDs come from a {@link java.security.SecureRandom} and queries leave through a pool of 8
 * sockets bound to random ports, each replaced after a number of queries or an age (RFC 5452;
 * {@link Builder#sourcePortRotation}). Dropped replies are counted in {@link #stats()}. dnsjava
 * only encodes and parses messages; the I/O is NIO (one I/O thread, which also fires the timeouts),
 * so throughput is not limited by a socket per query, and none of dnsjava's static defaults is
 * touched. {@link Builder#transport} selects dnsjava's own transport instead.
 *
 * <p>At most {@link Builder#maxInFlight} queries are on the wire at once. Further lookups wait in a
 * bounded FIFO ({@link Builder#maxWaiting}) for a slot, each at most tries × servers × timeout
 * (once sent, it gets all its tries); when the FIFO is full, or the wait runs out, the lookup ends
 * with {@link DnsStatus#TIMEOUT} and a detail saying the resolver is overloaded.
 *
 * <p>Answers complete on the executor given to the builder, never on the common pool (a lookup
 * refused at once completes on the calling thread). Close the resolver when the application stops:
 * pending and waiting lookups then complete with TIMEOUT.
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
    TransportConfig config =
        new TransportConfig(
            this.servers,
            b.timeout,
            b.tries,
            b.executor,
            b.maxInFlight,
            b.maxWaiting,
            b.socketMaxQueries,
            b.socketMaxAge,
            b.ticker);
    this.transport =
        b.transportKind == TransportKind.DNSJAVA
            ? Transport.dnsjava(config)
            : Transport.nio(config);
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

  /** Counters since the resolver was built, and the queries in flight and waiting now. */
  public Stats stats() {
    return transport.stats();
  }

  /** Which code talks to the network. */
  public enum TransportKind {
    /** Pipelined NIO sockets (the default). */
    NIO,
    /**
     * dnsjava's {@code SimpleResolver.sendAsync}, a socket per query; slower, kept as a fallback.
     */
    DNSJAVA
  }

  /**
   * A snapshot of a resolver's counters. Replies are dropped (and the query keeps waiting) when
   * their ID matches no query pending on the socket, when they come from another address or port
   * than the server asked, when they answer another question, or when they are unparseable (too
   * short; or from the right source with the right ID but malformed, which ends the query with
   * SERVFAIL). With {@link TransportKind#DNSJAVA}, dnsjava drops replies silently: only wrong
   * questions are counted.
   *
   * @param queriesSent queries put on the wire, UDP and TCP, retries included
   * @param answersAccepted replies that matched a query and were used (a truncated one included)
   * @param droppedUnknownId replies whose ID matched no pending query
   * @param droppedWrongSource replies from another address or port than the server asked
   * @param droppedWrongQuestion replies to another name, type or class
   * @param droppedUnparseable replies too short or malformed
   * @param timeouts tries that got no reply in time
   * @param tcpRetries truncated replies asked again over TCP
   * @param overloaded lookups refused or expired for want of an in-flight slot
   * @param inFlight queries on the wire now
   * @param waiting lookups waiting for a slot now
   */
  public record Stats(
      long queriesSent,
      long answersAccepted,
      long droppedUnknownId,
      long droppedWrongSource,
      long droppedWrongQuestion,
      long droppedUnparseable,
      long timeouts,
      long tcpRetries,
      long overloaded,
      int inFlight,
      int waiting) {

    /** All replies dropped, whatever the reason. */
    public long dropped() {
      return droppedUnknownId + droppedWrongSource + droppedWrongQuestion + droppedUnparseable;
    }
  }

  /** Releases sockets and threads; pending lookups complete with TIMEOUT. Idempotent. */
  @Override
  public void close() {
    transport.close();
  }

  @Override
  public String toString() {
    return "NetworkResolver"
        + servers
        + "[timeout="
        + timeout.toMillis()
        + "ms, tries="
        + tries
        + ", "
        + transport
        + "]";
  }

  /** Builds a {@link NetworkResolver}. Each setting may be set once. */
  public static final class Builder {
    private static final int MAX_IN_FLIGHT = 32_768;
    private final List<InetSocketAddress> servers = new ArrayList<>();
    private Path resolvConf = Path.of("/etc/resolv.conf");
    private Duration timeout = Duration.ofSeconds(2);
    private int tries = 2;
    private @Nullable Executor executor;
    private int maxInFlight = 1024;
    private int maxWaiting = 4096;
    private int socketMaxQueries = 4096;
    private Duration socketMaxAge = Duration.ofSeconds(60);
    private TransportKind transportKind = TransportKind.NIO;
    private Ticker ticker = Ticker.system();

    private Builder() {}

    /** A server to query, e.g. {@code new InetSocketAddress("127.0.0.1", 53)}; repeatable. */
    public Builder server(InetSocketAddress server) {
      requireNonNull(server, "server");
      if (server.isUnresolved()) {
        throw new IllegalArgumentException(
            "server address must be resolved (an IP address): " + server);
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
     * Queries on the wire at once, at most (default 1024, at most 32,768: half the 16-bit query ID
     * space, so that a fresh random ID is always found at once).
     */
    public Builder maxInFlight(int maxInFlight) {
      if (maxInFlight < 1) {
        throw new IllegalArgumentException("maxInFlight must be at least 1: " + maxInFlight);
      }
      if (maxInFlight > MAX_IN_FLIGHT) {
        throw new IllegalArgumentException(
            "maxInFlight must be at most " + MAX_IN_FLIGHT + " (16-bit query IDs): " + maxInFlight);
      }
      this.maxInFlight = maxInFlight;
      return this;
    }

    /**
     * Lookups waiting for an in-flight slot, at most (default 4096; 0 refuses at once when all
     * slots are taken).
     */
    public Builder maxWaiting(int maxWaiting) {
      if (maxWaiting < 0) {
        throw new IllegalArgumentException("maxWaiting must not be negative: " + maxWaiting);
      }
      this.maxWaiting = maxWaiting;
      return this;
    }

    /**
     * Replaces each UDP socket by one on a fresh random port after {@code queries} queries or when
     * it is {@code maxAge} old, whichever comes first (default 4096 queries, 60 s).
     */
    public Builder sourcePortRotation(int queries, Duration maxAge) {
      requireNonNull(maxAge, "maxAge");
      if (queries < 1) {
        throw new IllegalArgumentException("queries must be at least 1: " + queries);
      }
      if (maxAge.isNegative() || maxAge.isZero()) {
        throw new IllegalArgumentException("maxAge must be positive: " + maxAge);
      }
      this.socketMaxQueries = queries;
      this.socketMaxAge = maxAge;
      return this;
    }

    /**
     * The clock of timeouts and socket ages (default {@link Ticker#system()}); it must follow real
     * time, since the I/O thread sleeps in real time. A runtime gives the resolver it owns its own.
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = requireNonNull(ticker, "ticker");
      return this;
    }

    /** Which transport sends the queries (default {@link TransportKind#NIO}). */
    public Builder transport(TransportKind kind) {
      this.transportKind = requireNonNull(kind, "kind");
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
