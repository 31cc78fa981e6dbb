package dev.mailwarden.examples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.net.InetAddresses;
import dev.mailwarden.MailwardenRuntime;
import dev.mailwarden.auth.doctor.Doctor;
import dev.mailwarden.auth.doctor.DoctorFinding;
import dev.mailwarden.auth.doctor.DoctorReport;
import dev.mailwarden.auth.doctor.DoctorRequest;
import dev.mailwarden.auth.doctor.Severity;
import dev.mailwarden.dnsbl.Dnsbl;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mailwarden doctor}: check your own mail server the way receivers will. */
@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    description = {
      "Check your own mail server the way receivers will: reverse DNS, HELO, blocklists, SPF, DKIM keys, DMARC, MX.",
      "Each finding has a severity, a stable code, what was found and how to fix it.",
      "Exit status 0 without errors, 1 with errors, 3 with warnings only; 64 usage error."
    })
final class DoctorCommand implements Callable<Integer> {
  static final int WARNINGS = 3;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--domain",
      required = true,
      paramLabel = "D",
      description = "Your mail domain (the domain of your addresses).")
  String domain;

  @Option(
      names = "--ip",
      required = true,
      paramLabel = "IP",
      description = "An address your server sends from (repeatable).")
  List<String> ips = new ArrayList<>();

  @Option(
      names = "--helo",
      paramLabel = "NAME",
      description = "The HELO/EHLO name your server announces.")
  String helo;

  @Option(
      names = "--selector",
      paramLabel = "S",
      description = "A DKIM selector your server signs with (repeatable).")
  List<String> selectors = new ArrayList<>();

  @Option(
      names = "--dnsbl",
      paramLabel = "SPEC",
      description = "A blocklist in postscreen syntax (repeatable; default Spamhaus ZEN).")
  List<String> specs = new ArrayList<>();

  @Option(
      names = "--spamhaus-dqs-key",
      paramLabel = "KEY",
      description = "Use Spamhaus ZEN through DQS with this key as the default list.")
  String dqsKey;

  @Option(
      names = "--json",
      description =
          "Print {\"domain\":..., \"findings\":[{\"severity\",\"code\",\"message\",\"fix\"}, ...]}.")
  boolean json;

  @Mixin DnsOptions dnsOptions;

  @Override
  public Integer call() {
    DoctorRequest request = request();
    try (MailwardenRuntime runtime = dnsOptions.open()) {
      Doctor.Builder b = Doctor.builder(runtime);
      try {
        for (String s : specs) {
          int star =
              s.lastIndexOf('*'); // postscreen's *weight: irrelevant to where an address is listed
          b.dnsbl(Dnsbl.parse(star < 0 ? s : s.substring(0, star)));
        }
        if (specs.isEmpty() && dqsKey != null) {
          b.dnsbl(Dnsbl.spamhausDqs(dqsKey).zen());
        }
      } catch (IllegalArgumentException e) {
        throw new ExitCodes.UsageException("bad --dnsbl or --spamhaus-dqs-key: " + e.getMessage());
      }
      DoctorReport report = b.build().examineAndWait(request);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        printJson(out, report);
      } else {
        printText(out, report);
      }
      return exitStatus(report);
    }
  }

  /** 1 with errors, 3 with warnings only, 0 otherwise (info findings included). */
  static int exitStatus(DoctorReport report) {
    return switch (report.worst().orElse(Severity.INFO)) {
      case ERROR -> 1;
      case WARNING -> WARNINGS;
      case INFO -> 0;
    };
  }

  private DoctorRequest request() {
    DoctorRequest.Builder r;
    try {
      r = DoctorRequest.builder(domain);
      for (String ip : ips) {
        if (!InetAddresses.isInetAddress(ip)) {
          throw new ExitCodes.UsageException("--ip '" + ip + "' is not an IP address");
        }
        r.ip(InetAddresses.forString(ip)); // literals only: never DNS
      }
      if (helo != null) {
        r.helo(helo);
      }
      selectors.forEach(r::selector);
    } catch (IllegalArgumentException e) {
      throw new ExitCodes.UsageException(e.getMessage());
    }
    return r.build();
  }

  private static void printJson(PrintWriter out, DoctorReport report) {
    ObjectNode root = JSON.createObjectNode();
    root.put("domain", report.domain());
    ArrayNode findings = root.putArray("findings");
    for (DoctorFinding f : report.findings()) {
      ObjectNode n = findings.addObject();
      n.put("severity", f.severity().token());
      n.put("code", f.code());
      n.put("message", f.message());
      n.put("fix", f.fix());
    }
    EvaluationPrinter.printJson(out, root);
  }

  private static void printText(PrintWriter out, DoctorReport report) {
    out.printf(
        Locale.ROOT,
        "mailwarden doctor: %s (%d DNS queries, %d ms)%n",
        report.domain(),
        report.dnsQueries(),
        report.elapsed().toMillis());
    if (report.findings().isEmpty()) {
      out.println("all clear: no finding");
      return;
    }
    for (DoctorFinding f : report.findings()) {
      out.println();
      out.printf(Locale.ROOT, "%-7s %s%n", f.severity().token(), f.code());
      out.println("  " + f.message());
      if (!f.fix().isEmpty()) {
        out.println("  fix: " + f.fix());
      }
    }
    out.println();
    out.printf(
        Locale.ROOT,
        "%d error(s), %d warning(s), %d info%n",
        report.findings(Severity.ERROR).size(),
        report.findings(Severity.WARNING).size(),
        report.findings(Severity.INFO).size());
  }
}
