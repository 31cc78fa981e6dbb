package dev.mailwarden.examples.policyd;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mailwarden.Checker;
import dev.mailwarden.EvaluationListener;
import dev.mailwarden.MailWarden;
import dev.mailwarden.MailwardenRuntime;
import dev.mailwarden.dnsbl.DnsblChecker;
import dev.mailwarden.dnsbl.metrics.DnsblMetrics;
import dev.mailwarden.metrics.MailwardenMetrics;
import dev.mailwarden.ratelimit.RateDecision;
import dev.mailwarden.ratelimit.RateLimiter;
import dev.mailwarden.ratelimit.metrics.RateLimitMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The meters of a long-running example (policyd, the milter), served as Prometheus text at {@code
 * http://HOST:PORT/metrics} by a small JDK HTTP server with one thread. {@link #close()} stops the
 * server and its thread.
 */
public final class MetricsEndpoint implements AutoCloseable {
  /** The Prometheus text exposition format, version 0.0.4. */
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MailwardenMetrics core = MailwardenMetrics.bind(registry);
  private final DnsblMetrics dnsbl = DnsblMetrics.bind(registry);
  private final RateLimitMetrics limits = RateLimitMetrics.bind(registry);
  private final EvaluationListener listener = EvaluationListener.all(core, dnsbl, limits);
  private final ExecutorService thread;
  private final HttpServer server;

  private MetricsEndpoint(InetSocketAddress address) throws IOException {
    this.server = HttpServer.create(address, 16);
    this.thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "mailwarden-metrics");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(thread);
    server.createContext("/metrics", this::serve);
    server.start();
  }

  /** Starts serving at {@code address} (port 0 picks a free port, see {@link #port()}). */
  public static MetricsEndpoint start(InetSocketAddress address) throws IOException {
    return new MetricsEndpoint(requireNonNull(address, "address"));
  }

  /** The port the server listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The listener to give the {@code MailWarden}: evaluation, DNS-list and rate-limit meters. */
  public EvaluationListener listener() {
    return listener;
  }

  /**
   * {@code warden} with this listener added after its own, plus the health gauges of its DNS lists.
   */
  public MailWarden instrument(MailWarden warden) {
    for (Checker<?> c : warden.checkers()) {
      if (c instanceof DnsblChecker lists) {
        dnsbl.bindHealth(lists);
      }
    }
    return warden.newBuilder().listener(listener).build();
  }

  /** The runtime's caches and, when it talks to the network, its resolver. */
  public void bindRuntime(MailwardenRuntime runtime) {
    MailwardenMetrics.bindRuntime(registry, runtime);
  }

  /** The keys gauge of the outbound limiter. */
  public void bindLimiter(RateLimiter limiter) {
    limits.bindKeys(limiter);
  }

  /** Counts a decision of the outbound limiter. */
  public void record(RateDecision decision) {
    limits.record(decision);
  }

  /** The current Prometheus text. */
  public String scrape() {
    return registry.scrape(CONTENT_TYPE);
  }

  private void serve(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())
          && !"HEAD".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] body = scrape().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
      boolean head = "HEAD".equals(exchange.getRequestMethod());
      exchange.sendResponseHeaders(200, head ? -1 : body.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  /** Stops the HTTP server (waiting at most 1 s for a scrape in progress) and its thread. */
  @Override
  public void close() {
    server.stop(1);
    thread.shutdownNow();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    registry.close();
  }

  @Override
  public String toString() {
    return "MetricsEndpoint[" + server.getAddress() + "]";
  }
}
