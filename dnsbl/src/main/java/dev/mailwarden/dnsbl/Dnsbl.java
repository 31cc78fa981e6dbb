package dev.mailwarden.dnsbl;

import java.util.Arrays;
import java.util.List;

/**
 * IP blocklists (DNSBL, RFC 5782): IPv4 as reversed octets, IPv6 as 32 reversed nibbles,
 * IPv4-mapped IPv6 as IPv4.
 *
 * <pre>{@code
 * MailWarden inbound = MailWarden.builder()
 *     .resolver(dns)
 *     .check(Dnsbl.spamhausZen())                                   // weight 5 per listing
 *     .check(Dnsbl.list("bl.example.net").codes("127.0.0.[2..11]").weight(2.0))
 *     .check(Dnsbl.parse("bl.example.org=127.0.0.4;127.0.0.10*2"))  // postscreen syntax
 *     .check(Dnswl.list("list.dnswl.example"))                      // weight -1
 *     .build();
 * }</pre>
 *
 * <p>Registered without weights, each list scores its own weight ({@code Weights.fromResult()}).
 */
public final class Dnsbl {
  private Dnsbl() {}

  /** A blocklist on {@code zone}: any 127.0.0.0/8 code counts, weight 1. */
  public static DnsList list(String zone) {
    return DnsList.create(zone, false, false);
  }

  /**
   * A list in postscreen syntax: {@code zone[=filter][*weight]}, e.g. {@code
   * zen.spamhaus.org=127.0.0.[2..11]*3} or {@code bl.example.net=127.0.0.4;127.0.0.10*2}. A
   * negative weight makes it an allowlist, as in postscreen ({@code list.dnswl.org*-2}).
   *
   * @throws IllegalArgumentException naming the position of the first error
   */
  public static DnsList parse(String spec) {
    return DnsList.parse(spec, false, false);
  }

  /**
   * Spamhaus ZEN on the public mirrors: SBL 127.0.0.2, CSS .3, XBL .4-.7, DROP .9, PBL .10/.11,
   * each named as a category; the whole 127.255.255.0/24 are errors (public resolver, rate
   * limit, ...), never listings. Weight 5 (a listing alone reaches the default reject threshold).
   * The public mirrors refuse queries through public resolvers; use {@link #spamhausDqs} if you
   * have a DQS key.
   */
  public static DnsList spamhausZen() {
    return zenCodes(list("zen.spamhaus.org")).named("zen.spamhaus.org");
  }

  /** Spamhaus's Data Query Service with your key: {@code dqs.zen()}, {@code dqs.dbl()}. */
  public static SpamhausDqs spamhausDqs(String key) {
    return SpamhausDqs.key(key);
  }

  static DnsList zenCodes(DnsList l) {
    return l.codes("127.0.0.[2..11]")
        .category("127.0.0.2", "sbl")
        .category("127.0.0.3", "css")
        .category("127.0.0.[4..7]", "xbl")
        .category("127.0.0.9", "drop")
        .category("127.0.0.[10..11]", "pbl")
        .weight(5.0);
  }

  /**
   * Several lists as one checker named {@code name}: queried at once, one cache entry per
   * address for all of them, one result. See {@link DnsblGroup}.
   */
  public static DnsblGroup group(String name, DnsList... lists) {
    return new DnsblGroup(name, Arrays.asList(lists));
  }

  /** Several lists as one checker. */
  public static DnsblGroup group(String name, List<DnsList> lists) {
    return new DnsblGroup(name, lists);
  }
}
