package dev.mailwarden.dns.internal;

import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.RecordType;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/** The wire side of {@code NetworkResolver}: UDP with TCP fallback, timeouts, retries. */
public interface Transport extends AutoCloseable {

  CompletableFuture<DnsAnswer> query(String name, RecordType type);

  @Override
  void close();

  /**
   * Opens the sockets and threads of a transport. Continuations complete on {@code executor}, or
   * on a small daemon pool owned by the transport when it is null.
   *
   * @throws java.io.UncheckedIOException if no socket can be opened
   */
  static Transport create(
      List<InetSocketAddress> servers, Duration timeout, int tries, @Nullable Executor executor) {
    try {
      return new NioTransport(servers, timeout, tries, executor);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot open DNS sockets", e);
    }
  }
}
