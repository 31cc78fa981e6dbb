package dev.mailwarden.dnsbl;

/**
 * Domain lists (RHSBL, RFC 5782 section 2.3) such as Spamhaus DBL, checked for the HELO name, the
 * MAIL FROM domain, the From header domains and the client's rDNS name (choose with {@link
 * DnsList#sources}). Names are normalized before the query: lower case, IDN to A-labels, trailing
 * dot removed; address literals and IP addresses are never sent.
 */
public final class Rhsbl {
  private Rhsbl() {}

  /** A domain blocklist on {@code zone}: any 127.0.0.0/8 code counts. */
  public static DnsList list(String zone) {
    return DnsList.create(zone, true, false);
  }

  /**
   * A domain list in postscreen syntax without the weight ({@code zone[=filter]}).
   *
   * @throws IllegalArgumentException naming the position of the first error
   */
  public static DnsList parse(String spec) {
    return DnsList.parse(spec, true, false);
  }

  /**
   * Spamhaus DBL on the public mirrors: 127.0.1.2 spam, .4 phish, .5 malware, .6 botnet-cc,
   * .102-.106 abused legitimate domains; 127.0.1.255 (IP queried) and 127.255.255.0/24 are errors.
   */
  public static DnsList spamhausDbl() {
    return dblCodes(list("dbl.spamhaus.org")).named("dbl.spamhaus.org");
  }

  static DnsList dblCodes(DnsList l) {
    return l.codes("127.0.1.[2..254]")
        .category("127.0.1.2", "spam")
        .category("127.0.1.4", "phish")
        .category("127.0.1.5", "malware")
        .category("127.0.1.6", "botnet-cc")
        .category("127.0.1.102", "abused-legit-spam")
        .category("127.0.1.103", "abused-redirector")
        .category("127.0.1.104", "abused-legit-phish")
        .category("127.0.1.105", "abused-legit-malware")
        .category("127.0.1.106", "abused-legit-botnet-cc")
        .errorCode("127.0.1.255", ListError.QUERY_REJECTED);
  }
}
