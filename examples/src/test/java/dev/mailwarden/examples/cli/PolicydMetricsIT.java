package dev.mailwarden.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailwarden.examples.policyd.PolicydConfig;
import dev.mailwarden.testing.Environment;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** policyd serves Prometheus text at metrics-listen; promtool accepts it. */
class PolicydMetricsIT {
  @TempDir Path dir;

  private static String request(String... lines) {
    return "request=smtpd_access_policy\n" + String.join("\n", lines) + "\n\n";
  }

  private static String exchange(int port, String request) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.UTF_8));
      out.flush();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      return in.readLine();
    }
  }

  private static HttpResponse<String> scrape(HttpClient http, int port) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void metricsEndpoint_servesPrometheusText_thatPromtoolAccepts_andClosesWithPolicyd()
      throws Exception {
    Path promtool = Environment.requireBinary("promtool", "prometheus");
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
                "metrics-listen = 127.0.0.1:0",
                ""),
            "it");
    ExecutorService work = Executors.newFixedThreadPool(2);
    HttpClient http = HttpClient.newBuilder().executor(work).build();
    int metricsPort;
    String body;
    int freePort;
    try (java.net.ServerSocket probe =
        new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      freePort = probe.getLocalPort();
    }
    try (PolicydCommand.Running running =
        PolicydCommand.open(cfg, "127.0.0.1:" + freePort, null, List.of())) {
      int port = running.server.port();
      metricsPort = running.metrics.port();
      assertThat(
              exchange(
                  port,
                  request(
                      "protocol_state=RCPT",
                      "client_address=198.51.100.66",
                      "helo_name=x.example",
                      "sender=a@spam.example",
                      "recipient=b@test.example")))
          .startsWith("action=550 5.7.1");
      assertThat(
              exchange(
                  port,
                  request(
                      "protocol_state=RCPT",
                      "client_address=192.0.2.10",
                      "helo_name=mail.good.example.com",
                      "sender=alice@good.example.com",
                      "recipient=b@test.example")))
          .startsWith("action=PREPEND Received-SPF: pass");
      assertThat(
              exchange(
                  port,
                  request(
                      "protocol_state=RCPT",
                      "client_address=192.0.2.10",
                      "helo_name=mail.good.example.com",
                      "sender=alice@good.example.com",
                      "recipient=c@test.example")))
          .startsWith("action=PREPEND Received-SPF: pass");
      assertThat(
              exchange(
                  port,
                  request(
                      "protocol_state=END-OF-MESSAGE",
                      "sasl_username=mallory",
                      "recipient_count=6",
                      "instance=a1")))
          .isEqualTo("action=DUNNO");
      assertThat(
              exchange(
                  port,
                  request(
                      "protocol_state=END-OF-MESSAGE",
                      "sasl_username=mallory",
                      "recipient_count=6",
                      "instance=a2")))
          .startsWith("action=450 4.7.1");

      HttpResponse<String> response = scrape(http, metricsPort);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type"))
          .hasValue("text/plain; version=0.0.4; charset=utf-8");
      body = response.body();
    }

    assertThat(body)
        .contains("mailwarden_evaluations_seconds_count{verdict=\"reject\"} 1")
        .contains("mailwarden_evaluations_seconds_count{verdict=\"accept\"} 2")
        .containsPattern(
            "mailwarden_checks_seconds_count\\{check=\"dnsbl\",outcome=\"fail\",status=\"completed\"} 1")
        .containsPattern(
            "mailwarden_dns_queries_seconds_count\\{source=\"(cache|network)\",status=\"NOERROR\",type=\"A\"}")
        .contains("mailwarden_dnsbl_answers_total{list=\"bl.example\",status=\"listed\"} 1.0")
        .contains("mailwarden_dnsbl_healthy{family=\"IPv4\",list=\"bl.example\"} 1.0")
        .contains("mailwarden_ratelimit_decisions_total{limit=\"10/1h\",result=\"granted\"} 1.0")
        .contains("mailwarden_ratelimit_decisions_total{limit=\"10/1h\",result=\"denied\"} 1.0")
        .contains("mailwarden_ratelimit_keys{limits=\"10/1h\"} 1.0")
        .containsPattern("mailwarden_cache_size\\{cache=\"dns\"} [1-9]")
        .containsPattern("mailwarden_cache_bytes\\{cache=\"dns\"} [1-9]")
        .contains("mailwarden_cache_misses_total{cache=\"records\"}")
        .doesNotContain("198.51.100.66", "192.0.2.10", "mallory", "alice");
    Path scraped = dir.resolve("metrics.txt");
    Files.writeString(scraped, body);
    Process p =
        new ProcessBuilder(promtool.toString(), "check", "metrics")
            .redirectInput(scraped.toFile())
            .redirectErrorStream(true)
            .start();
    String promtoolOutput = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue())
        .as("promtool check metrics:\n%s\n--- scraped:\n%s", promtoolOutput, body)
        .isZero();

    // the metrics server closed with policyd
    assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), metricsPort).close())
        .isInstanceOf(ConnectException.class);
    work.shutdownNow();
  }
}
