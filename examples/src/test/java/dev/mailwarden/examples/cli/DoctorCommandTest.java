package dev.mailwarden.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mailwarden.auth.dkim.DkimKeys;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mailwarden doctor}: the JSON contract, the exit statuses and usage errors. */
class DoctorCommandTest {
  private record Run(int exit, String out, String err) {}

  /** A healthy mail domain except for what each test changes. */
  private static final String HEALTHY =
      """
      $ORIGIN example.com.
      $TTL 300
      @ IN SOA ns.example.com. hostmaster.example.com. 1 3600 600 86400 300
      @ IN MX 10 mail.example.com.
      @ IN TXT "v=spf1 ip4:192.0.2.25 -all"
      mail IN A 192.0.2.25
      _dmarc IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@example.com"
      25.2.0.192.in-addr.arpa. IN PTR mail.example.com.
      2.0.0.127.zen.spamhaus.org. IN A 127.0.0.2
      2.0.0.127.bl.example.net. IN A 127.0.0.2
      """;

  @TempDir Path dir;

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  private Run doctor(String zone, String... more) throws Exception {
    Path z = dir.resolve("doctor.zone");
    Files.writeString(z, zone);
    List<String> args =
        new ArrayList<>(
            List.of(
                "doctor",
                "--domain",
                "example.com",
                "--ip",
                "192.0.2.25",
                "--helo",
                "mail.example.com",
                "--zone",
                z.toString()));
    args.addAll(List.of(more));
    return run(args.toArray(String[]::new));
  }

  @Test
  void healthyDomainWithItsKey_exit0_allClear() throws Exception {
    String key = DkimKeys.rsa(2048).zoneFileLine("s1", "example.com");
    Run r = doctor(HEALTHY + key + "\n", "--selector", "s1");
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("mailwarden doctor: example.com").contains("all clear");
  }

  @Test
  void infoOnly_exit0() throws Exception {
    // no selector given: dkim-not-checked is info, so still exit 0
    Run r = doctor(HEALTHY, "--json");
    JsonNode f = new ObjectMapper().readTree(r.out()).get("findings");
    assertThat(r.exit()).as(r.out()).isZero();
    assertThat(f).hasSize(1);
    assertThat(f.get(0).get("severity").asText()).isEqualTo("info");
    assertThat(f.get(0).get("code").asText()).isEqualTo("dkim-not-checked");
  }

  @Test
  void json_hasExactlyTheContractKeys() throws Exception {
    Run r =
        doctor(
            HEALTHY.replace("v=spf1 ip4:192.0.2.25 -all", "v=spf1 ip4:192.0.2.25 ?all"),
            "--selector",
            "s1",
            "--json");
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertThat(iterable(j.fieldNames())).containsExactly("domain", "findings");
    assertThat(j.get("domain").asText()).isEqualTo("example.com");
    assertThat(j.get("findings").isArray()).isTrue();
    assertThat(j.get("findings")).hasSize(2);
    List<String> codes = new ArrayList<>();
    for (JsonNode f : j.get("findings")) {
      assertThat(iterable(f.fieldNames())).containsExactly("severity", "code", "message", "fix");
      assertThat(f.get("severity").asText()).isIn("error", "warning", "info");
      codes.add(f.get("code").asText());
    }
    assertThat(codes).containsExactlyInAnyOrder("spf-permissive-all", "dkim-key-missing");
    assertThat(r.out().trim()).doesNotContain("\n"); // one JSON document on one line
  }

  @Test
  void errors_exit1() throws Exception {
    Run r = doctor(HEALTHY.replace("@ IN TXT \"v=spf1 ip4:192.0.2.25 -all\"\n", ""));
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out())
        .contains("error   spf-missing")
        .contains("fix: Publish one TXT record at example.com");
    assertThat(r.out()).contains("1 error(s), 0 warning(s), 1 info");
  }

  @Test
  void warningsOnly_exit3() throws Exception {
    Run r = doctor(HEALTHY.replace("p=reject", "p=none"), "--json");
    assertThat(r.exit()).isEqualTo(3);
    JsonNode f = new ObjectMapper().readTree(r.out()).get("findings");
    assertThat(f).hasSize(2); // and dkim-not-checked (info)
    assertThat(f.get(1).get("code").asText())
        .isEqualTo("dmarc-p-none"); // examination order: DKIM, then DMARC
    assertThat(f.get(1).get("severity").asText()).isEqualTo("warning");
  }

  @Test
  void listedOnAGivenDnsbl_exit1_withTheListNamed() throws Exception {
    Run r =
        doctor(
            HEALTHY + "25.2.0.192.bl.example.net. IN A 127.0.0.2\n",
            "--dnsbl",
            "bl.example.net",
            "--json");
    assertThat(r.exit()).isEqualTo(1);
    JsonNode f = new ObjectMapper().readTree(r.out()).get("findings").get(0);
    assertThat(r.out()).doesNotContain("zen.spamhaus.org"); // a given list replaces the default
    assertThat(f.get("code").asText()).isEqualTo("listed");
    assertThat(f.get("message").asText()).contains("bl.example.net");
  }

  @Test
  void spamhausPublicResolverAnswer_isAWarning_exit3() throws Exception {
    Run r = doctor(HEALTHY + "25.2.0.192.zen.spamhaus.org. IN A 127.255.255.254\n");
    assertThat(r.exit()).isEqualTo(3);
    assertThat(r.out()).contains("public-resolver");
  }

  @Test
  void usageErrors_exit64() throws Exception {
    assertThat(run("doctor", "--ip", "192.0.2.1", "--zone", "/dev/null").exit())
        .isEqualTo(64); // no --domain
    assertThat(run("doctor", "--domain", "example.com", "--zone", "/dev/null").exit())
        .isEqualTo(64); // no --ip
    Run badIp =
        run("doctor", "--domain", "example.com", "--ip", "mail.example.com", "--zone", "/dev/null");
    assertThat(badIp.exit()).isEqualTo(64);
    assertThat(badIp.err()).contains("not an IP address");
    assertThat(
            run("doctor", "--domain", "not a domain", "--ip", "192.0.2.1", "--zone", "/dev/null")
                .exit())
        .isEqualTo(64);
    assertThat(
            run(
                    "doctor",
                    "--domain",
                    "example.com",
                    "--ip",
                    "192.0.2.1",
                    "--selector",
                    "a b",
                    "--zone",
                    "/dev/null")
                .exit())
        .isEqualTo(64);
    assertThat(
            run(
                    "doctor",
                    "--domain",
                    "example.com",
                    "--ip",
                    "192.0.2.1",
                    "--dnsbl",
                    "=",
                    "--zone",
                    "/dev/null")
                .exit())
        .isEqualTo(64);
    assertThat(
            run(
                    "doctor",
                    "--domain",
                    "example.com",
                    "--ip",
                    "192.0.2.1",
                    "--zone",
                    "/dev/null",
                    "--dns-server",
                    "192.0.2.53")
                .exit())
        .isEqualTo(64);
  }

  private static List<String> iterable(java.util.Iterator<String> it) {
    List<String> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }
}
