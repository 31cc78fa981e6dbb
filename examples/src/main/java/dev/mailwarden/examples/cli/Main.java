package dev.mailwarden.examples.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code mailwarden} command-line tool. Exit status: 0 ACCEPT, 1 REJECT, 2 TEMPFAIL, 3
 * QUARANTINE ({@code doctor}: 0 no error, 1 errors, 3 warnings only); 64 usage error, 66 unreadable
 * input, 70 internal error.
 */
@Command(
    name = "mailwarden",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description =
        "Mail-security checks for mail gateways: DNSBL, HELO/iprev, SPF, DKIM, DMARC, rate limits.",
    subcommands = {
      CheckCommand.class,
      ListedCommand.class,
      DkimCommand.class,
      ArcCommand.class,
      DmarcCommand.class,
      RatelimitCommand.class,
      DemoCommand.class,
      PolicydCommand.class,
      MilterCommand.class,
      DoctorCommand.class,
      LogsCommand.class
    })
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  // PrintWriter(PrintStream) writes in the stream's own encoding, the console's (JDK 18+:
  // stdout.encoding), which is what a terminal expects; no fixed charset would be right everywhere
  @SuppressWarnings("DefaultCharset")
  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the tool and returns its exit status (used by tests). */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExitCodeExceptionMapper(ExitCodes::forException);
    cli.setParameterExceptionHandler(
        (ex, a) -> {
          err.println("mailwarden: " + ex.getMessage());
          err.println(
              "Try 'mailwarden " + ex.getCommandLine().getCommandName() + " --help' for usage.");
          return ExitCodes.USAGE;
        });
    cli.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          int code = ExitCodes.forException(ex);
          err.println("mailwarden: " + ExitCodes.describe(ex));
          return code;
        });
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a command is required (try --help)");
  }

  /** Reads the version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"mailwarden " + (v == null ? "(development build)" : v)};
    }
  }
}
