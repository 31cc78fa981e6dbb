package dev.mailwarden.examples.cli;

import dev.mailwarden.examples.logs.HtmlReport;
import dev.mailwarden.examples.logs.JsonReport;
import dev.mailwarden.examples.logs.LogLimits;
import dev.mailwarden.examples.logs.LogReport;
import dev.mailwarden.examples.logs.MailLogAnalyzer;
import dev.mailwarden.examples.logs.TextReport;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mailwarden logs FILE...}: a report of the admin's own Postfix log. */
@Command(
    name = "logs",
    mixinStandardHelpOptions = true,
    description = {
      "Read Postfix syslog files (classic or RFC 3339 timestamps, .gz recognised, mailwarden decision lines",
      "mixed in) in one streaming pass and print pflogsumm's grand totals plus SASL users with compromised-account",
      "alarms, SASL authentication failures by IP, remote replies saying we are listed, and decision-line statistics.",
      "Give rotated files oldest first. Exit status 0, 64 usage error, 66 unreadable input."
    })
final class LogsCommand implements Callable<Integer> {
  private static final Pattern RELATIVE = Pattern.compile("(\\d{1,6})([mhd])");

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(
      arity = "1..*",
      paramLabel = "FILE",
      description = "Log files ('-' for standard input).")
  List<String> files = new ArrayList<>();

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Option(
      names = "--since",
      paramLabel = "T",
      description =
          "Skip lines before T, wall-clock time as written in the log: 2026-12-05, 2026-12-05T08:00[:00], or 30m / 24h / 7d ago.")
  String since;

  @Option(
      names = "--top",
      paramLabel = "N",
      defaultValue = "10",
      description = "Entries per list (0: all; default ${DEFAULT-VALUE}).")
  int top;

  @Option(
      names = "--html",
      paramLabel = "FILE",
      description = "Also write a self-contained HTML page with charts to FILE.")
  Path html;

  @Option(
      names = "--syslog-name",
      paramLabel = "NAME",
      defaultValue = "postfix",
      description = "Postfix's syslog_name (default ${DEFAULT-VALUE}).")
  String syslogName;

  @Option(
      names = "--max-queue-ids",
      paramLabel = "N",
      description = "Queue ids remembered at once (default 200000).")
  Integer maxQueueIds;

  @Option(
      names = "--max-distinct",
      paramLabel = "N",
      description =
          "Distinct senders/recipients/domains counted exactly per table (default 1000000).")
  Integer maxDistinct;

  Clock clock =
      Clock.system(ZoneId.systemDefault()); // syslog timestamps are this machine's local time

  @Override
  public Integer call() {
    if (top < 0) {
      throw new ExitCodes.UsageException("--top must be 0 or more");
    }
    LogLimits limits = LogLimits.defaults();
    if (maxQueueIds != null) {
      limits = limits.withMaxQueueIds(maxQueueIds);
    }
    if (maxDistinct != null) {
      limits = limits.withMaxDistinct(maxDistinct);
    }
    MailLogAnalyzer analyzer =
        new MailLogAnalyzer(
            limits, MailLogAnalyzer.Alarms.defaults(), parseSince(since, clock), clock, syslogName);
    for (String f : files) {
      try (InputStream in = f.equals("-") ? System.in : Files.newInputStream(Path.of(f))) {
        analyzer.read(f, in);
      } catch (IOException e) {
        throw new ExitCodes.InputException("cannot read " + f, e);
      }
    }
    LogReport report = analyzer.report();
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(JsonReport.write(report, top));
    } else {
      TextReport.write(report, top, out);
    }
    if (html != null) {
      try {
        Files.writeString(html, HtmlReport.render(report, top), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new ExitCodes.InputException("cannot write " + html, e);
      }
    }
    out.flush();
    return 0;
  }

  static LocalDateTime parseSince(String since, Clock clock) {
    if (since == null) {
      return null;
    }
    Matcher m = RELATIVE.matcher(since);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      Duration d =
          switch (m.group(2)) {
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
          };
      return LocalDateTime.now(clock).minus(d);
    }
    try {
      if (since.length() == 10) {
        return LocalDate.parse(since).atStartOfDay();
      }
      return LocalDateTime.parse(since.toUpperCase(Locale.ROOT));
    } catch (DateTimeParseException e) {
      throw new ExitCodes.UsageException(
          "--since: '"
              + since
              + "' is not a date (2026-12-05), a date-time (2026-12-05T08:00) or 30m/24h/7d");
    }
  }
}
