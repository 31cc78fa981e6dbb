package dev.mailwarden.examples.cli;

import dev.mailwarden.auth.dmarc.AggregateReports;
import dev.mailwarden.auth.dmarc.ReportSummary;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mailwarden dmarc report --input DIR}. */
@Command(
    name = "dmarc",
    mixinStandardHelpOptions = true,
    description = "DMARC tools.",
    subcommands = DmarcCommand.Report.class)
final class DmarcCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "choose 'report'");
  }

  @Command(
      name = "report",
      mixinStandardHelpOptions = true,
      description =
          "Summarise received aggregate reports (XML, .gz, .zip) per source IP. "
              + "Exit 0 when every file was read, 65 when some could not be (each is named).")
  static final class Report implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--input", required = true, paramLabel = "DIR")
    Path input;

    @Override
    public Integer call() {
      if (!Files.isDirectory(input)) {
        throw new ExitCodes.InputException(
            "cannot read " + input, new java.io.IOException("not a directory"));
      }
      ReportSummary summary;
      try {
        summary = AggregateReports.summarizeDirectory(input);
      } catch (UncheckedIOException e) {
        throw new ExitCodes.InputException("cannot read " + input, e);
      }
      // every readable report is summarised; each unreadable file is named on stderr too
      spec.commandLine().getOut().print(summary.render());
      for (String problem : summary.problems()) {
        spec.commandLine().getErr().println("unreadable report " + problem);
      }
      return summary.problems().isEmpty() ? 0 : ExitCodes.DATA_ERROR;
    }
  }
}
