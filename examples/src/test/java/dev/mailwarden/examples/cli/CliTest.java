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

class CliTest {
  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  @TempDir Path dir;

  private Path zone(String text) throws Exception {
    Path z = dir.resolve("test.zone");
    Files.writeString(z, text);
    return z;
  }

  @Test
  void check_listedClient_rejectsWithExit1() throws Exception {
    Path z =
        zone(
            "2.2.0.192.bl.example. 300 IN A 127.0.0.2\n2.0.0.127.bl.example. 300 IN A 127.0.0.2\n");
    Run r =
        run(
            "check",
            "--client-ip",
            "192.0.2.2",
            "--zone",
            z.toString(),
            "--dnsbl",
            "bl.example*6",
            "--no-helo");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).contains("verdict: REJECT").contains("bl.example");
  }

  @Test
  void check_cleanClient_acceptsWithExit0_andJsonHasTheContractKeys() throws Exception {
    Path z = zone("example.com. 300 IN TXT \"v=spf1 ip4:192.0.2.0/24 -all\"\n");
    Run r =
        run(
            "check",
            "--client-ip",
            "192.0.2.3",
            "--mail-from",
            "a@example.com",
            "--no-helo",
            "--zone",
            z.toString(),
            "--json");
    assertThat(r.exit()).isZero();
    JsonNode j = new ObjectMapper().readTree(r.out());
    for (String key :
        List.of("verdict", "score", "smtpReply", "authenticationResults", "checks", "dns")) {
      assertThat(j.has(key)).as(key).isTrue();
    }
    assertThat(j.get("verdict").asText()).isEqualTo("ACCEPT");
    assertThat(j.get("dns").has("queries")).isTrue();
    assertThat(j.get("dns").has("cacheHits")).isTrue();
    JsonNode spf = j.get("checks").get(0);
    assertThat(spf.get("name").asText()).isEqualTo("spf");
    assertThat(spf.get("outcome").asText()).isEqualTo("pass");
    for (String key : List.of("name", "outcome", "score", "reason", "details")) {
      assertThat(spf.has(key)).as(key).isTrue();
    }
    assertThat(j.get("receivedSpf").asText()).startsWith("Received-SPF: pass");
  }

  @Test
  void check_spfTimeoutOnly_isNotARejection() throws Exception {
    Path z = zone("example.com. 300 IN TXT \"v=spf1 -all\"\n");
    Run r =
        run(
            "check",
            "--client-ip",
            "192.0.2.3",
            "--mail-from",
            "a@example.com",
            "--no-helo",
            "--zone",
            z.toString());
    assertThat(r.out()).contains("spf").contains("fail");
    assertThat(r.exit())
        .isIn(0, 3); // an SPF fail alone (3.0) quarantines at most; it never rejects
  }

  @Test
  void usageErrors_exit64_withOneSentence() {
    assertThat(run("check").exit()).isEqualTo(64);
    Run bad = run("check", "--client-ip", "not-an-ip", "--zone", "/dev/null");
    assertThat(bad.exit()).isEqualTo(64);
    assertThat(bad.err()).contains("not an IP address");
    // a name made of hex digits is still a name, never looked up
    assertThat(run("check", "--client-ip", "deadbeef", "--zone", "/dev/null").exit()).isEqualTo(64);
    assertThat(run("check", "--client-ip", "192.0.2.1", "--dns-server", "cafe", "--no-spf").exit())
        .isEqualTo(64);
    assertThat(
            run(
                    "check",
                    "--client-ip",
                    "192.0.2.1",
                    "--zone",
                    "/dev/null",
                    "--dnsbl",
                    "bl.example=127.0.0.[9..2]")
                .exit())
        .isEqualTo(64);
  }

  @Test
  void unreadableInput_exits66() {
    assertThat(
            run(
                    "check",
                    "--client-ip",
                    "192.0.2.1",
                    "--zone",
                    dir.resolve("missing.zone").toString())
                .exit())
        .isEqualTo(66);
    assertThat(
            run(
                    "check",
                    "--client-ip",
                    "192.0.2.1",
                    "--zone",
                    "/dev/null",
                    dir.resolve("missing.eml").toString())
                .exit())
        .isEqualTo(66);
  }

  @Test
  void demo_showsEveryScenarioWithItsVerdict() {
    Run r = run("demo");
    assertThat(r.exit()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(line(lines, "legitimate signed mail")).contains("ACCEPT");
    assertThat(line(lines, "SBL-listed")).contains("REJECT");
    assertThat(line(lines, "PBL-listed")).contains("REJECT");
    assertThat(line(lines, "spoofed From")).contains("REJECT").contains("dmarc=fail");
    assertThat(line(lines, "127.255.255.254")).doesNotContain("REJECT").contains("temperror");
    assertThat(line(lines, "DNS times out")).contains("TEMPFAIL");
    assertThat(line(lines, "message 1")).contains("ACCEPT");
    assertThat(line(lines, "message 3")).contains("TEMPFAIL");
    assertThat(r.out())
        .contains("warning: ")
        .contains("dkim=pass header.d=good.example.com")
        .contains("dmarc=pass");
  }

  @Test
  void demo_json_printsOneObjectPerTransaction() throws Exception {
    Run r = run("demo", "--json");
    List<JsonNode> objects = new ArrayList<>();
    for (String l : r.out().lines().toList()) {
      objects.add(new ObjectMapper().readTree(l));
    }
    assertThat(objects).hasSize(10);
    assertThat(objects.get(0).get("transaction").asText()).startsWith("legitimate");
    assertThat(objects.get(0).get("verdict").asText()).isEqualTo("ACCEPT");
  }

  @Test
  void ratelimitSimulate_countsPerKey() throws Exception {
    Path events = dir.resolve("events.csv");
    StringBuilder csv = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      csv.append(1_700_000_000 + i).append(",sasl:mallory,10\n");
    }
    Files.writeString(events, csv);
    Run r = run("ratelimit", "simulate", "--limit", "30/1h", "--events", events.toString());
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("sasl:mallory");
    assertThat(
            run("ratelimit", "simulate", "--limit", "thirty", "--events", events.toString()).exit())
        .isEqualTo(64);
  }

  @Test
  void dkimKeygen_printsPemAndRecord() {
    Run r = run("dkim", "keygen", "--type", "ed25519");
    assertThat(r.exit()).isZero();
    assertThat(r.out())
        .contains("-----BEGIN PRIVATE KEY-----")
        .contains("v=DKIM1")
        .contains("k=ed25519");
  }

  @Test
  void listed_exitsOneWhenListed() throws Exception {
    Path z =
        zone(
            "2.2.0.192.bl.example. 300 IN A 127.0.0.2\n2.0.0.127.bl.example. 300 IN A 127.0.0.2\n");
    Run listed =
        run("listed", "192.0.2.2", "192.0.2.3", "--dnsbl", "bl.example", "--zone", z.toString());
    assertThat(listed.exit()).isEqualTo(1);
    assertThat(listed.out()).contains("LISTED").contains("NOT_LISTED");
    assertThat(run("listed", "192.0.2.3", "--dnsbl", "bl.example", "--zone", z.toString()).exit())
        .isZero();
  }

  private static String line(List<String> lines, String marker) {
    return lines.stream()
        .filter(l -> l.contains(marker))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no line with " + marker));
  }

  @Test
  void dmarcReport_namesAnUnreadableFile_summarisesTheRest_andExits65() throws Exception {
    String report =
        """
        <feedback><report_metadata><org_name>R</org_name><report_id>1</report_id>
        <date_range><begin>1000</begin><end>2000</end></date_range></report_metadata>
        <policy_published><domain>example.org</domain><p>none</p></policy_published>
        <record><row><source_ip>192.0.2.7</source_ip><count>3</count>
        <policy_evaluated><disposition>none</disposition><dkim>pass</dkim><spf>pass</spf></policy_evaluated></row>
        <identifiers><header_from>example.org</header_from></identifiers></record></feedback>
        """;
    Path reports = Files.createDirectory(dir.resolve("reports"));
    Files.writeString(reports.resolve("good.xml"), report);
    Run allRead = run("dmarc", "report", "--input", reports.toString());
    assertThat(allRead.exit()).isZero();
    assertThat(allRead.out()).contains("192.0.2.7");
    Files.writeString(
        reports.resolve("deep.xml"),
        "<feedback>" + "<a>".repeat(10_000) + "</a>".repeat(10_000) + "</feedback>");
    Run some = run("dmarc", "report", "--input", reports.toString());
    assertThat(some.exit()).isEqualTo(65);
    assertThat(some.out()).contains("192.0.2.7");
    assertThat(some.err()).contains("deep.xml").contains("depth cap");
  }
}
