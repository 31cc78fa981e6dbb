package dev.mailwarden.examples.cli;

import com.google.common.net.InetAddresses;
import dev.mailwarden.MailwardenRuntime;
import dev.mailwarden.dnsbl.DnsList;
import dev.mailwarden.dnsbl.Dnsbl;
import dev.mailwarden.dnsbl.ListingMonitor;
import dev.mailwarden.dnsbl.MonitorReport;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mailwarden listed IP...}: where are these (your own outbound) addresses listed? */
@Command(
    name = "listed",
    mixinStandardHelpOptions = true,
    description = {
      "Check IP addresses against DNS blocklists and print LISTED / NOT_LISTED / ERROR per list.",
      "Exit status 1 when any address is listed, 0 otherwise."
    })
final class ListedCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "IP", description = "Addresses to check.")
  List<String> ips = new ArrayList<>();

  @Option(
      names = "--dnsbl",
      paramLabel = "SPEC",
      description = "A list in postscreen syntax (repeatable; default Spamhaus ZEN).")
  List<String> specs = new ArrayList<>();

  @Option(
      names = "--spamhaus-dqs-key",
      paramLabel = "KEY",
      description = "Use Spamhaus ZEN through DQS with this key as the default list.")
  String dqsKey;

  @Mixin DnsOptions dnsOptions;

  @Override
  public Integer call() {
    List<InetAddress> addresses = new ArrayList<>();
    for (String ip : ips) {
      if (!InetAddresses.isInetAddress(ip)) {
        throw new ExitCodes.UsageException("'" + ip + "' is not an IP address");
      }
      addresses.add(InetAddresses.forString(ip));
    }
    List<DnsList> lists = new ArrayList<>();
    try {
      for (String s : specs) {
        // postscreen's *weight says what a listing scores; here only where it is listed matters
        int star = s.lastIndexOf('*');
        lists.add(Dnsbl.parse(star < 0 ? s : s.substring(0, star)));
      }
    } catch (IllegalArgumentException e) {
      throw new ExitCodes.UsageException("bad --dnsbl: " + e.getMessage());
    }
    if (lists.isEmpty()) {
      lists.add(dqsKey != null ? Dnsbl.spamhausDqs(dqsKey).zen() : Dnsbl.spamhausZen());
    }
    try (MailwardenRuntime runtime = dnsOptions.open()) {
      MonitorReport report =
          ListingMonitor.builder(runtime).lists(lists).build().checkAndWait(addresses);
      report.lines().forEach(spec.commandLine().getOut()::println);
      return report.anyListed() ? 1 : 0;
    }
  }
}
