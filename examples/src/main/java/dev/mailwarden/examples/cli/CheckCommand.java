package dev.mailwarden.examples.cli;

import dev.mailwarden.Evaluation;
import dev.mailwarden.MailSession;
import dev.mailwarden.MailWarden;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
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

  @Option(names = "--client-ip", required = true, paramLabel = "IP", description = "The SMTP client's address (IPv4 or IPv6).")
  String clientIp;

  @Option(names = "--helo", paramLabel = "NAME", description = "The HELO/EHLO argument.")
  String helo;

  @Option(names = "--mail-from", paramLabel = "ADDR", description = "The MAIL FROM address; '' or '<>' for the null sender.")
  String mailFrom;

  @Option(names = "--rcpt", paramLabel = "ADDR", description = "A RCPT TO address (repeatable).")
  List<String> recipients = new ArrayList<>();

  @Option(names = "--auth-user", paramLabel = "U", description = "The SASL user name, if the client authenticated.")
  String authUser;

  @Option(names = "--authserv-id", paramLabel = "NAME", defaultValue = "mailwarden.invalid",
      description = "The authserv-id of the Authentication-Results header (default: ${DEFAULT-VALUE}).")
  String authservId;

  @Option(names = "--deadline", paramLabel = "MILLIS", defaultValue = "10000", description = "Time budget in milliseconds (default: ${DEFAULT-VALUE}).")
  long deadlineMillis;

  @Option(names = "--json", description = "Print one JSON object instead of text.")
  boolean json;

  @Mixin DnsOptions dnsOptions;

  @Parameters(index = "0", arity = "0..1", paramLabel = "MESSAGE|-", description = "The raw message (RFC 5322), or - for standard input.")
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
    try (DnsOptions.Resolver resolver = dnsOptions.open()) {
      MailWarden.Builder builder =
          MailWarden.builder().resolver(resolver.dns()).deadline(Duration.ofMillis(deadlineMillis));
      // checks are registered here as the modules land (dnsbl, helo, spf, dkim, dmarc)
      Evaluation ev = builder.build().evaluateAndWait(session);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        EvaluationPrinter.printJson(out, EvaluationPrinter.toJson(ev, authservId));
      } else {
        EvaluationPrinter.printText(out, ev, authservId);
      }
      return ExitCodes.forVerdict(ev.verdict());
    }
  }

  private MailSession session() {
    MailSession.Builder b = MailSession.builder();
    try {
      if (!clientIp.matches("[0-9a-fA-F:.]+")) {
        throw new UnknownHostException(clientIp);
      }
      b.clientIp(InetAddress.getByName(clientIp));
    } catch (UnknownHostException e) {
      throw new ExitCodes.UsageException("--client-ip '" + clientIp + "' is not an IP address");
    }
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
