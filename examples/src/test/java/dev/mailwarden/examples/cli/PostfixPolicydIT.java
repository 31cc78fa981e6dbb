package dev.mailwarden.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.MailwardenRuntime;
import dev.mailwarden.examples.logs.LogReport;
import dev.mailwarden.examples.logs.MailLogAnalyzer;
import dev.mailwarden.examples.logs.Pflogsumm;
import dev.mailwarden.examples.policyd.PolicyServer;
import dev.mailwarden.examples.policyd.PolicyService;
import dev.mailwarden.examples.policyd.PolicydConfig;
import dev.mailwarden.ratelimit.RateLimiter;
import dev.mailwarden.testing.Environment;
import dev.mailwarden.testing.LoopbackServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: a real Postfix (Debian {@code postfix}), configured here in a temporary directory and
 * listening on 127.0.0.1, asks our policy server through {@code check_policy_service}; swaks
 * (Debian {@code swaks}) drives SMTP and sets the client address and login with XCLIENT.
 */
class PostfixPolicydIT {
  @TempDir static Path dir;
  private static Path postfix;
  private static Path swaks;
  private static Path conf;
  private static final ExecutorService WORK = Executors.newFixedThreadPool(2);
  private static MailwardenRuntime resolver;
  private static RateLimiter limiter;
  private static PolicyServer policyd;
  private static LoopbackServer smtp;

  @BeforeAll
  static void start() throws Exception {
    postfix = Environment.requireBinary("postfix", "postfix");
    swaks = Environment.requireBinary("swaks", "swaks");
    Path zone = dir.resolve("policyd.zone");
    Files.writeString(
        zone,
        String.join(
            "\n",
            "2.0.0.127.bl.example. IN A 127.0.0.2",
            "66.100.51.198.bl.example. IN A 127.0.0.2",
            "good.example.com. IN TXT \"v=spf1 ip4:192.0.2.10 -all\"",
            ""));
    PolicydConfig cfg =
        PolicydConfig.parse(
            String.join(
                "\n",
                "authserv-id = mx.test.example",
                "zone = " + zone,
                "dnsbl = bl.example*6",
                "helo = off",
                "limit = 10/1h",
                ""),
            "it");
    DnsOptions dns = new DnsOptions();
    dns.zones.add(zone);
    resolver = dns.open();
    limiter = PolicydCommand.limiter(cfg, resolver);
    policyd =
        PolicyServer.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            new PolicyService(PolicydCommand.inbound(cfg, resolver), limiter, "mx.test.example"),
            Duration.ofSeconds(30),
            8);

    conf = dir.resolve("conf");
    Path queue = dir.resolve("queue");
    Files.createDirectories(conf);
    Files.createDirectories(queue);
    Path data = Files.createDirectories(dir.resolve("data"));
    // Postfix's daemons run as the postfix user: they must reach the queue and own the data
    // directory
    Files.setPosixFilePermissions(
        dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setOwner(
        data, dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postfix"));
    smtp =
        LoopbackServer.start(
            dir,
            port -> {
              writeConfig(port, policyd.port(), queue);
              run(List.of(postfix.toString(), "-c", conf.toString(), "set-permissions"));
              return List.of(postfix.toString(), "-c", conf.toString(), "start-fg");
            },
            LoopbackServer.Probe.TCP,
            Duration.ofSeconds(30));
  }

  private static void writeConfig(int smtpPort, int policyPort, Path queue) {
    String policy = "check_policy_service inet:127.0.0.1:" + policyPort;
    String main =
        String.join(
            "\n",
            "compatibility_level = 3.6",
            "queue_directory = " + queue,
            "data_directory = " + dir.resolve("data"),
            "mail_owner = postfix",
            "setgid_group = postdrop",
            "myhostname = mx.test.example",
            "mydestination =",
            "inet_interfaces = 127.0.0.1",
            "inet_protocols = ipv4",
            "mynetworks = 127.0.0.0/8 192.0.2.0/24",
            "maillog_file = /dev/stdout",
            "smtpd_authorized_xclient_hosts = 127.0.0.0/8",
            "smtpd_relay_restrictions =",
            "smtpd_recipient_restrictions = " + policy + ", permit_mynetworks, reject",
            "smtpd_end_of_data_restrictions = " + policy,
            "default_transport = discard",
            "relay_transport = discard",
            "local_transport = discard",
            "alias_maps =",
            "alias_database =",
            "");
    String master =
        String.join(
            "\n",
            "127.0.0.1:" + smtpPort + " inet n - n - - smtpd",
            "pickup unix n - n 60 1 pickup",
            "cleanup unix n - n - 0 cleanup",
            "qmgr unix n - n 300 1 qmgr",
            "rewrite unix - - n - - trivial-rewrite",
            "bounce unix - - n - 0 bounce",
            "defer unix - - n - 0 bounce",
            "trace unix - - n - 0 bounce",
            "verify unix - - n - 1 verify",
            "proxymap unix - - n - - proxymap",
            "showq unix n - n - - showq",
            "error unix - - n - - error",
            "retry unix - - n - - error",
            "discard unix - - n - - discard",
            "anvil unix - - n - 1 anvil",
            "scache unix - - n - 1 scache",
            "postlog unix-dgram n - n - 1 postlogd",
            "");
    try {
      Files.writeString(conf.resolve("main.cf"), main, StandardCharsets.US_ASCII);
      Files.writeString(conf.resolve("master.cf"), master, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @AfterAll
  static void stop() {
    if (smtp != null) {
      run(List.of(postfix.toString(), "-c", conf.toString(), "stop"));
      smtp.close();
    }
    if (policyd != null) {
      policyd.close();
    }
    if (limiter != null) {
      limiter.close();
    }
    if (resolver != null) {
      resolver.close();
    }
    WORK.shutdownNow();
  }

  private static String run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
      return out;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String swaks(String clientIp, String login, String from, String to) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                swaks.toString(),
                "--server",
                "127.0.0.1:" + smtp.port(),
                "--helo",
                "client.test.example",
                "--from",
                from,
                "--to",
                to,
                "--xclient-addr",
                clientIp,
                "--timeout",
                "30"));
    if (login != null) {
      cmd.addAll(List.of("--xclient-login", login));
    }
    return run(cmd);
  }

  @Test
  void listedClient_isRejectedWithOurReply() {
    String out = swaks("198.51.100.66", null, "a@spam.example", "b@test.example");
    assertThat(out).contains("550 5.7.1").contains("bl.example");
  }

  @Test
  void cleanClient_isAccepted() {
    String out = swaks("192.0.2.10", null, "alice@good.example.com", "b@test.example");
    assertThat(out).contains("250 2.0.0 Ok: queued");
  }

  @Test
  void authenticatedUserOverItsLimit_isDeferred() {
    String six = "r1@x.example,r2@x.example,r3@x.example,r4@x.example,r5@x.example,r6@x.example";
    String first = swaks("192.0.2.50", "mallory", "mallory@good.example.com", six);
    assertThat(first).contains("250 2.0.0 Ok: queued");
    String second = swaks("192.0.2.50", "mallory", "mallory@good.example.com", six);
    assertThat(second).contains("450 4.7.1").contains("rate limit");
  }

  @Test
  void idleSocketsHoldingEverySlot_doNotLockPostfixOut() throws Exception {
    // 8 is the server's connection cap: these idle sockets take every slot before Postfix asks
    List<java.net.Socket> idle = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), policyd.port());
        s.setSoTimeout(200);
        idle.add(s);
        Thread.sleep(5); // distinct idle times: the first is the longest idle
      }
      for (int i = 0; i < 100 && policyd.openConnections() < 8; i++) {
        Thread.sleep(10);
      }
      assertThat(policyd.openConnections()).isEqualTo(8);
      String out = swaks("192.0.2.10", null, "alice@good.example.com", "b@test.example");
      assertThat(out).contains("250 2.0.0 Ok: queued");
      int closed = 0;
      for (java.net.Socket s : idle) {
        try {
          if (s.getInputStream().read() == -1) {
            closed++;
          }
        } catch (java.net.SocketTimeoutException stillOpen) {
          // kept: only as many as Postfix needed were closed
        } catch (IOException reset) {
          closed++;
        }
      }
      assertThat(closed).as("idle sockets closed to make room for Postfix").isBetween(1, 7);
    } finally {
      for (java.net.Socket s : idle) {
        s.close();
      }
    }
  }

  /**
   * Postfix logs through postlogd to {@code maillog_file = /dev/stdout}, which LoopbackServer keeps
   * in its log file: {@code mailwarden logs} summarises that real log, and agrees with pflogsumm.
   */
  @Test
  void realPostfixLog_isSummarised_andAgreesWithPflogsumm() throws Exception {
    String accepted = swaks("192.0.2.10", null, "log@good.example.com", "log@test.example");
    assertThat(accepted).contains("250 2.0.0 Ok: queued as ");
    String queueId = accepted.substring(accepted.indexOf("queued as ") + 10).split("\\s")[0];
    assertThat(swaks("198.51.100.66", null, "log@spam.example", "log@test.example"))
        .contains("550 5.7.1");
    String log = "";
    for (int i = 0;
        i < 300
            && !(log.contains(queueId + ": removed") && log.contains("from=<log@spam.example>"));
        i++) {
      Thread.sleep(100);
      log = smtp.readLog();
    }
    assertThat(log).as("the Postfix log").contains(queueId + ": removed");
    Path maillog = dir.resolve("maillog-snapshot");
    Files.writeString(maillog, log, StandardCharsets.ISO_8859_1);
    MailLogAnalyzer analyzer =
        MailLogAnalyzer.withDefaults(java.time.Clock.system(java.time.ZoneId.systemDefault()));
    try (var in = Files.newInputStream(maillog)) {
      analyzer.read("maillog", in);
    }
    LogReport report = analyzer.report();
    assertThat(report.totals().received()).isGreaterThanOrEqualTo(1);
    assertThat(report.totals().delivered()).isGreaterThanOrEqualTo(1);
    assertThat(report.totals().rejected()).isGreaterThanOrEqualTo(1);
    assertThat(report.rejects().keySet())
        .anySatisfy(reason -> assertThat(reason).contains("bl.example"));
    assertThat(report.input().postfixLines()).isPositive();
    assertThat(Pflogsumm.printed(report.totals())).as(log).isEqualTo(Pflogsumm.run(log).totals);
  }
}
