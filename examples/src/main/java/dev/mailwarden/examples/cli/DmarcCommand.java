package dev.mailwarden.examples.cli;

import dev.mailwarden.auth.dmarc.AggregateReports;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mailwarden dmarc report --input DIR}. */
@Command(name = "dmarc", mixinStandardHelpOptions = true, description = "DMARC tools.", subcommands = DmarcCommand.Report.class)
final class DmarcCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "choose 'report'");
  }

  @Command(name = "report", mixinStandardHelpOptions = true,
      description = "Summarise received aggregate reports (XML, .gz, .zip) per source IP.")
  static final class Report implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Option(names = "--input", required = true, paramLabel = "DIR") Path input;

    @Override
    public Integer call() {
      if (!Files.isDirectory(input)) {
        throw new ExitCodes.InputException("cannot read " + input, new java.io.IOException("not a directory"));
      }
      try {
        spec.commandLine().getOut().print(AggregateReports.summarizeDirectory(input).render());
      } catch (UncheckedIOException e) {
        throw new ExitCodes.InputException("cannot read " + input, e);
      }
      return 0;
    }
  }
}
