package dev.mailwarden.examples.cli;

import dev.mailwarden.ratelimit.Limit;
import dev.mailwarden.ratelimit.RateLimitSimulation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mailwarden ratelimit simulate}: try limits on your own logs. */
@Command(
    name = "ratelimit",
    mixinStandardHelpOptions = true,
    description = "Outbound rate-limit tools.",
    subcommands = RatelimitCommand.Simulate.class)
final class RatelimitCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "choose 'simulate'");
  }

  @Command(
      name = "simulate",
      mixinStandardHelpOptions = true,
      description =
          "Replay a CSV of timestamp,key,recipients and print per-key allowed/denied counts and first trip.")
  static final class Simulate implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--limit",
        required = true,
        paramLabel = "N/PERIOD",
        description = "e.g. 100/1h (repeatable).")
    List<String> limits = new ArrayList<>();

    @Option(names = "--events", required = true, paramLabel = "FILE")
    Path events;

    @Override
    public Integer call() {
      List<Limit> parsed = new ArrayList<>();
      try {
        for (String l : limits) {
          parsed.add(Limit.parse(l));
        }
      } catch (IllegalArgumentException e) {
        throw new ExitCodes.UsageException("bad --limit: " + e.getMessage());
      }
      RateLimitSimulation.Result r;
      try {
        r = RateLimitSimulation.of(parsed).run(events);
      } catch (IOException e) {
        throw new ExitCodes.InputException("cannot read " + events, e);
      } catch (IllegalArgumentException e) {
        throw new ExitCodes.UsageException(events + ": " + e.getMessage());
      }
      spec.commandLine().getOut().print(r.toTable());
      return 0;
    }
  }
}
