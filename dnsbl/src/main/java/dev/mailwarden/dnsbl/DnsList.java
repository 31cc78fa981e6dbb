package dev.mailwarden.dnsbl;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.CheckContext;
import dev.mailwarden.CheckKey;
import dev.mailwarden.Checker;
import dev.mailwarden.MailSession;
import dev.mailwarden.dnsbl.internal.ListSpec;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * One DNS list with its settings: an IP blocklist ({@link Dnsbl#list}), an IP allowlist ({@link
 * Dnswl#list}) or a domain list ({@link Rhsbl#list}). Immutable: every setter returns a changed
 * copy, so {@code Dnsbl.list("bl.example.net").codes("127.0.0.[2..11]").weight(2.0)} reads as
 * configuration. It is also a {@link Checker} on its own (name: the zone, plus {@code =filter} if
 * there is one); to query several lists with one shared cache entry per address, put them in a
 * {@link Dnsbl#group group}.
 *
 * <p>Defaults: every code in 127.0.0.0/8 counts (postscreen's default), weight 1 (−1 for
 * allowlists), Spamhaus's error codes 127.255.255.0/24 are errors, the TXT reason is fetched for
 * listings, health probes run every 10 minutes (every minute while unhealthy) and an unhealthy
 * list is skipped, results cached for up to 10,000 addresses.
 *
 * <p>Two lists compare equal when their settings are equal (the parsed spec and the fluent
 * configuration of the same list are equal).
 */
public final class DnsList implements Checker<DnsblResult> {
  private static final long DEFAULT_PROBE_INTERVAL = Duration.ofMinutes(10).toNanos();
  private static final long DEFAULT_RETRY_INTERVAL = Duration.ofMinutes(1).toNanos();

  /** The error codes every list starts with: Spamhaus's 127.255.255.0/24. */
  static final Map<Integer, ListError> SPAMHAUS_ERRORS;

  static {
    Map<Integer, ListError> m = new LinkedHashMap<>();
    for (int i = 0; i < 256; i++) {
      m.put(0x7fff_ff00 | i, ListError.LIST_ERROR);
    }
    m.put(0x7fff_fffa, ListError.INVALID_KEY); // .250
    m.put(0x7fff_fffb, ListError.INVALID_KEY); // .251
    m.put(0x7fff_fffc, ListError.TYPO_ZONE); // .252
    m.put(0x7fff_fffe, ListError.BLOCKED); // .254
    m.put(0x7fff_ffff, ListError.RATE_LIMITED); // .255
    SPAMHAUS_ERRORS = Collections.unmodifiableMap(m);
  }

  private final ListSpec spec;
  private final CheckKey<DnsblResult> key;
  private volatile @Nullable DnsblGroup runner; // created on first check

  private DnsList(ListSpec spec) {
    this.spec = spec;
    this.key = CheckKey.of(spec.name(), DnsblResult.class);
  }

  static DnsList create(String zone, boolean domain, boolean allowlist) {
    String z = normalizeZone(zone, 0);
    return new DnsList(
        new ListSpec(z, z, z, null, domain, allowlist, CodeFilter.any(), allowlist ? -1.0 : 1.0,
            Map.of(), SPAMHAUS_ERRORS, !allowlist,
            domain ? EnumSet.allOf(DomainSource.class) : Set.of(), true, true, true,
            DEFAULT_PROBE_INTERVAL, DEFAULT_RETRY_INTERVAL, 10_000, ListSpec.DEFAULT_MAX_FROM_DOMAINS));
  }

  /** A DQS list: the key goes into the queried zone, never into any name shown. */
  static DnsList secretZone(String key, String zoneSuffix, boolean domain) {
    requireNonNull(key, "key");
    if (!key.matches("[A-Za-z0-9]{8,64}")) {
      throw new IllegalArgumentException("a Spamhaus DQS key is 8-64 letters and digits");
    }
    String display = zoneSuffix;
    String zone = key + "." + zoneSuffix;
    DnsList base = create(zoneSuffix, domain, false);
    ListSpec s = base.spec;
    return new DnsList(
        new ListSpec(display, zone, ListSpec.REDACTED + "." + zoneSuffix, key, domain, false, s.filter(), s.weight(),
            s.categories(), s.errorCodes(), s.txtReason(), s.sources(), s.ipv6(), s.probes(), s.skipUnhealthy(),
            s.probeIntervalNanos(), s.retryIntervalNanos(), s.cacheSize(), s.maxFromDomains()));
  }

  /** The DQS key, if any: the engine redacts it from DNS logs and listener events. */
  @Override
  public java.util.Set<String> secrets() {
    String secret = spec.secret();
    return secret == null ? java.util.Set.of() : java.util.Set.of(secret);
  }

  ListSpec spec() {
    return spec;
  }

  private DnsList with(ListSpec s) {
    return new DnsList(s);
  }

  private static String defaultName(String displayZone, CodeFilter filter) {
    return filter.isAny() ? displayZone : displayZone + "=" + filter;
  }

  // ---- settings ----

  /** Only codes matching this postscreen filter count, e.g. {@code 127.0.0.[2..11]}. */
  public DnsList codes(String filter) {
    return codes(CodeFilter.parse(filter));
  }

  /** Only codes matching this filter count. */
  public DnsList codes(CodeFilter filter) {
    requireNonNull(filter, "filter");
    ListSpec s = spec;
    String name = s.name().equals(defaultName(displayName(s), s.filter())) ? defaultName(displayName(s), filter) : s.name();
    return with(new ListSpec(name, s.zone(), s.displayZone(), s.secret(), s.domain(), s.allowlist(), filter, s.weight(),
        s.categories(), s.errorCodes(), s.txtReason(), s.sources(), s.ipv6(), s.probes(), s.skipUnhealthy(),
        s.probeIntervalNanos(), s.retryIntervalNanos(), s.cacheSize(), s.maxFromDomains()));
  }

  /** The score of a listing (postscreen's {@code *weight}); negative for allowlists. */
  public DnsList weight(double weight) {
    if (!Double.isFinite(weight)) {
      throw new IllegalArgumentException("weight must be finite: " + weight);
    }
    if (spec.allowlist() && weight > 0) {
      throw new IllegalArgumentException("an allowlist's weight must not be positive: " + weight);
    }
    ListSpec s = spec;
    double w = weight + 0.0; // -0.0 is 0
    return with(new ListSpec(s.name(), s.zone(), s.displayZone(), s.secret(), s.domain(), s.allowlist(), s.filter(), w,
        s.categories(), s.errorCodes(), s.txtReason(), s.sources(), s.ipv6(), s.probes(), s.skipUnhealthy(),
        s.probeIntervalNanos(), s.retryIntervalNanos(), s.cacheSize(), s.maxFromDomains()));
  }

  /** The checker name shown in reports (default: the zone, plus {@code =filter}); must be unique per MailWarden. */
  public DnsList named(String name) {
    requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("name must not be blank");
    }
    ListSpec s = spec;
    return with(new ListSpec(name, s.zone(), s.displayZone(), s.secret(), s.domain(), s.allowlist(), s.filter(), s.weight(),
        s.categories(), s.errorCodes(), s.txtReason(), s.sources(), s.ipv6(), s.probes(), s.skipUnhealthy(),
        s.probeIntervalNanos(), s.retryIntervalNanos(), s.cacheSize(), s.maxFromDomains()));
  }

  /** Names the codes matching {@code codes} (a filter), e.g. {@code category("127.0.0.[4..7]", "xbl")}. */
  public DnsList category(String codes, String name) {
    CodeFilter f = CodeFilter.parse(codes);
    requireNonNull(name, "name");
    Map<Integer, String> m = new LinkedHashMap<>(spec.categories());
    forEachCode(f, c -> m.put(c, name));
    ListSpec s = spec;
    return with(new ListSpec(s.name(), s.zone(), s.displayZone(), s.secret(), s.domain(), s.allowlist(), s.filter(), s.weight(),
        Collections.unmodifiableMap(m), s.errorCodes(), s.txtReason(), s.sources(), s.ipv6(), s.probes(), s.skipUnhealthy(),
        s.probeIntervalNanos(), s.retryIntervalNanos(), s.cacheSize(), s.maxFromDomains()));
  }

  /** Declares the codes matching {@code codes} (a filter) errors of the given kind, never listings. */
  public DnsList errorCode(String codes, ListError reason) {
    CodeFilter f = CodeFilter.parse(codes);
    requireNonNull(reason, "reason");
    Map<Integer, ListError> m = new LinkedHashMap<>(spec.errorCodes());
    forEachCode(f, c -> m.put(c, reason));
    ListSpec s = spec;
    return with(new ListSpec(s.name(), s.zone(), s.displayZone(), s.secret(), s.domain(), s.allowlist(), s.filter(), s.weight(),
        s.categories(), Collections.unmodifiableMap(m), s.txtReason(), s.sources(), s.ipv6(), s.probes(), s.skipUnhealthy(),
        s.probeIntervalNanos(), s.retryIntervalNanos(), s.cacheSize(), s.maxFromDomains()));
  }

  /** Whether to fetch the TXT record of a listing as the reason (sanitized before use). */
  public DnsList txtReason(boolean enabled) {
    ListSpec s = spec;
    return with(new ListSpec(s.name(), s.zone(), s.displayZone(), s.secret(), s.domain(), s.allowlist(), s.filter(), s.weight(),
        s.categories(), s.errorCodes(), enabled, s.sources(), s.ipv6(), s.probes(), s.skipUnhealthy(),
        s.probeIntervalNanos(), s.retryIntervalNanos(), s.cacheSize(), s.maxFromDomains()));
  }

  /** For IP lists that hold no IPv6 data: IPv6 clients are not looked up (and not probed). */
  public DnsList ipv4Only() {
    requireIp("ipv4Only");
    ListSpec s = spec;
    return with(new ListSpec(s.name(), s.zone(), s.displayZone(), s.secret(), s.domain(), s.allowlist(), s.filter(), s.weight(),
        s.categories(), s.errorCodes(), s.txtReason(), s.sources(), false, s.probes(), s.skipUnhealthy(),
        s.probeIntervalNanos(), s.retryIntervalNanos(), s.cacheSize(), s.maxFromDomains()));
  }

  /** For domain lists: which names to check (default all four). */
  public DnsList sources(DomainSource first, DomainSource... more) {
    if (!spec.domain()) {
      throw new IllegalStateException("sources apply to domain lists (Rhsbl), not to " + spec.name());
    }
    EnumSet<DomainSource> set = EnumSet.of(first, more);
    ListSpec s = spec;
    return with(new ListSpec(s.name(), s.zone(), s.displayZone(), s.secret(), s.domain(), s.allowlist(), s.filter(), s.weight(),
        s.categories(), s.errorCodes(), s.txtReason(), Collections.unmodifiableSet(set), s.ipv6(), s.probes(), s.skipUnhealthy(),
        s.probeIntervalNanos(), s.retryIntervalNanos(), s.cacheSize(), s.maxFromDomains()));
  }

  /** Whether to run RFC 5782 health probes (default on). */
  public DnsList healthProbes(boolean enabled) {
    ListSpec s = spec;
    return with(new ListSpec(s.name(), s.zone(), s.displayZone(), s.secret(), s.domain(), s.allowlist(), s.filter(), s.weight(),
        s.categories(), s.errorCodes(), s.txtReason(), s.sources(), s.ipv6(), enabled, s.skipUnhealthy(),
        s.probeIntervalNanos(), s.retryIntervalNanos(), s.cacheSize(), s.maxFromDomains()));
  }

  /**
   * Whether an unhealthy list is skipped (its answers are then ERROR/UNHEALTHY without a query)
   * until a probe passes again (default on). Off: it is still queried and still reported.
   */
  public DnsList skipWhenUnhealthy(boolean skip) {
    ListSpec s = spec;
    return with(new ListSpec(s.name(), s.zone(), s.displayZone(), s.secret(), s.domain(), s.allowlist(), s.filter(), s.weight(),
        s.categories(), s.errorCodes(), s.txtReason(), s.sources(), s.ipv6(), s.probes(), skip,
        s.probeIntervalNanos(), s.retryIntervalNanos(), s.cacheSize(), s.maxFromDomains()));
  }

  /** How often to probe a healthy list, and an unhealthy one (defaults 10 min and 1 min). */
  public DnsList probeInterval(Duration healthy, Duration unhealthy) {
    requirePositive(healthy, "healthy");
    requirePositive(unhealthy, "unhealthy");
    ListSpec s = spec;
    return with(new ListSpec(s.name(), s.zone(), s.displayZone(), s.secret(), s.domain(), s.allowlist(), s.filter(), s.weight(),
        s.categories(), s.errorCodes(), s.txtReason(), s.sources(), s.ipv6(), s.probes(), s.skipUnhealthy(),
        healthy.toNanos(), unhealthy.toNanos(), s.cacheSize(), s.maxFromDomains()));
  }

  /** Addresses whose results are kept (default 10,000; 0 turns the result cache off). */
  public DnsList cacheSize(int entries) {
    if (entries < 0) {
      throw new IllegalArgumentException("cache size must not be negative: " + entries);
    }
    ListSpec s = spec;
    return with(new ListSpec(s.name(), s.zone(), s.displayZone(), s.secret(), s.domain(), s.allowlist(), s.filter(), s.weight(),
        s.categories(), s.errorCodes(), s.txtReason(), s.sources(), s.ipv6(), s.probes(), s.skipUnhealthy(),
        s.probeIntervalNanos(), s.retryIntervalNanos(), entries, s.maxFromDomains()));
  }

  /**
   * For domain lists: the most distinct From-header domains looked up per message (default
   * {@value ListSpec#DEFAULT_MAX_FROM_DOMAINS}). A message naming more gets one ERROR result
   * naming this cap instead of a query per domain: a header listing thousands of addresses must
   * not turn into thousands of lookups.
   */
  public DnsList maxFromDomains(int domains) {
    if (!spec.domain()) {
      throw new IllegalStateException("maxFromDomains applies to domain lists (Rhsbl), not to " + spec.name());
    }
    if (domains < 1) {
      throw new IllegalArgumentException("maxFromDomains must be at least 1: " + domains);
    }
    ListSpec s = spec;
    return with(new ListSpec(s.name(), s.zone(), s.displayZone(), s.secret(), s.domain(), s.allowlist(), s.filter(), s.weight(),
        s.categories(), s.errorCodes(), s.txtReason(), s.sources(), s.ipv6(), s.probes(), s.skipUnhealthy(),
        s.probeIntervalNanos(), s.retryIntervalNanos(), s.cacheSize(), domains));
  }

  // ---- accessors ----

  /** The zone as shown: a DQS key is replaced by {@code <key>}. */
  public String zone() {
    return spec.displayZone();
  }

  public CodeFilter filter() {
    return spec.filter();
  }

  public double weight() {
    return spec.weight();
  }

  public boolean isAllowlist() {
    return spec.allowlist();
  }

  public boolean isDomainList() {
    return spec.domain();
  }

  /** The named categories by code (dotted quad), in code order. */
  public Map<String, String> categories() {
    Map<String, String> out = new LinkedHashMap<>();
    spec.categories().entrySet().stream()
        .sorted(Map.Entry.comparingByKey(Integer::compareUnsigned))
        .forEach(e -> out.put(CodeFilter.formatCode(e.getKey()), e.getValue()));
    return Collections.unmodifiableMap(out);
  }

  /** The postscreen form of this list, e.g. {@code zen.spamhaus.org=127.0.0.[2..11]*3.0}. */
  public String toSpec() {
    String f = spec.filter().isAny() ? "" : "=" + spec.filter();
    return spec.displayZone() + f + "*" + formatWeight(spec.weight());
  }

  /** The health of this list when used as a checker on its own (see {@link DnsblGroup#health()}). */
  public java.util.List<ListHealth> health() {
    return runner().health();
  }

  // ---- checker ----

  @Override
  public CheckKey<DnsblResult> key() {
    return key;
  }

  @Override
  public boolean appliesTo(MailSession session) {
    return runner().appliesTo(session);
  }

  @Override
  public CompletableFuture<DnsblResult> check(CheckContext context) {
    requireNonNull(context, "context");
    return runner().check(context);
  }

  @Override
  public DnsblResult temperror(String reason) {
    return DnsblResult.temperror(reason);
  }

  private DnsblGroup runner() {
    DnsblGroup r = runner;
    if (r == null) {
      synchronized (this) {
        r = runner;
        if (r == null) {
          r = new DnsblGroup(spec.name(), java.util.List.of(this));
          runner = r;
        }
      }
    }
    return r;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DnsList other && other.spec.equals(spec);
  }

  @Override
  public int hashCode() {
    return spec.hashCode();
  }

  @Override
  public String toString() {
    String kind = spec.domain() ? "Rhsbl" : spec.allowlist() ? "Dnswl" : "Dnsbl";
    return kind + "[" + spec.name() + (spec.name().equals(defaultName(spec.displayZone(), spec.filter())) ? "" : ", " + toSpec())
        + ", weight=" + formatWeight(spec.weight()) + "]";
  }

  // ---- helpers ----

  private static String displayName(ListSpec s) {
    return s.displayZone();
  }

  static String formatWeight(double w) {
    return w == Math.rint(w) && Math.abs(w) < 1e9 ? Long.toString((long) w) : Double.toString(w);
  }

  private void requireIp(String what) {
    if (spec.domain()) {
      throw new IllegalStateException(what + " applies to IP lists, not to the domain list " + spec.name());
    }
  }

  private static void requirePositive(Duration d, String name) {
    requireNonNull(d, name);
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(name + " must be positive: " + d);
    }
  }

  /** Most codes one {@link #category} or {@link #errorCode} call may name. */
  static final int MAX_NAMED_CODES = 65_536;

  private static void forEachCode(CodeFilter f, java.util.function.IntConsumer action) {
    if (f.isAny()) {
      throw new IllegalArgumentException("give explicit codes, not an empty filter");
    }
    if (f.codeCountBound() > MAX_NAMED_CODES) {
      // each named code is a map entry: 0.0.0.[0..255].[0..255]... would be billions
      throw new IllegalArgumentException("'" + f + "' names " + f.codeCountBound()
          + " codes, more than the cap of " + MAX_NAMED_CODES + " for a category or error code");
    }
    f.forEachCode(action);
  }

  static String normalizeZone(String zone, int base) {
    return normalizeZone(zone, base, zone);
  }

  static String normalizeZone(String zone, int base, String whole) {
    requireNonNull(zone, "zone");
    String z = zone.trim();
    if (z.endsWith(".")) {
      z = z.substring(0, z.length() - 1);
    }
    if (z.isEmpty()) {
      throw new IllegalArgumentException("bad list spec at position " + base + ": empty zone name (in '" + CodeFilter.shown(whole) + "')");
    }
    if (z.length() > 253) {
      throw new IllegalArgumentException("bad list spec at position " + base + ": zone name longer than 253 octets (in '"
          + CodeFilter.shown(whole) + "')");
    }
    for (int i = 0; i < z.length(); i++) {
      char c = z.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
          || (c == '.' && i > 0 && z.charAt(i - 1) != '.');
      if (!ok) {
        throw new IllegalArgumentException(
            "bad list spec at position " + (base + i) + ": '" + c + "' cannot appear in a zone name (in '" + CodeFilter.shown(whole) + "')");
      }
    }
    return z.toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * Parses {@code zone[=filter][*weight]} (postscreen syntax).
   *
   * @throws IllegalArgumentException naming the position of the first error
   */
  static DnsList parse(String text, boolean domain, boolean allowlist) {
    requireNonNull(text, "spec");
    int eq = text.indexOf('=');
    int star = text.indexOf('*');
    if (eq >= 0 && star >= 0 && star < eq) {
      throw new IllegalArgumentException("bad list spec at position " + eq + ": '=filter' must come before '*weight' (in '" + CodeFilter.shown(text) + "')");
    }
    int zoneEnd = eq >= 0 ? eq : star >= 0 ? star : text.length();
    String zone = normalizeZone(text.substring(0, zoneEnd), 0, text);
    if (!text.substring(0, zoneEnd).equals(text.substring(0, zoneEnd).trim())) {
      throw new IllegalArgumentException("bad list spec at position 0: spaces around the zone (in '" + CodeFilter.shown(text) + "')");
    }
    DnsList list = create(zone, domain, allowlist);
    if (eq >= 0) {
      int filterEnd = star >= 0 ? star : text.length();
      list = list.codes(CodeFilter.parse(text.substring(eq + 1, filterEnd), eq + 1, text));
    }
    if (star >= 0) {
      String w = text.substring(star + 1);
      if (!w.matches("[+-]?\\d{1,6}(\\.\\d{1,6})?")) {
        throw new IllegalArgumentException(
            "bad list spec at position " + (star + 1) + ": weight must be a number like 3, -2 or 1.5 (in '" + CodeFilter.shown(text) + "')");
      }
      double weight = Double.parseDouble(w);
      if (allowlist && weight > 0) {
        throw new IllegalArgumentException(
            "bad list spec at position " + (star + 1) + ": an allowlist weight must not be positive (in '" + CodeFilter.shown(text) + "')");
      }
      boolean negative = weight < 0;
      if (negative && !allowlist) {
        // postscreen: a negative weight is an allowlist entry
        list = parse(text, domain, true);
        return list;
      }
      list = list.weight(weight);
    }
    return list;
  }
}
