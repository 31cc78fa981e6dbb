package dev.mailwarden.examples.cli;

import com.google.common.net.InetAddresses;
import dev.mailwarden.DecisionLog;
import dev.mailwarden.Evaluation;
import dev.mailwarden.MailSession;
import dev.mailwarden.MailWarden;
import dev.mailwarden.MailwardenRuntime;
import dev.mailwarden.auth.arc.Arc;
import dev.mailwarden.auth.dkim.Dkim;
import dev.mailwarden.auth.dmarc.Dmarc;
import dev.mailwarden.auth.helo.Helo;
import dev.mailwarden.auth.helo.Iprev;
import dev.mailwarden.auth.spf.Spf;
import dev.mailwarden.auth.spf.SpfEngine;
import dev.mailwarden.dnsbl.Dnsbl;
import dev.mailwarden.dnsbl.SpamhausDqs;
import dev.mailwarden.examples.policyd.PostscreenLists;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mailwarden check}: evaluates one SMTP transaction and exits with its verdict. */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = {
      "Evaluate one SMTP transaction and print the verdict, score, each check and the",
      "Authentication-Results header. Exit status: 0 ACCEPT, 1 REJECT, 2 TEMPFAIL, 3 QUARANTINE."
    })
final class CheckCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--client-ip",
      required = true,
      paramLabel = "IP",
      description = "The SMTP client's address (IPv4 or IPv6).")
  String clientIp;

  @Option(names = "--helo", paramLabel = "NAME", description = "The HELO/EHLO argument.")
  String helo;

  @Option(
      names = "--mail-from",
      paramLabel = "ADDR",
      description = "The MAIL FROM address; '' or '<>' for the null sender.")
  String mailFrom;

  @Option(names = "--rcpt", paramLabel = "ADDR", description = "A RCPT TO address (repeatable).")
  List<String> recipients = new ArrayList<>();

  @Option(
      names = "--auth-user",
      paramLabel = "U",
      description = "The SASL user name, if the client authenticated.")
  String authUser;

  @Option(
      names = "--authserv-id",
      paramLabel = "NAME",
      defaultValue = "mailwarden.invalid",
      description =
          "The authserv-id of the Authentication-Results header (default: ${DEFAULT-VALUE}).")
  String authservId;

  @Option(
      names = "--deadline",
      paramLabel = "MILLIS",
      defaultValue = "10000",
      description = "Time budget in milliseconds (default: ${DEFAULT-VALUE}).")
  long deadlineMillis;

  @Option(names = "--json", description = "Print one JSON object instead of text.")
  boolean json;

  @Mixin DnsOptions dnsOptions;

  @Option(
      names = "--dnsbl",
      paramLabel = "SPEC",
      description =
          "A DNS blocklist in postscreen syntax, e.g. zen.spamhaus.org=127.0.0.[2..11]*5 (repeatable).")
  List<String> dnsbls = new ArrayList<>();

  @Option(
      names = "--dnswl",
      paramLabel = "SPEC",
      description = "A DNS allowlist in postscreen syntax, e.g. list.dnswl.org*-2 (repeatable).")
  List<String> dnswls = new ArrayList<>();

  @Option(
      names = "--spamhaus-dqs-key",
      paramLabel = "KEY",
      description = "Query Spamhaus ZEN and DBL through DQS with this key (never printed).")
  String dqsKey;

  @Option(
      names = "--no-spf",
      description = "Skip SPF (by default it runs when --mail-from or --helo is given).")
  boolean noSpf;

  @Option(
      names = "--spf-engine",
      paramLabel = "native|jspf",
      defaultValue = "native",
      description = "SPF engine (default: ${DEFAULT-VALUE}).")
  String spfEngine;

  @Option(names = "--no-helo", description = "Skip the HELO and iprev (FCrDNS) checks.")
  boolean noHelo;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "MESSAGE|-",
      description = "The raw message (RFC 5322), or - for standard input.")
  String message;

  @Override
  public Integer call() {
    MailSession session = session();
    if (authservId.isBlank()) {
      throw new ExitCodes.UsageException("--authserv-id must not be blank");
    }
    if (deadlineMillis <= 0) {
      throw new ExitCodes.UsageException("--deadline must be positive");
    }
    try (MailwardenRuntime runtime = dnsOptions.open()) {
      MailWarden.Builder builder =
          MailWarden.builder(runtime)
              .decisionLog(DecisionLog.off()) // the evaluation is printed on stdout
              .deadline(Duration.ofMillis(deadlineMillis));
      registerChecks(builder, runtime.executor());
      Evaluation ev = builder.build().evaluateAndWait(session);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        var node = EvaluationPrinter.toJson(ev, authservId);
        ev.result(Spf.KEY).ifPresent(r -> node.put("receivedSpf", r.receivedSpf(authservId)));
        EvaluationPrinter.printJson(out, node);
      } else {
        EvaluationPrinter.printText(out, ev, authservId);
        ev.result(Spf.KEY).ifPresent(r -> out.println(r.receivedSpf(authservId)));
      }
      return ExitCodes.forVerdict(ev.verdict());
    }
  }

  private void registerChecks(MailWarden.Builder builder, Executor work) {
    try {
      PostscreenLists lists = new PostscreenLists();
      if (dqsKey != null) {
        SpamhausDqs dqs = Dnsbl.spamhausDqs(dqsKey);
        lists.preset(dqs.zen(), 5.0).preset(dqs.dbl(), 5.0); // a listing alone reaches reject-at 5
      }
      dnsbls.forEach(lists::blocklist);
      dnswls.forEach(lists::allowlist);
      lists.registerOn(builder);
    } catch (IllegalArgumentException e) {
      throw new ExitCodes.UsageException("bad list: " + e.getMessage());
    }
    if (!noHelo) {
      builder.check(Iprev.check());
      if (helo != null) {
        builder.check(Helo.check());
      }
    }
    if (!noSpf) {
      SpfEngine engine =
          switch (spfEngine) {
            case "native" -> SpfEngine.nativeEngine();
            case "jspf" -> SpfEngine.jspf(work);
            default ->
                throw new ExitCodes.UsageException(
                    "--spf-engine must be native or jspf, not '" + spfEngine + "'");
          };
      builder.check(Spf.builder().engine(engine).receiver(authservId).build());
    }
    // DKIM, ARC and DMARC apply only when a message is given
    builder.check(Dkim.check()).check(Arc.check()).check(Dmarc.check());
  }

  private MailSession session() {
    MailSession.Builder b = MailSession.builder();
    if (!InetAddresses.isInetAddress(clientIp)) {
      throw new ExitCodes.UsageException("--client-ip '" + clientIp + "' is not an IP address");
    }
    b.clientIp(InetAddresses.forString(clientIp));
    if (helo != null) {
      b.helo(helo);
    }
    if (mailFrom != null) {
      b.mailFrom(mailFrom);
    }
    b.recipients(recipients);
    if (authUser != null) {
      b.authenticatedUser(authUser);
    }
    if (message != null) {
      b.message(readMessage(message));
    }
    return b.build();
  }

  static byte[] readMessage(String source) {
    try {
      if (source.equals("-")) {
        try (InputStream in = System.in) {
          return in.readAllBytes();
        }
      }
      return Files.readAllBytes(Path.of(source));
    } catch (IOException e) {
      throw new ExitCodes.InputException("cannot read message " + source, e);
    }
  }
}
