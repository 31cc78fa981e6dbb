package dev.mailwarden.examples.cli;

import dev.mailwarden.MailWarden;
import dev.mailwarden.MailwardenRuntime;
import dev.mailwarden.auth.helo.Helo;
import dev.mailwarden.auth.helo.Iprev;
import dev.mailwarden.auth.spf.Spf;
import dev.mailwarden.examples.policyd.MetricsEndpoint;
import dev.mailwarden.examples.policyd.PolicyServer;
import dev.mailwarden.examples.policyd.PolicyService;
import dev.mailwarden.examples.policyd.PolicydConfig;
import dev.mailwarden.examples.policyd.PostscreenLists;
import dev.mailwarden.ratelimit.Limit;
import dev.mailwarden.ratelimit.RateLimiter;
import dev.mailwarden.ratelimit.RateLimiter.FailMode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mailwarden policyd}: a Postfix policy delegation server. */
@Command(
    name = "policyd",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the Postfix SMTPD policy delegation protocol: DNSBL, HELO/iprev and SPF at RCPT,",
      "the per-sasl_username outbound limit at END-OF-MESSAGE. Stops cleanly on SIGTERM."
    })
final class PolicydCommand implements Callable<Integer> {

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      description = "Address to listen on (default: the config's, else 127.0.0.1:10040).")
  String listen;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Configuration file (see PolicydConfig for the keys).")
  Path config;

  @Option(
      names = "--allow-client",
      paramLabel = "CIDR",
      description =
          "A network allowed to connect (repeatable; replaces the config's allow-client; default loopback).")
  List<String> allowClients = new ArrayList<>();

  @Option(
      names = "--metrics-listen",
      paramLabel = "HOST:PORT",
      description =
          "Serve Prometheus metrics at http://HOST:PORT/metrics (default: the config's metrics-listen, else off).")
  String metricsListen;

  @Override
  @SuppressWarnings(
      "try") // the shutdown hook closes the running server; the try closes it otherwise
  public Integer call() throws Exception {
    PolicydConfig cfg;
    try {
      cfg = config == null ? PolicydConfig.defaults() : PolicydConfig.read(config);
    } catch (IOException e) {
      throw new ExitCodes.InputException("cannot read " + config, e);
    }
    try (Running running = open(cfg, listen, metricsListen, allowClients)) {
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    running.close();
                    stopped.countDown();
                  },
                  "policyd-shutdown"));
      stopped.await();
      return 0;
    }
  }

  /**
   * Starts everything policyd runs: resolver, limiter, the policy server and, when {@code
   * metricsListen} or the config's {@code metrics-listen} is set, the metrics server. The arguments
   * override the config's {@code listen} / {@code metrics-listen} when not null.
   */
  static Running open(
      PolicydConfig cfg,
      @Nullable String listen,
      @Nullable String metricsListen,
      List<String> allowClients)
      throws IOException {
    DnsOptions dnsOptions = new DnsOptions();
    cfg.all("zone").forEach(z -> dnsOptions.zones.add(Path.of(z)));
    dnsOptions.servers.addAll(cfg.all("dns-server"));
    InetSocketAddress address =
        DnsOptions.parseServer(listen != null ? listen : cfg.get("listen", "127.0.0.1:10040"));
    String metricsSpec = metricsListen != null ? metricsListen : cfg.get("metrics-listen", "");
    InetSocketAddress metricsAddress = metricsSpec.isEmpty() ? null : metricsAddress(metricsSpec);
    PolicyServer.Limits limits;
    try {
      limits = cfg.limits(allowClients);
    } catch (IllegalArgumentException e) {
      throw new ExitCodes.UsageException("bad policyd limit: " + e.getMessage());
    }
    MailwardenRuntime runtime = dnsOptions.open();
    RateLimiter limiter = null;
    MetricsEndpoint metrics = null;
    try {
      limiter = limiter(cfg, runtime);
      MailWarden inbound = inbound(cfg, runtime);
      PolicyService service;
      String authservId = cfg.get("authserv-id", "mailwarden.invalid");
      if (metricsAddress != null) {
        metrics = MetricsEndpoint.start(metricsAddress);
        metrics.bindRuntime(runtime);
        if (limiter != null) {
          metrics.bindLimiter(limiter);
        }
        service =
            new PolicyService(metrics.instrument(inbound), limiter, authservId, metrics::record);
      } else {
        service = new PolicyService(inbound, limiter, authservId);
      }
      PolicyServer server = PolicyServer.start(address, service, limits);
      return new Running(server, metrics, limiter, runtime);
    } catch (IOException | RuntimeException e) {
      if (metrics != null) {
        metrics.close();
      }
      if (limiter != null) {
        limiter.close();
      }
      runtime.close();
      throw e;
    }
  }

  /** {@code IP:PORT} or {@code [IPv6]:PORT}, port 0 (any free port) to 65535; literals only. */
  static InetSocketAddress metricsAddress(String spec) {
    int colon = spec.lastIndexOf(':');
    String host = colon < 0 ? "" : spec.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = -1;
    try {
      port = colon < 0 ? -1 : Integer.parseInt(spec.substring(colon + 1));
    } catch (NumberFormatException e) {
      // reported below
    }
    if (port < 0 || port > 65535 || !com.google.common.net.InetAddresses.isInetAddress(host)) {
      throw new ExitCodes.UsageException(
          "bad metrics-listen '" + spec + "': give IP:PORT, e.g. 127.0.0.1:9464");
    }
    return new InetSocketAddress(com.google.common.net.InetAddresses.forString(host), port);
  }

  /** A running policyd: {@link #close()} (idempotent) stops the servers and releases the rest. */
  static final class Running implements AutoCloseable {
    final PolicyServer server;
    final @Nullable MetricsEndpoint metrics;
    private final @Nullable RateLimiter limiter;
    private final MailwardenRuntime runtime;
    private final AtomicBoolean closed = new AtomicBoolean();

    Running(
        PolicyServer server,
        @Nullable MetricsEndpoint metrics,
        @Nullable RateLimiter limiter,
        MailwardenRuntime runtime) {
      this.server = server;
      this.metrics = metrics;
      this.limiter = limiter;
      this.runtime = runtime;
    }

    @Override
    public void close() {
      if (!closed.compareAndSet(false, true)) {
        return;
      }
      server.close();
      if (metrics != null) {
        metrics.close();
      }
      if (limiter != null) {
        limiter.close();
      }
      runtime.close();
    }
  }

  /** The RCPT-stage checks the configuration asks for. */
  static MailWarden inbound(PolicydConfig cfg, MailwardenRuntime runtime) {
    MailWarden.Builder b =
        MailWarden.builder(runtime)
            .rejectAt(cfg.number("reject-at", 5.0))
            .deadline(cfg.duration("deadline", Duration.ofSeconds(8)));
    try {
      PostscreenLists lists = new PostscreenLists();
      cfg.all("dnsbl").forEach(lists::blocklist);
      cfg.all("dnswl").forEach(lists::allowlist);
      lists.registerOn(b);
    } catch (IllegalArgumentException e) {
      throw new ExitCodes.UsageException("bad list in the configuration: " + e.getMessage());
    }
    if (cfg.flag("helo", true)) {
      b.check(Iprev.check()).check(Helo.check());
    }
    if (cfg.flag("spf", true)) {
      b.check(Spf.builder().receiver(cfg.get("authserv-id", "mailwarden.invalid")).build());
    }
    return b.build();
  }

  /** The outbound limiter, or null when the configuration sets no limit. */
  static RateLimiter limiter(PolicydConfig cfg, MailwardenRuntime runtime) {
    if (cfg.all("limit").isEmpty()) {
      return null;
    }
    RateLimiter.Builder b = RateLimiter.builder().ticker(runtime.ticker());
    try {
      cfg.all("limit").forEach(l -> b.limit(Limit.parse(l)));
    } catch (IllegalArgumentException e) {
      throw new ExitCodes.UsageException("bad limit in the configuration: " + e.getMessage());
    }
    b.whenStoreUnavailable(
        cfg.get("limit-failure", "open").equals("closed") ? FailMode.CLOSED : FailMode.OPEN);
    return b.build();
  }
}
