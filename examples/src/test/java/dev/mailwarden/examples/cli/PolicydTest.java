package dev.mailwarden.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailwarden.MailwardenRuntime;
import dev.mailwarden.examples.policyd.PolicyServer;
import dev.mailwarden.examples.policyd.PolicyService;
import dev.mailwarden.examples.policyd.PolicydConfig;
import dev.mailwarden.ratelimit.RateLimiter;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The policy server over a real socket on 127.0.0.1, with DNS from a zone file. */
class PolicydTest {
  @TempDir Path dir;
  private final ExecutorService work = Executors.newFixedThreadPool(2);
  private MailwardenRuntime resolver;
  private RateLimiter limiter;
  private PolicyServer server;

  @BeforeEach
  void start() throws Exception {
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
            "test");
    DnsOptions dns = new DnsOptions();
    dns.zones.add(zone);
    resolver = dns.open();
    limiter = PolicydCommand.limiter(cfg, resolver);
    PolicyService service =
        new PolicyService(PolicydCommand.inbound(cfg, resolver), limiter, "mx.test.example");
    server =
        PolicyServer.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            service,
            Duration.ofSeconds(5),
            4);
  }

  @AfterEach
  void stop() {
    server.close();
    limiter.close();
    resolver.close();
    work.shutdownNow();
  }

  private static String request(String... lines) {
    return "request=smtpd_access_policy\n" + String.join("\n", lines) + "\n\n";
  }

  /** Sends requests on one connection and returns each action line. */
  private String[] exchange(String... requests) throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      OutputStream out = s.getOutputStream();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      String[] actions = new String[requests.length];
      for (int i = 0; i < requests.length; i++) {
        out.write(requests[i].getBytes(StandardCharsets.UTF_8));
        out.flush();
        actions[i] = in.readLine();
        assertThat(in.readLine()).isEmpty(); // each reply ends with an empty line
      }
      return actions;
    }
  }

  @Test
  void rcpt_listedClientIsRejected_cleanOneGetsReceivedSpf_onOneConnection() throws Exception {
    String[] actions =
        exchange(
            request(
                "protocol_state=RCPT",
                "client_address=198.51.100.66",
                "helo_name=x.example",
                "sender=a@spam.example",
                "recipient=b@test.example"),
            request(
                "protocol_state=RCPT",
                "client_address=192.0.2.10",
                "helo_name=mail.good.example.com",
                "sender=alice@good.example.com",
                "recipient=b@test.example",
                "unknown_attribute=ignored"));
    assertThat(actions[0]).startsWith("action=550 5.7.1").contains("bl.example");
    assertThat(actions[1]).startsWith("action=PREPEND Received-SPF: pass");
  }

  @Test
  void malformedRequest_getsDunno_andTheConnectionGoesOn() throws Exception {
    String[] actions =
        exchange(
            "this line has no equals sign\n\n",
            request(
                "protocol_state=RCPT",
                "client_address=198.51.100.66",
                "sender=",
                "recipient=b@test.example"));
    assertThat(actions[0]).isEqualTo("action=DUNNO");
    assertThat(actions[1]).startsWith("action=550");
  }

  @Test
  void endOfMessage_authenticatedUserOverLimit_isDeferred_andInstancesCountOnce() throws Exception {
    String[] actions =
        exchange(
            request(
                "protocol_state=END-OF-MESSAGE",
                "sasl_username=mallory",
                "recipient_count=6",
                "instance=a1"),
            request(
                "protocol_state=END-OF-MESSAGE",
                "sasl_username=mallory",
                "recipient_count=6",
                "instance=a1"),
            request(
                "protocol_state=END-OF-MESSAGE",
                "sasl_username=mallory",
                "recipient_count=6",
                "instance=a2"));
    assertThat(actions[0]).isEqualTo("action=DUNNO");
    assertThat(actions[1]).isEqualTo("action=DUNNO"); // same message: not counted twice
    assertThat(actions[2]).startsWith("action=450 4.7.1 Sending rate limit exceeded");
  }

  @Test
  void config_rejectsUnknownKeysAndRepeats() {
    assertThatThrownBy(() -> PolicydConfig.parse("dnsbll = x\n", "f"))
        .hasMessageContaining("line 1")
        .hasMessageContaining("unknown key");
    assertThatThrownBy(() -> PolicydConfig.parse("listen = a\nlisten = b\n", "f"))
        .hasMessageContaining("given twice");
  }

  private static final dev.mailwarden.examples.policyd.PolicyDecider DUNNO = r -> "DUNNO";

  private static PolicyServer.Limits limits(
      Duration request, int max, int perClient, String... clients) {
    java.util.List<dev.mailwarden.examples.policyd.ClientNetwork> nets =
        clients.length == 0
            ? dev.mailwarden.examples.policyd.ClientNetwork.LOOPBACK
            : java.util.Arrays.stream(clients)
                .map(dev.mailwarden.examples.policyd.ClientNetwork::parse)
                .toList();
    return new PolicyServer.Limits(
        Duration.ofSeconds(30), request, Duration.ofSeconds(5), max, perClient, nets);
  }

  private static Socket connect(PolicyServer p) throws Exception {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), p.port());
    s.setSoTimeout(5000);
    return s;
  }

  /** One request and its action line on an open socket. */
  private static String ask(Socket s) throws Exception {
    s.getOutputStream()
        .write(
            request("protocol_state=RCPT", "client_address=192.0.2.1")
                .getBytes(StandardCharsets.UTF_8));
    s.getOutputStream().flush();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
    return in.readLine();
  }

  private static void awaitOpen(PolicyServer p, int n) throws InterruptedException {
    for (int i = 0; i < 200 && p.openConnections() != n; i++) {
      Thread.sleep(10);
    }
    assertThat(p.openConnections()).isEqualTo(n);
  }

  @Test
  void clientOutsideTheAllowList_isClosedWithoutAnAnswer() throws Exception {
    try (PolicyServer p =
            PolicyServer.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                DUNNO,
                limits(Duration.ofSeconds(5), 4, 4, "192.0.2.0/24"));
        Socket s = connect(p)) {
      s.getOutputStream().write(request("protocol_state=RCPT").getBytes(StandardCharsets.UTF_8));
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
  }

  @Test
  void allSlotsTaken_longestIdleConnectionIsClosed_andTheNewClientIsServed() throws Exception {
    try (PolicyServer p =
            PolicyServer.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                DUNNO,
                limits(Duration.ofSeconds(5), 2, 2));
        Socket oldest = connect(p);
        Socket second = connect(p)) {
      assertThat(ask(oldest)).isEqualTo("action=DUNNO");
      Thread.sleep(50);
      assertThat(ask(second)).isEqualTo("action=DUNNO");
      awaitOpen(p, 2);
      try (Socket third = connect(p)) {
        assertThat(ask(third)).isEqualTo("action=DUNNO");
        assertThat(oldest.getInputStream().read()).isEqualTo(-1); // the longest idle made room
        assertThat(ask(second)).isEqualTo("action=DUNNO"); // the other keeps being served
      }
    }
  }

  @Test
  void requestThatDripsInSlowerThanTheRequestTimeout_isCutOff() throws Exception {
    try (PolicyServer p =
            PolicyServer.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                DUNNO,
                limits(Duration.ofMillis(300), 4, 4));
        Socket s = connect(p)) {
      long start = System.nanoTime();
      OutputStream out = s.getOutputStream();
      int read = 0;
      try {
        for (int i = 0;
            i < 40 && read >= 0;
            i++) { // one byte per 50 ms: each read is quick, the request is not
          out.write('x');
          out.flush();
          Thread.sleep(50);
          s.setSoTimeout(1);
          try {
            read = s.getInputStream().read();
          } catch (java.net.SocketTimeoutException stillOpen) {
            read = 0;
          }
        }
      } catch (java.io.IOException reset) {
        read = -1;
      }
      assertThat(read).isEqualTo(-1);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }
  }

  @Test
  void config_setsEveryServerLimit_andTheCliAllowListReplacesTheConfigs() {
    PolicydConfig cfg =
        PolicydConfig.parse(
            String.join(
                "\n",
                "request-timeout = 3s",
                "write-timeout = 4s",
                "idle-timeout = 60s",
                "max-connections = 20",
                "max-connections-per-client = 5",
                "allow-client = 10.0.0.0/8",
                "allow-client = 2001:db8::/32",
                ""),
            "f");
    PolicyServer.Limits l = cfg.limits(java.util.List.of());
    assertThat(l.requestTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(l.writeTimeout()).isEqualTo(Duration.ofSeconds(4));
    assertThat(l.idleTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(l.maxConnections()).isEqualTo(20);
    assertThat(l.maxConnectionsPerClient()).isEqualTo(5);
    assertThat(l.allowedClients())
        .extracting(Object::toString)
        .containsExactly("10.0.0.0/8", "2001:db8::/32");
    assertThat(cfg.limits(java.util.List.of("192.0.2.0/24")).allowedClients())
        .extracting(Object::toString)
        .containsExactly("192.0.2.0/24");
    assertThat(PolicydConfig.defaults().limits(java.util.List.of()).allowedClients())
        .extracting(Object::toString)
        .containsExactly("127.0.0.0/8", "::1/128");
    assertThatThrownBy(
            () -> PolicydConfig.parse("allow-client = nonsense\n", "f").limits(java.util.List.of()))
        .hasMessageContaining("CIDR");
  }
}
