package dev.mailwarden.examples.cli;

import dev.mailwarden.MailwardenRuntime;
import dev.mailwarden.examples.milter.MailwardenMilter;
import dev.mailwarden.examples.milter.MilterConfig;
import dev.mailwarden.examples.milter.MilterPipelines;
import dev.mailwarden.examples.milter.MilterServer;
import dev.mailwarden.examples.policyd.MetricsEndpoint;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mailwarden milter}: every check, DKIM signing and Authentication-Results as a milter. */
@Command(
    name = "milter",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the Sendmail/Postfix milter protocol (version 6): DNSBL and iprev at connect, HELO at HELO,",
      "SPF and limits at MAIL/RCPT, DKIM and DMARC at end of message with one Authentication-Results;",
      "DKIM signing for authenticated clients and sign-networks. Stops cleanly on SIGTERM."
    })
final class MilterCommand implements Callable<Integer> {

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT|unix:PATH",
      description = "Address to listen on (default: the config's, else 127.0.0.1:10041).")
  String listen;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Configuration file (see MilterConfig for the keys).")
  Path config;

  @Override
  public Integer call() throws Exception {
    MilterConfig cfg;
    try {
      cfg = config == null ? MilterConfig.defaults() : MilterConfig.read(config);
    } catch (IOException e) {
      throw new ExitCodes.InputException("cannot read " + config, e);
    } catch (IllegalArgumentException e) {
      throw new ExitCodes.UsageException("bad configuration: " + e.getMessage());
    }
    SocketAddress address;
    try {
      address = listen != null ? MilterConfig.parseListen(listen) : cfg.listen();
    } catch (IllegalArgumentException e) {
      throw new ExitCodes.UsageException("bad --listen: " + e.getMessage());
    }
    DnsOptions dnsOptions = new DnsOptions();
    cfg.values().all("zone").forEach(z -> dnsOptions.zones.add(Path.of(z)));
    dnsOptions.servers.addAll(cfg.values().all("dns-server"));
    try (MailwardenRuntime runtime = dnsOptions.open();
        MetricsEndpoint metrics = metrics(cfg, runtime);
        MilterPipelines pipelines = pipelines(cfg, runtime, metrics)) {
      CountDownLatch stopped = new CountDownLatch(1);
      MilterServer server =
          MilterServer.start(
              address,
              () -> MailwardenMilter.session(pipelines, cfg),
              cfg.maxFrameBytes(),
              cfg.idleTimeout(),
              cfg.maxConnections());
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    server.close();
                    stopped.countDown();
                  },
                  "milter-shutdown"));
      stopped.await();
      return 0;
    }
  }

  /** The Prometheus endpoint of {@code metrics-listen}, or null when it is not set. */
  static @Nullable MetricsEndpoint metrics(MilterConfig cfg, MailwardenRuntime runtime)
      throws IOException {
    if (cfg.metricsListen().isEmpty()) {
      return null;
    }
    MetricsEndpoint metrics = MetricsEndpoint.start(cfg.metricsListen().get());
    metrics.bindRuntime(runtime);
    return metrics;
  }

  static MilterPipelines pipelines(
      MilterConfig cfg, MailwardenRuntime runtime, @Nullable MetricsEndpoint metrics) {
    try {
      return new MilterPipelines(cfg, runtime, metrics);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new ExitCodes.UsageException("bad configuration: " + e.getMessage());
    } catch (java.io.UncheckedIOException e) {
      throw new ExitCodes.InputException(e.getMessage(), e.getCause());
    }
  }
}
