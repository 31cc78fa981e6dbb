package dev.mailwarden.dnsbl;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * DNS lists (RFC 5782): the checker over them, and IP blocklists (IPv4 as reversed octets, IPv6 as
 * 32 reversed nibbles, IPv4-mapped IPv6 as IPv4). Lists are values ({@link DnsList}); one checker
 * queries all of its lists at once, with one cache entry per address; what a listing scores is
 * given at registration.
 *
 * <pre>{@code
 * MailWarden inbound = MailWarden.builder(runtime)
 *     .check(Dnsbl.check(Dnsbl.spamhausZen()), DnsblWeights.listed(5.0))   // rejects on a listing
 *     .check(Dnsbl.builder()
 *             .list(Dnsbl.list("bl.example.net").codes("127.0.0.[2..11]"))
 *             .list(Dnsbl.parse("bl.example.org=127.0.0.4;127.0.0.10"))    // postscreen syntax
 *             .list(Dnswl.list("list.dnswl.example"))
 *             .name("lists")
 *             .build(),
 *         DnsblWeights.builder().list("bl.example.net", 2.0).list("list.dnswl.example", -3.0).build())
 *     .build();
 * }</pre>
 */
public final class Dnsbl {
  private Dnsbl() {}

  /**
   * A checker of these lists, named {@code dnsbl}; registered without weights each listing
   * blocklist scores +1 and each listing allowlist -1 ({@link DnsblWeights#defaults()}).
   */
  public static DnsblChecker check(DnsList first, DnsList... more) {
    return builder().list(first).lists(Arrays.asList(more)).build();
  }

  /** A builder of a checker over several lists. */
  public static Builder builder() {
    return new Builder();
  }

  /** A blocklist on {@code zone}: any 127.0.0.0/8 code counts. */
  public static DnsList list(String zone) {
    return DnsList.create(zone, false, false);
  }

  /**
   * A list in postscreen syntax without the weight: {@code zone[=filter]}, e.g. {@code
   * zen.spamhaus.org=127.0.0.[2..11]} or {@code bl.example.net=127.0.0.4;127.0.0.10}. A {@code
   * *weight} suffix is refused: the weight goes with the registration ({@link DnsblWeights}).
   *
   * @throws IllegalArgumentException naming the position of the first error
   */
  public static DnsList parse(String spec) {
    return DnsList.parse(spec, false, false);
  }

  /**
   * Spamhaus ZEN on the public mirrors: SBL 127.0.0.2, CSS .3, XBL .4-.7, DROP .9, PBL .10/.11,
   * each named as a category; the whole 127.255.255.0/24 are errors (public resolver, rate limit,
   * ...), never listings. The public mirrors refuse queries through public resolvers; use {@link
   * #spamhausDqs} if you have a DQS key.
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
        .category("127.0.0.[10..11]", "pbl");
  }

  /** Builds a {@link DnsblChecker}: at least one list; name {@code dnsbl} unless set. */
  public static final class Builder {
    private final List<DnsList> lists = new ArrayList<>();
    private String name = "dnsbl";
    private boolean nameSet;

    private Builder() {}

    /** A list to check; repeatable. */
    public Builder list(DnsList list) {
      lists.add(requireNonNull(list, "list"));
      return this;
    }

    /** Several lists to check. */
    public Builder lists(Collection<DnsList> more) {
      more.forEach(this::list);
      return this;
    }

    /** The checker's name in reports (default {@code dnsbl}); unique per MailWarden. */
    public Builder name(String name) {
      requireNonNull(name, "name");
      if (nameSet) {
        throw new IllegalStateException("name was already set to " + this.name);
      }
      nameSet = true;
      this.name = name;
      return this;
    }

    /**
     * @throws IllegalArgumentException without a list, or with two lists of the same name
     */
    public DnsblChecker build() {
      return new DnsblChecker(name, lists);
    }
  }
}
