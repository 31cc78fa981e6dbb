package dev.mailwarden.examples.cli;

import dev.mailwarden.auth.dkim.DkimKeyPair;
import dev.mailwarden.auth.dkim.DkimKeys;
import dev.mailwarden.auth.dkim.DkimSigner;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mailwarden dkim sign|keygen}. */
@Command(
    name = "dkim",
    mixinStandardHelpOptions = true,
    description = "Sign messages and make keys for DKIM.",
    subcommands = {DkimCommand.Sign.class, DkimCommand.Keygen.class})
final class DkimCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        spec.commandLine(), "choose 'sign' or 'keygen'");
  }

  @Command(
      name = "sign",
      mixinStandardHelpOptions = true,
      description = "Print the message with a DKIM-Signature prepended.")
  static final class Sign implements Callable<Integer> {
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

    @Parameters(index = "0", arity = "0..1", paramLabel = "MESSAGE|-")
    String message = "-";

    @Override
    public Integer call() throws IOException {
      String pem;
      try {
        pem = Files.readString(key);
      } catch (IOException e) {
        throw new ExitCodes.InputException("cannot read key " + key, e);
      }
      byte[] raw = CheckCommand.readMessage(message);
      byte[] signed;
      try {
        signed =
            DkimSigner.builder()
                .domain(domain)
                .selector(selector)
                .privateKeyPem(pem)
                .build()
                .signMessage(raw);
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw new ExitCodes.UsageException("cannot sign: " + e.getMessage());
      }
      PrintStream out = System.out;
      out.write(signed);
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "keygen",
      mixinStandardHelpOptions = true,
      description = "Print a new private key (PEM) and the TXT record to publish.")
  static final class Keygen implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--type", defaultValue = "rsa", paramLabel = "rsa|ed25519")
    String type;

    @Option(names = "--bits", defaultValue = "2048", paramLabel = "N")
    int bits;

    @Override
    public Integer call() {
      DkimKeyPair k =
          switch (type) {
            case "rsa" -> DkimKeys.rsa(bits);
            case "ed25519" -> DkimKeys.ed25519();
            default -> throw new ExitCodes.UsageException("--type must be rsa or ed25519");
          };
      spec.commandLine().getOut().print(k.privateKeyPem());
      spec.commandLine().getOut().println(k.txtRecord());
      return 0;
    }
  }
}
