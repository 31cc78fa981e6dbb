package dev.mailwarden.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the {@code nameserver} lines of a resolv.conf file; nothing else of it is used. */
final class ResolvConf {
  private ResolvConf() {}

  static List<InetSocketAddress> read(Path path) {
    List<String> lines;
    try {
      lines = Files.readAllLines(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return List.of();
    }
    List<InetSocketAddress> out = new ArrayList<>();
    for (String line : lines) {
      String[] parts = line.trim().split("\\s+");
      if (parts.length >= 2 && parts[0].equals("nameserver")) {
        String literal = parts[1];
        int zone = literal.indexOf('%');
        if (zone >= 0) {
          literal = literal.substring(0, zone);
        }
        byte[] bytes =
            org.xbill.DNS.Address.toByteArray(
                literal,
                literal.indexOf(':') >= 0
                    ? org.xbill.DNS.Address.IPv6
                    : org.xbill.DNS.Address.IPv4);
        if (bytes != null) {
          try {
            out.add(new InetSocketAddress(InetAddress.getByAddress(bytes), 53));
          } catch (java.net.UnknownHostException e) {
            // not reachable: toByteArray returned 4 or 16 bytes
          }
        }
      }
    }
    return out;
  }
}
