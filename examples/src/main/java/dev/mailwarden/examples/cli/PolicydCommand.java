package dev.mailwarden.examples.cli;

import dev.mailwarden.MailWarden;
import dev.mailwarden.examples.policyd.PostscreenLists;
import dev.mailwarden.MailwardenRuntime;
import dev.mailwarden.auth.helo.Helo;
import dev.mailwarden.auth.helo.Iprev;
import dev.mailwarden.auth.spf.Spf;
import dev.mailwarden.dnsbl.Dnsbl;
import dev.mailwarden.dnsbl.Dnswl;
import dev.mailwarden.examples.policyd.PolicyServer;
import dev.mailwarden.examples.policyd.PolicyService;
import dev.mailwarden.examples.policyd.PolicydConfig;
import dev.mailwarden.ratelimit.RateLimiter.FailMode;
import dev.mailwarden.ratelimit.Limit;
import dev.mailwarden.ratelimit.RateLimiter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
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

  @Option(names = "--listen", paramLabel = "HOST:PORT", description = "Address to listen on (default: the config's, else 127.0.0.1:10040).")
  String listen;

  @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (see PolicydConfig for the keys).")
  Path config;

  @Option(names = "--allow-client", paramLabel = "CIDR",
      description = "A network allowed to connect (repeatable; replaces the config's allow-client; default loopback).")
  java.util.List<String> allowClients = new java.util.ArrayList<>();

  @Override
  public Integer call() throws Exception {
    PolicydConfig cfg;
    try {
      cfg = config == null ? PolicydConfig.defaults() : PolicydConfig.read(config);
    } catch (IOException e) {
      throw new ExitCodes.InputException("cannot read " + config, e);
    }
    DnsOptions dnsOptions = new DnsOptions();
    cfg.all("zone").forEach(z -> dnsOptions.zones.add(Path.of(z)));
    dnsOptions.servers.addAll(cfg.all("dns-server"));
    try (MailwardenRuntime runtime = dnsOptions.open();
        RateLimiter limiter = limiter(cfg, runtime)) {
      PolicyService service = new PolicyService(inbound(cfg, runtime), limiter, cfg.get("authserv-id", "mailwarden.invalid"));
      InetSocketAddress address = DnsOptions.parseServer(listen != null ? listen : cfg.get("listen", "127.0.0.1:10040"));
      CountDownLatch stopped = new CountDownLatch(1);
      PolicyServer.Limits limits;
      try {
        limits = cfg.limits(allowClients);
      } catch (IllegalArgumentException e) {
        throw new ExitCodes.UsageException("bad policyd limit: " + e.getMessage());
      }
      PolicyServer server = PolicyServer.start(address, service, limits);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        server.close();
        stopped.countDown();
      }, "policyd-shutdown"));
      stopped.await();
      return 0;
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
    b.whenStoreUnavailable(cfg.get("limit-failure", "open").equals("closed") ? FailMode.CLOSED : FailMode.OPEN);
    return b.build();
  }
}
