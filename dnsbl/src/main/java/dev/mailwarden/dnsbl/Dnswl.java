package dev.mailwarden.dnsbl;

/**
 * IP allowlists (DNSWL). A listing is {@code PASS}, scoring negative by default ({@link
 * DnsblWeights}), so it offsets blocklist scores; errors are never listings. Checked like other
 * lists, by {@link Dnsbl#check}.
 */
public final class Dnswl {
  private Dnswl() {}

  /** An allowlist on {@code zone}: any 127.0.0.0/8 code counts. */
  public static DnsList list(String zone) {
    return DnsList.create(zone, false, true);
  }

  /**
   * An allowlist in postscreen syntax without the weight, e.g. {@code
   * list.dnswl.org=127.0.[0..255].[1..3]}.
   *
   * @throws IllegalArgumentException naming the position of the first error
   */
  public static DnsList parse(String spec) {
    return DnsList.parse(spec, false, true);
  }

  /**
   * dnswl.org: codes 127.0.x.y with trust y in 0..3 named {@code trust-none}, {@code trust-low},
   * {@code trust-medium} and {@code trust-high}; 127.0.0.255 (queries refused) is an error.
   */
  public static DnsList dnswlOrg() {
    return list("list.dnswl.org")
        .codes("127.0.[0..254].[0..3]")
        .category("127.0.[0..254].0", "trust-none")
        .category("127.0.[0..254].1", "trust-low")
        .category("127.0.[0..254].2", "trust-medium")
        .category("127.0.[0..254].3", "trust-high")
        .errorCode("127.0.0.255", ListError.BLOCKED)
        .named("list.dnswl.org");
  }
}
