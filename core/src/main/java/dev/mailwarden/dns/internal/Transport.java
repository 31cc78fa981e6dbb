package dev.mailwarden.dns.internal;

import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.NetworkResolver;
import dev.mailwarden.dns.RecordType;
import java.util.concurrent.CompletableFuture;

/** The wire side of {@code NetworkResolver}: UDP with TCP fallback, timeouts, retries. */
public interface Transport extends AutoCloseable {

  CompletableFuture<DnsAnswer> query(String name, RecordType type);

  /** The counters so far, and the queries in flight and waiting now. */
  NetworkResolver.Stats stats();

  @Override
  void close();

  /**
   * Opens the sockets and threads of the NIO transport.
   *
   * @throws java.io.UncheckedIOException if no socket can be opened
   */
  static Transport nio(TransportConfig config) {
    try {
      return new NioTransport(config);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot open DNS sockets", e);
    }
  }

  /** A transport over dnsjava's {@code SimpleResolver.sendAsync}, one resolver per server. */
  static Transport dnsjava(TransportConfig config) {
    return new DnsjavaTransport(config);
  }
}
