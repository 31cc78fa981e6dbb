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

  static Transport create(
      List<InetSocketAddress> servers, Duration timeout, int tries, @Nullable Executor executor) {
    throw new UnsupportedOperationException("network transport not written yet");
  }
}
