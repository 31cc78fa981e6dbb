package dev.mailwarden.examples.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.net.InetAddresses;
import dev.mailwarden.CheckReport;
import dev.mailwarden.DecisionLog;
import dev.mailwarden.Evaluation;
import dev.mailwarden.MailSession;
import dev.mailwarden.MailWarden;
import dev.mailwarden.MailwardenRuntime;
import dev.mailwarden.Outcome;
import dev.mailwarden.Ticker;
import dev.mailwarden.auth.dkim.Dkim;
import dev.mailwarden.auth.dkim.DkimKeyPair;
import dev.mailwarden.auth.dkim.DkimKeys;
import dev.mailwarden.auth.dkim.DkimSigner;
import dev.mailwarden.auth.dmarc.Dmarc;
import dev.mailwarden.auth.helo.Helo;
import dev.mailwarden.auth.helo.Iprev;
import dev.mailwarden.auth.spf.Spf;
import dev.mailwarden.dns.DnsStatus;
import dev.mailwarden.dns.ZoneResolver;
import dev.mailwarden.dnsbl.Dnsbl;
import dev.mailwarden.dnsbl.DnsblResult;
import dev.mailwarden.dnsbl.DnsblWeights;
import dev.mailwarden.dnsbl.ListResult;
import dev.mailwarden.ratelimit.Limit;
import dev.mailwarden.ratelimit.OutboundLimit;
import dev.mailwarden.ratelimit.RateKey;
import dev.mailwarden.ratelimit.RateLimiter;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mailwarden demo}: a handful of SMTP transactions against a zone and messages bundled in
 * the jar. No network, no set-up. Every verdict is computed by the real checks.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Run sample SMTP transactions against a bundled DNS zone (no network) and print the verdicts.")
final class DemoCommand implements java.util.concurrent.Callable<Integer> {
  private static final String AUTHSERV_ID = "mx.receiver.example.org";
  private static final String RESOURCES = "/dev/mailwarden/examples/demo/";

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--json", description = "Print one JSON object per transaction (JSON lines).")
  boolean json;

  /** One transaction of the demo and its evaluation. */
  private record Row(String transaction, Evaluation evaluation) {}

  @Override
  public Integer call() throws Exception {
    try (MailwardenRuntime runtime = MailwardenRuntime.builder().dns(demoZone()).build()) {
      List<Row> rows = run(runtime);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        for (Row r : rows) {
          ObjectNode node = EvaluationPrinter.toJson(r.evaluation(), AUTHSERV_ID);
          node.put("transaction", r.transaction());
          EvaluationPrinter.printJson(out, node);
        }
      } else {
        printTable(out, rows);
      }
      return 0;
    }
  }

  // the DKIM key of good.example.com is made fresh for each run and published in the demo zone
  private final DkimKeyPair key = DkimKeys.rsa(2048);

  private ZoneResolver demoZone() throws IOException {
    return ZoneResolver.builder()
        .zone(resource("demo.zone"))
        .txt(DkimKeyPair.recordName("demo", "good.example.com"), key.txtRecord())
        .fail("slow.example.net", DnsStatus.TIMEOUT) // the sender domain whose DNS times out
        .build();
  }

  private List<Row> run(MailwardenRuntime runtime) throws Exception {
    MailWarden inbound =
        MailWarden.builder(runtime)
            .decisionLog(DecisionLog.off()) // the demo prints every evaluation itself
            .check(
                Dnsbl.check(Dnsbl.spamhausZen()), DnsblWeights.listed(5.0)) // one listing rejects
            .check(Iprev.check())
            .check(Helo.check())
            .require(Spf.builder().receiver(AUTHSERV_ID).build()) // SPF temperror → TEMPFAIL
            .check(Dkim.check())
            .check(Dmarc.check())
            .quarantineAt(3.0)
            .rejectAt(5.0)
            .deadline(Duration.ofSeconds(5))
            .build();

    byte[] legit =
        DkimSigner.builder()
            .domain("good.example.com")
            .selector("demo")
            .privateKey(key.privateKey())
            .clock(Clock.systemUTC())
            .build()
            .signMessage(bytes("legit.eml"));

    List<Row> rows = new ArrayList<>();
    rows.add(
        new Row(
            "legitimate signed mail from good.example.com",
            inbound.evaluateAndWait(
                session("192.0.2.10", "mail.good.example.com", "alice@good.example.com", legit))));
    rows.add(
        new Row(
            "SBL-listed client at connect",
            inbound.evaluateAndWait(MailSession.builder().clientIp(ip("198.51.100.66")).build())));
    rows.add(
        new Row(
            "PBL-listed residential client, dynamic HELO",
            inbound.evaluateAndWait(
                MailSession.builder()
                    .clientIp(ip("203.0.113.23"))
                    .helo("dsl-203-0-113-23.dyn.isp.example.net")
                    .build())));
    rows.add(
        new Row(
            "spoofed From of p=reject bank.example.com",
            inbound.evaluateAndWait(
                session(
                    "192.0.2.99",
                    "mx.spammer.example.net",
                    "bulk@spammer.example.net",
                    bytes("spoofed.eml")))));
    rows.add(
        new Row(
            "ZEN answers 127.255.255.254",
            inbound.evaluateAndWait(
                MailSession.builder()
                    .clientIp(ip("192.0.2.200"))
                    .helo("mail2.good.example.com")
                    .build())));
    rows.add(
        new Row(
            "sender domain whose DNS times out",
            inbound.evaluateAndWait(
                session("192.0.2.10", "mail.good.example.com", "news@slow.example.net", null))));

    // outbound: a compromised account bursts mail until the limiter stops it (time is simulated)
    AtomicLong now = new AtomicLong();
    Ticker ticker = now::get;
    RateLimiter limiter = RateLimiter.builder().limit(Limit.parse("50/1h")).ticker(ticker).build();
    MailWarden outbound =
        MailWarden.builder(runtime)
            .decisionLog(DecisionLog.off())
            .check(OutboundLimit.check(limiter, RateKey.authenticatedUser()))
            .build();
    List<String> twenty = new ArrayList<>();
    for (int i = 1; i <= 20; i++) {
      twenty.add("victim" + i + "@elsewhere.example.org");
    }
    for (int message = 1; message <= 4; message++) {
      MailSession s =
          MailSession.builder()
              .clientIp(ip("192.0.2.1"))
              .helo("relay.good.example.com")
              .authenticatedUser("mallory")
              .mailFrom("mallory@good.example.com")
              .recipients(twenty)
              .message(bytes("outbound.eml"))
              .build();
      rows.add(
          new Row(
              "outbound burst, message " + message + " (20 rcpts, limit 50/1h)",
              outbound.evaluateAndWait(s)));
      now.addAndGet(Duration.ofSeconds(30).toNanos());
    }
    return rows;
  }

  private void printTable(PrintWriter out, List<Row> rows) {
    out.println("mailwarden demo: DNS from a zone bundled in the jar, no network");
    out.println();
    out.printf(
        Locale.ROOT,
        "%-50s %-10s %6s  %s%n",
        "transaction",
        "verdict",
        "score",
        "decisive reasons");
    out.println("-".repeat(120));
    List<String> warnings = new ArrayList<>();
    for (Row r : rows) {
      Evaluation ev = r.evaluation();
      out.printf(
          Locale.ROOT,
          "%-50s %-10s %6s  %s%n",
          r.transaction(),
          ev.verdict(),
          EvaluationPrinter.score(ev.score()),
          reasons(ev));
      for (CheckReport c : ev.checks()) {
        if (c.result() instanceof DnsblResult dnsbl) {
          for (ListResult l : dnsbl.errors()) {
            if (l.zone().endsWith("spamhaus.org") && l.error().orElseThrow().isListProblem()) {
              warnings.add(
                  r.transaction()
                      + ": "
                      + l.detail()
                      + " — this is an error, not a listing; query Spamhaus through your own recursive resolver or use DQS.");
            }
          }
        }
      }
    }
    if (!warnings.isEmpty()) {
      out.println();
      warnings.forEach(w -> out.println("warning: " + w));
    }
    out.println();
    for (Row r : rows) {
      out.println("# " + r.transaction() + " — " + r.evaluation().smtpReply());
      out.println(r.evaluation().authenticationResults(AUTHSERV_ID).replace("\r\n", "\n"));
      out.println();
    }
  }

  /** The decisive check, or the checks that contributed, with their reasons. */
  private static String reasons(Evaluation ev) {
    List<String> parts = new ArrayList<>();
    for (CheckReport c : ev.checks()) {
      boolean decisive = ev.decisiveCheck().map(c.name()::equals).orElse(false);
      boolean skipped = c.status() == CheckReport.Status.SKIPPED; // not awaited after the verdict
      if (!skipped && (decisive || c.score() != 0 || c.outcome() == Outcome.TEMPERROR)) {
        parts.add(c.name() + "=" + c.outcome().token() + " (" + c.result().reason() + ")");
      }
    }
    String s =
        parts.isEmpty() ? "all checks passed or had nothing to say" : String.join("; ", parts);
    return s.length() > 160 ? s.substring(0, 157) + "..." : s;
  }

  private static MailSession session(String ip, String helo, String from, byte[] message) {
    MailSession.Builder b =
        MailSession.builder()
            .clientIp(ip(ip))
            .helo(helo)
            .mailFrom(from)
            .recipient("bob@receiver.example.org");
    if (message != null) {
      b.message(message);
    }
    return b.build();
  }

  private static InetAddress ip(String literal) {
    return InetAddresses.forString(literal); // literals only: never DNS
  }

  private static byte[] bytes(String name) {
    try (InputStream in = DemoCommand.class.getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        throw new IllegalStateException("demo resource missing from the jar: " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String resource(String name) {
    return new String(bytes(name), StandardCharsets.UTF_8);
  }
}
