package dev.mailwarden.examples.cli;

import dev.mailwarden.MailwardenRuntime;
import dev.mailwarden.auth.arc.ArcSealer;
import dev.mailwarden.auth.arc.ArcStatus;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mailwarden arc seal}. */
@Command(
    name = "arc",
    mixinStandardHelpOptions = true,
    description = "Seal messages with ARC (RFC 8617).",
    subcommands = {ArcCommand.Seal.class})
final class ArcCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "choose 'seal'");
  }

  @Command(
      name = "seal",
      mixinStandardHelpOptions = true,
      description = {
        "Print the message with a new ARC set prepended (ARC-Seal, ARC-Message-Signature,"
            + " ARC-Authentication-Results).",
        "The AAR carries the message's Authentication-Results fields for --authserv-id. cv comes from --cv,"
            + " else from the arc= result in those fields, else from verifying the chain through the DNS options.",
        "A chain whose newest seal says cv=fail is printed unchanged."
      })
  static final class Seal implements Callable<Integer> {
    @Option(names = "--domain", required = true, paramLabel = "D")
    String domain;

    @Option(names = "--selector", required = true, paramLabel = "S")
    String selector;

    @Option(
        names = "--key",
        required = true,
        paramLabel = "FILE",
        description = "Private key, PEM (PKCS#8, RSA or Ed25519).")
    Path key;

    @Option(
        names = "--authserv-id",
        required = true,
        paramLabel = "ID",
        description = "This hop's authserv-id.")
    String authservId;

    @Option(
        names = "--cv",
        paramLabel = "none|pass|fail",
        description = "The chain validation status to seal with.")
    String cv;

    @Mixin DnsOptions dnsOptions;

    @Parameters(index = "0", arity = "0..1", paramLabel = "MESSAGE|-")
    String message = "-";

    @Override
    public Integer call() throws IOException, InterruptedException {
      String pem;
      try {
        pem = Files.readString(key);
      } catch (IOException e) {
        throw new ExitCodes.InputException("cannot read key " + key, e);
      }
      ArcStatus given = null;
      if (cv != null) {
        try {
          given = ArcStatus.fromToken(cv);
        } catch (IllegalArgumentException e) {
          throw new ExitCodes.UsageException("--cv must be none, pass or fail, not '" + cv + "'");
        }
      }
      byte[] raw = CheckCommand.readMessage(message);
      ArcSealer sealer;
      try {
        sealer =
            ArcSealer.builder()
                .domain(domain)
                .selector(selector)
                .privateKeyPem(pem)
                .authservId(authservId)
                .build();
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw new ExitCodes.UsageException("cannot seal: " + e.getMessage());
      }
      ArcStatus status = given;
      if (status == null) {
        try (MailwardenRuntime runtime = dnsOptions.open()) {
          status = sealer.chainStatus(raw, runtime.dns()).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
          status = ArcStatus.FAIL; // an unverifiable chain is never passed on as intact
        }
      }
      Optional<String> fields;
      try {
        fields = sealer.sealHeaders(raw, status, null);
      } catch (IllegalArgumentException e) {
        throw new ExitCodes.UsageException("cannot seal: " + e.getMessage());
      }
      PrintStream out = System.out;
      if (fields.isPresent()) {
        out.write(fields.get().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      } else {
        System.err.println("not sealed: the chain already ends with cv=fail");
      }
      out.write(raw);
      out.flush();
      return 0;
    }
  }
}
