package dev.mailwarden.auth.helo.internal;

import dev.mailwarden.internal.Cidr;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * Addresses that no public mail client can own: private, loopback, link-local, shared (CGNAT),
 * documentation (TEST-NET), multicast and reserved ranges (RFC 6890 registries).
 */
public final class SpecialAddresses {
  private record Range(Cidr network, String description) {}

  private static final List<Range> RANGES =
      List.of(
          range("0.0.0.0/8", "'this network' (RFC 791)"),
          range("10.0.0.0/8", "private (RFC 1918)"),
          range("100.64.0.0/10", "shared address space (RFC 6598)"),
          range("127.0.0.0/8", "loopback"),
          range("169.254.0.0/16", "link-local"),
          range("172.16.0.0/12", "private (RFC 1918)"),
          range("192.0.0.0/24", "IETF protocol assignment (RFC 6890)"),
          range("192.0.2.0/24", "TEST-NET-1 documentation (RFC 5737)"),
          range("192.168.0.0/16", "private (RFC 1918)"),
          range("198.18.0.0/15", "benchmarking (RFC 2544)"),
          range("198.51.100.0/24", "TEST-NET-2 documentation (RFC 5737)"),
          range("203.0.113.0/24", "TEST-NET-3 documentation (RFC 5737)"),
          range("224.0.0.0/4", "multicast"),
          range("240.0.0.0/4", "reserved (RFC 1112)"),
          range("::/128", "unspecified"),
          range("::1/128", "loopback"),
          range("::/96", "IPv4-compatible (deprecated, RFC 4291)"),
          range("100::/64", "discard-only (RFC 6666)"),
          range("2001:db8::/32", "documentation (RFC 3849)"),
          range("fc00::/7", "unique local (RFC 4193)"),
          range("fe80::/10", "link-local"),
          range("fec0::/10", "site-local (deprecated)"),
          range("ff00::/8", "multicast"));

  private SpecialAddresses() {}

  private static Range range(String cidr, String description) {
    return new Range(Cidr.parse(cidr), description);
  }

  /** Why {@code address} cannot be a public client's address, or empty for a global address. */
  public static Optional<String> describe(InetAddress address) {
    for (Range r : RANGES) {
      if (r.network().contains(address)) {
        return Optional.of(r.description());
      }
    }
    return Optional.empty();
  }

  /** True for a global unicast address. */
  public static boolean isGlobal(InetAddress address) {
    return describe(address).isEmpty();
  }

  /** The client's neighbourhood for relaxed matching: its /24 (IPv4) or /64 (IPv6). */
  public static Cidr neighbourhood(InetAddress address) {
    return Cidr.of(address, address instanceof Inet4Address ? 24 : 64);
  }
}
