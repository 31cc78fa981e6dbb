package dev.mailwarden.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogsCommandTest {
  private record Run(int exit, String out, String err) {}

  @TempDir Path dir;

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  private Path fixture(String name) throws Exception {
    Path p = dir.resolve(name);
    try (var in =
        LogsCommandTest.class.getResourceAsStream("/dev/mailwarden/examples/logs/" + name)) {
      Files.copy(in, p, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    return p;
  }

  private static List<String> keys(JsonNode n) {
    List<String> k = new ArrayList<>();
    n.fieldNames().forEachRemaining(k::add);
    return k;
  }

  @Test
  void json_hasExactlyTheContractKeys() throws Exception {
    Run r =
        run("logs", "--json", fixture("mail.log.1.gz").toString(), fixture("mail.log").toString());
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertThat(keys(j))
        .contains("totals", "hourly", "rejects", "sasl_users", "auth_failures", "listed");
    assertThat(keys(j.get("totals")))
        .containsExactly(
            "received",
            "delivered",
            "forwarded",
            "deferred",
            "bounced",
            "rejected",
            "reject_warnings",
            "held",
            "discarded",
            "bytes_received",
            "bytes_delivered",
            "senders",
            "sending_hosts",
            "recipients",
            "recipient_hosts");
    assertThat(j.get("hourly")).hasSize(24);
    long rejected = 0;
    for (JsonNode n : j.get("rejects")) {
      rejected += n.asLong();
    }
    assertThat(rejected).isEqualTo(j.get("totals").get("rejected").asLong()).isPositive();
    long hourlyReceived = 0;
    for (JsonNode h : j.get("hourly")) {
      hourlyReceived += h.get("received").asLong();
    }
    assertThat(hourlyReceived).isEqualTo(j.get("totals").get("received").asLong());
    JsonNode alice = j.get("sasl_users").get(0);
    assertThat(keys(alice)).contains("user", "messages", "recipients", "client_ips", "flags");
    assertThat(alice.get("user").asText()).isEqualTo("alice@example.org");
    assertThat(alice.get("client_ips").asInt()).isEqualTo(4);
    assertThat(alice.get("flags").get(0).get("flag").asText()).isEqualTo("volume_spike");
    assertThat(alice.get("flags").get(0).get("lines")).isNotEmpty();
    JsonNode guesser = j.get("auth_failures").get(0);
    assertThat(keys(guesser)).containsExactly("client_ip", "count");
    assertThat(guesser.get("client_ip").asText()).isEqualTo("203.0.113.200");
    assertThat(j.get("listed").get(0).get("listed").asText()).isEqualTo("192.0.2.25");
    assertThat(j.get("listed").get(0).get("reply").asText()).contains("zen.spamhaus.org");
  }

  @Test
  void top_cutsTheLists() throws Exception {
    Run r = run("logs", "--json", "--top", "1", fixture("mail.log").toString());
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertThat(j.get("sasl_users")).hasSize(1);
    assertThat(j.get("auth_failures")).hasSize(1);
    Run all = run("logs", "--json", "--top", "0", fixture("mail.log").toString());
    assertThat(new ObjectMapper().readTree(all.out()).get("sasl_users").size()).isGreaterThan(1);
  }

  @Test
  void text_showsTotalsAndTheAlarm() throws Exception {
    Run r = run("logs", fixture("mail.log").toString());
    assertThat(r.exit()).isZero();
    assertThat(r.out())
        .contains("Grand totals")
        .contains("received")
        .contains("alice@example.org")
        .contains("ALARM")
        .contains("203.0.113.200")
        .contains("192.0.2.25");
  }

  @Test
  void since_acceptsDatesAndRelativeTimes_andRejectsOthers() throws Exception {
    Path log = fixture("mail.log");
    assertThat(run("logs", "--since", "2026-12-05T12:00", log.toString()).exit()).isZero();
    assertThat(run("logs", "--since", "24h", log.toString()).exit()).isZero();
    Run bad = run("logs", "--since", "yesterday-ish", log.toString());
    assertThat(bad.exit()).isEqualTo(64);
    assertThat(bad.err()).contains("--since");
  }

  @Test
  void missingFile_exits66() {
    Run r = run("logs", dir.resolve("nope.log").toString());
    assertThat(r.exit()).isEqualTo(66);
    assertThat(r.err()).contains("nope.log");
  }
}
