package dev.mailwarden.examples.cli;

import com.google.common.net.InetAddresses;
import dev.mailwarden.MailwardenRuntime;
import dev.mailwarden.dns.NetworkResolver;
import dev.mailwarden.dns.ZoneResolver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Where DNS answers come from: zone files, given servers, or the system's resolv.conf. */
final class DnsOptions {

  @Option(
      names = "--zone",
      paramLabel = "FILE",
      description =
          "Answer all DNS from this RFC 1035 master file (repeatable; no network is used).")
  List<Path> zones = new ArrayList<>();

  @Option(
      names = "--dns-server",
      paramLabel = "HOST[:PORT]",
      description =
          "Send DNS queries to this server (repeatable; IPv6 as [::1]:53). Default: /etc/resolv.conf.")
  List<String> servers = new ArrayList<>();

  /** A runtime answering DNS as the options say, cached; the caller closes it. */
  MailwardenRuntime open() {
    if (!zones.isEmpty() && !servers.isEmpty()) {
      throw new ExitCodes.UsageException("--zone and --dns-server cannot be combined");
    }
    if (!zones.isEmpty()) {
      ZoneResolver.Builder b = ZoneResolver.builder();
      for (Path z : zones) {
        String text;
        try {
          text = Files.readString(z);
        } catch (IOException e) {
          throw new ExitCodes.InputException("cannot read zone file " + z, e);
        }
        try {
          b.zone(text);
        } catch (IllegalArgumentException e) {
          throw new ExitCodes.UsageException("zone file " + z + " is not valid: " + e.getMessage());
        }
      }
      return MailwardenRuntime.builder().dns(b.build()).build();
    }
    NetworkResolver.Builder nb = NetworkResolver.builder();
    for (String s : servers) {
      nb.server(parseServer(s));
    }
    try {
      return MailwardenRuntime.builder().network(nb).build();
    } catch (IllegalStateException e) {
      throw new ExitCodes.UsageException(e.getMessage() + "; give one with --dns-server");
    }
  }

  static InetSocketAddress parseServer(String spec) {
    String host = spec;
    int port = 53;
    if (spec.startsWith("[")) {
      int close = spec.indexOf(']');
      if (close < 0) {
        throw new ExitCodes.UsageException("bad --dns-server '" + spec + "': missing ']'");
      }
      host = spec.substring(1, close);
      if (spec.length() > close + 1) {
        if (spec.charAt(close + 1) != ':') {
          throw new ExitCodes.UsageException("bad --dns-server '" + spec + "'");
        }
        port = parsePort(spec, spec.substring(close + 2));
      }
    } else if (spec.indexOf(':') >= 0 && spec.indexOf(':') == spec.lastIndexOf(':')) {
      host = spec.substring(0, spec.indexOf(':'));
      port = parsePort(spec, spec.substring(spec.indexOf(':') + 1));
    }
    // literal addresses only: a DNS server's name would itself need DNS
    if (!InetAddresses.isInetAddress(host)) {
      throw new ExitCodes.UsageException("bad --dns-server '" + spec + "': give an IP address");
    }
    return new InetSocketAddress(InetAddresses.forString(host), port);
  }

  private static int parsePort(String spec, String port) {
    try {
      int p = Integer.parseInt(port);
      if (p < 1 || p > 65535) {
        throw new NumberFormatException();
      }
      return p;
    } catch (NumberFormatException e) {
      throw new ExitCodes.UsageException("bad port in --dns-server '" + spec + "'");
    }
  }
}
