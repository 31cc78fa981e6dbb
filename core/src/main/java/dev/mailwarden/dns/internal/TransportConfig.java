package dev.mailwarden.dns.internal;

import dev.mailwarden.Ticker;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * The settings a {@link Transport} needs, validated by {@code NetworkResolver.Builder}.
 *
 * @param executor where answers complete; null for a small daemon pool owned by the transport
 * @param maxInFlight queries sent and not yet answered, at most
 * @param maxWaiting queries waiting for a free in-flight slot, at most (0: none wait)
 * @param socketMaxQueries a UDP socket is replaced after this many queries...
 * @param socketMaxAge ...or when it is this old, whichever comes first
 * @param ticker the clock of timeouts and socket ages (real time: the selector sleeps in it)
 */
public record TransportConfig(
    List<InetSocketAddress> servers,
    Duration timeout,
    int tries,
    @Nullable Executor executor,
    int maxInFlight,
    int maxWaiting,
    int socketMaxQueries,
    Duration socketMaxAge,
    Ticker ticker) {

  public TransportConfig {
    servers = List.copyOf(servers);
    if (servers.isEmpty()) {
      throw new IllegalArgumentException("no DNS server");
    }
  }

  /** The longest a query may wait for a slot: all its tries on all servers. */
  long waitBudgetNanos() {
    return timeout.toNanos() * tries * servers.size();
  }
}
