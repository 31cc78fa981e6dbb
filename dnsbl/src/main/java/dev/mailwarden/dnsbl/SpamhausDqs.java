package dev.mailwarden.dnsbl;

import static java.util.Objects.requireNonNull;

/**
 * Spamhaus's Data Query Service: the same data as the public mirrors, queried as {@code
 * <key>.zen.dq.spamhaus.net} etc. The key is a secret: it appears only in the query sent, never in
 * {@code toString()}, results, details, reasons, events or SMTP replies (shown as {@code <key>}).
 * Invalid keys answer 127.255.255.250/251, reported as {@link ListError#INVALID_KEY}.
 *
 * <pre>{@code
 * SpamhausDqs dqs = Dnsbl.spamhausDqs(System.getenv("DQS_KEY"));
 * builder.check(Dnsbl.check(dqs.zen(), dqs.dbl()), DnsblWeights.listed(5.0));
 * }</pre>
 */
public final class SpamhausDqs {
  private final String key;

  private SpamhausDqs(String key) {
    this.key = key;
  }

  /** DQS with this key (8-64 letters and digits). */
  public static SpamhausDqs key(String key) {
    requireNonNull(key, "key");
    String k = key.trim();
    DnsList.secretZone(k, "zen.dq.spamhaus.net", false); // validates the key
    return new SpamhausDqs(k);
  }

  /** ZEN (SBL, CSS, XBL, DROP, PBL) with the codes of {@link Dnsbl#spamhausZen()}. */
  public DnsList zen() {
    return Dnsbl.zenCodes(DnsList.secretZone(key, "zen.dq.spamhaus.net", false));
  }

  /** DBL with the codes of {@link Rhsbl#spamhausDbl()}. */
  public DnsList dbl() {
    return Rhsbl.dblCodes(DnsList.secretZone(key, "dbl.dq.spamhaus.net", true));
  }

  /** Zero Reputation Domains: 127.0.2.2-24 (hours since first seen), category {@code zrd}. */
  public DnsList zrd() {
    return DnsList.secretZone(key, "zrd.dq.spamhaus.net", true)
        .codes("127.0.2.[2..24]")
        .category("127.0.2.[2..24]", "zrd");
  }

  @Override
  public String toString() {
    return "SpamhausDqs[key=" + "<redacted>" + "]";
  }
}
