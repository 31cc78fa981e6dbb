package dev.mailwarden.examples.policyd;

import com.google.common.net.InetAddresses;
import java.net.InetAddress;
import java.util.List;

/**
 * A network allowed to talk to the policy server, in CIDR notation ({@code 127.0.0.0/8}, {@code
 * ::1/128}; a plain address is one host). An IPv4-mapped IPv6 client matches IPv4 networks.
 */
public record ClientNetwork(byte[] network, int prefix, String text) {
  /** Loopback only: the default allow-list. */
  public static final List<ClientNetwork> LOOPBACK =
      List.of(parse("127.0.0.0/8"), parse("::1/128"));

  /** Parses a network; an IllegalArgumentException names what is wrong. */
  public static ClientNetwork parse(String cidr) {
    String t = cidr.strip();
    int slash = t.indexOf('/');
    InetAddress a;
    try {
      a = InetAddresses.forString(slash < 0 ? t : t.substring(0, slash));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a network in CIDR notation: '" + cidr + "'");
    }
    byte[] bytes = a.getAddress();
    int max = bytes.length * 8;
    int prefix;
    try {
      prefix = slash < 0 ? max : Integer.parseInt(t.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad prefix length in '" + cidr + "'");
    }
    if (prefix < 0 || prefix > max) {
      throw new IllegalArgumentException("prefix length out of range in '" + cidr + "'");
    }
    return new ClientNetwork(bytes, prefix, t);
  }

  /** Whether {@code client} lies in this network. */
  public boolean contains(InetAddress client) {
    byte[] c = client.getAddress();
    if (c.length == 16 && network.length == 4 && isMappedV4(c)) {
      c = java.util.Arrays.copyOfRange(c, 12, 16);
    }
    if (c.length != network.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (c[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = 0xff << (8 - rest) & 0xff;
    return (c[full] & mask) == (network[full] & mask);
  }

  private static boolean isMappedV4(byte[] c) {
    for (int i = 0; i < 10; i++) {
      if (c[i] != 0) {
        return false;
      }
    }
    return c[10] == (byte) 0xff && c[11] == (byte) 0xff;
  }

  @Override
  public String toString() {
    return text;
  }
}
