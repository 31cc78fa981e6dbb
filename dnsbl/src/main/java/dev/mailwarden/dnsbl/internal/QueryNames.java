package dev.mailwarden.dnsbl.internal;

import dev.mailwarden.internal.ReverseNames;

/** RFC 5782 query names; the reversed addresses come from core's {@link ReverseNames}. */
public final class QueryNames {
  private QueryNames() {}

  /** The query name for an address key: IPv4 form for IPv4 and IPv4-mapped addresses. */
  public static String forKey(AddressKey key, String zone) {
    return key.isIpv4()
        ? ReverseNames.ipv4(key.ipv4(), zone)
        : ReverseNames.ipv6(key.hi, key.lo, zone);
  }

  /** {@code domain.zone} (section 2.3); the domain is already normalized. */
  public static String domain(String domain, String zone) {
    return domain + "." + zone;
  }
}
