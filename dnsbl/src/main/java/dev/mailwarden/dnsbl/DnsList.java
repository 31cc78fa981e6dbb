package dev.mailwarden.dnsbl;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.dnsbl.internal.ListSpec;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One DNS list with its settings, a value: an IP blocklist ({@link Dnsbl#list}), an IP allowlist
 * ({@link Dnswl#list}) or a domain list ({@link Rhsbl#list}). Immutable: every setter returns a
 * changed copy, so {@code Dnsbl.list("bl.example.net").codes("127.0.0.[2..11]")} reads as
 * configuration. It says what to query and how to read the answer, never what a listing scores:
 * that belongs to the registration ({@link DnsblWeights}). Check lists with {@link Dnsbl#check} or
 * {@link Dnsbl#builder()}, which query all of them at once with one cache entry per address.
 *
 * <p>Defaults: every code in 127.0.0.0/8 counts (postscreen's default), Spamhaus's error codes
 * 127.255.255.0/24 are errors, the TXT reason is fetched for listings, health probes run every 10
 * minutes (every minute while unhealthy) and an unhealthy list is skipped, results cached for up to
 * 10,000 addresses.
 *
 * <p>Two lists compare equal when their settings are equal (the parsed spec and the fluent
 * configuration of the same list are equal).
 */
public final class DnsList {
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

  private DnsList(ListSpec spec) {
    this.spec = spec;
  }

  static DnsList create(String zone, boolean domain, boolean allowlist) {
    String z = normalizeZone(zone, 0);
    return new DnsList(
        new ListSpec(
            z,
            z,
            z,
            null,
            domain,
            allowlist,
            CodeFilter.any(),
            Map.of(),
            SPAMHAUS_ERRORS,
            !allowlist,
            domain ? EnumSet.allOf(DomainSource.class) : Set.of(),
            true,
            true,
            true,
            DEFAULT_PROBE_INTERVAL,
            DEFAULT_RETRY_INTERVAL,
            10_000,
            ListSpec.DEFAULT_CACHE_BYTES,
            ListSpec.DEFAULT_MAX_FROM_DOMAINS));
  }

  /** A DQS list: the key goes into the queried zone, never into any name shown. */
  static DnsList secretZone(String key, String zoneSuffix, boolean domain) {
    requireNonNull(key, "key");
    if (!key.matches("[A-Za-z0-9]{8,64}")) {
      throw new IllegalArgumentException("a Spamhaus DQS key is 8-64 letters and digits");
    }
    String display = zoneSuffix;
    String zone = key + "." + zoneSuffix;
    return create(zoneSuffix, domain, false)
        .with(
            d -> {
              d.name = display;
              d.zone = zone;
              d.displayZone = ListSpec.REDACTED + "." + zoneSuffix;
              d.secret = key;
            });
  }

  /** The DQS key, if any: the engine redacts it from DNS logs and listener events. */
  java.util.Set<String> secrets() {
    String secret = spec.secret();
    return secret == null ? java.util.Set.of() : java.util.Set.of(secret);
  }

  ListSpec spec() {
    return spec;
  }

  private DnsList with(java.util.function.Consumer<ListSpec.Draft> change) {
    return new DnsList(spec.with(change));
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
    String name =
        s.name().equals(defaultName(displayName(s), s.filter()))
            ? defaultName(displayName(s), filter)
            : s.name();
    return with(
        d -> {
          d.name = name;
          d.filter = filter;
        });
  }

  /**
   * The list's name in results and reports (default: the zone, plus {@code =filter}); unique per
   * checker.
   */
  public DnsList named(String name) {
    requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("name must not be blank");
    }
    return with(d -> d.name = name);
  }

  /**
   * Names the codes matching {@code codes} (a filter), e.g. {@code category("127.0.0.[4..7]",
   * "xbl")}.
   */
  public DnsList category(String codes, String name) {
    CodeFilter f = CodeFilter.parse(codes);
    requireNonNull(name, "name");
    Map<Integer, String> m = new LinkedHashMap<>(spec.categories());
    forEachCode(f, c -> m.put(c, name));
    return with(d -> d.categories = Collections.unmodifiableMap(m));
  }

  /**
   * Declares the codes matching {@code codes} (a filter) errors of the given kind, never listings.
   */
  public DnsList errorCode(String codes, ListError reason) {
    CodeFilter f = CodeFilter.parse(codes);
    requireNonNull(reason, "reason");
    Map<Integer, ListError> m = new LinkedHashMap<>(spec.errorCodes());
    forEachCode(f, c -> m.put(c, reason));
    return with(d -> d.errorCodes = Collections.unmodifiableMap(m));
  }

  /** Whether to fetch the TXT record of a listing as the reason (sanitized before use). */
  public DnsList txtReason(boolean enabled) {
    return with(d -> d.txtReason = enabled);
  }

  /** For IP lists that hold no IPv6 data: IPv6 clients are not looked up (and not probed). */
  public DnsList ipv4Only() {
    requireIp("ipv4Only");
    return with(d -> d.ipv6 = false);
  }

  /** For domain lists: which names to check (default all four). */
  public DnsList sources(DomainSource first, DomainSource... more) {
    if (!spec.domain()) {
      throw new IllegalStateException(
          "sources apply to domain lists (Rhsbl), not to " + spec.name());
    }
    EnumSet<DomainSource> set = EnumSet.of(first, more);
    return with(d -> d.sources = Collections.unmodifiableSet(set));
  }

  /** Whether to run RFC 5782 health probes (default on). */
  public DnsList healthProbes(boolean enabled) {
    return with(d -> d.probes = enabled);
  }

  /**
   * Whether an unhealthy list is skipped (its answers are then ERROR/UNHEALTHY without a query)
   * until a probe passes again (default on). Off: it is still queried and still reported.
   */
  public DnsList skipWhenUnhealthy(boolean skip) {
    return with(d -> d.skipUnhealthy = skip);
  }

  /** How often to probe a healthy list, and an unhealthy one (defaults 10 min and 1 min). */
  public DnsList probeInterval(Duration healthy, Duration unhealthy) {
    requirePositive(healthy, "healthy");
    requirePositive(unhealthy, "unhealthy");
    return with(
        d -> {
          d.probeIntervalNanos = healthy.toNanos();
          d.retryIntervalNanos = unhealthy.toNanos();
        });
  }

  /**
   * Addresses whose results are kept (default 10,000; 0 turns the result cache off). Lists checked
   * together share one cache, sized by the smallest setting among them. While it is on, the
   * runtime's DNS cache serves these lists' queries but does not keep their answers a second time
   * ({@link dev.mailwarden.dns.DnsResolver#lookupWithoutStoring}); with it off, the DNS cache keeps
   * them. Oldest results are evicted first.
   */
  public DnsList cacheSize(int entries) {
    if (entries < 0) {
      throw new IllegalArgumentException("cache size must not be negative: " + entries);
    }
    return with(d -> d.cacheSize = entries);
  }

  /**
   * The result cache's memory budget in estimated retained bytes (default 16 MiB): an answer's
   * codes and TXT reason make entries differ in size, so the entry count alone does not bound
   * memory. Whichever of the two limits is reached first evicts; a single result larger than a
   * tenth of the budget is not cached. Lists checked together share the smallest budget among them.
   */
  public DnsList cacheMemory(long bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("cache memory must be positive: " + bytes);
    }
    return with(d -> d.cacheBytes = bytes);
  }

  /**
   * For domain lists: the most distinct From-header domains looked up per message (default {@value
   * ListSpec#DEFAULT_MAX_FROM_DOMAINS}). A message naming more gets one ERROR result naming this
   * cap instead of a query per domain: a header listing thousands of addresses must not turn into
   * thousands of lookups.
   */
  public DnsList maxFromDomains(int domains) {
    if (!spec.domain()) {
      throw new IllegalStateException(
          "maxFromDomains applies to domain lists (Rhsbl), not to " + spec.name());
    }
    if (domains < 1) {
      throw new IllegalArgumentException("maxFromDomains must be at least 1: " + domains);
    }
    return with(d -> d.maxFromDomains = domains);
  }

  // ---- accessors ----

  /** The zone as shown: a DQS key is replaced by {@code <key>}. */
  public String zone() {
    return spec.displayZone();
  }

  public CodeFilter filter() {
    return spec.filter();
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

  /** The list's name in results (see {@link #named}). */
  public String name() {
    return spec.name();
  }

  /**
   * The postscreen form of this list without a weight, e.g. {@code
   * zen.spamhaus.org=127.0.0.[2..11]}.
   */
  public String toSpec() {
    String f = spec.filter().isAny() ? "" : "=" + spec.filter();
    return spec.displayZone() + f;
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
    return kind
        + "["
        + spec.name()
        + (spec.name().equals(defaultName(spec.displayZone(), spec.filter()))
            ? ""
            : ", " + toSpec())
        + "]";
  }

  // ---- helpers ----

  private static String displayName(ListSpec s) {
    return s.displayZone();
  }

  private void requireIp(String what) {
    if (spec.domain()) {
      throw new IllegalStateException(
          what + " applies to IP lists, not to the domain list " + spec.name());
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
      throw new IllegalArgumentException(
          "'"
              + f
              + "' names "
              + f.codeCountBound()
              + " codes, more than the cap of "
              + MAX_NAMED_CODES
              + " for a category or error code");
    }
    f.forEachCode(action);
  }

  /**
   * The length normalizeZone checks ({@code trim()}, then one final dot dropped) of {@code text[0,
   * end)}.
   */
  private static int trimmedZoneLength(String text, int end) {
    int start = 0;
    while (start < end && text.charAt(start) <= ' ') {
      start++;
    }
    while (end > start && text.charAt(end - 1) <= ' ') {
      end--;
    }
    return end > start && text.charAt(end - 1) == '.' ? end - start - 1 : end - start;
  }

  /**
   * Where the zone of a spec ends: its first {@code =} or {@code *}, or the end. Stops as soon as
   * the zone, trimmed, is certainly longer than a DNS name may be, so a huge spec is refused after
   * reading 255 characters of it rather than all of it.
   */
  private static int zoneEnd(String text) {
    int first = -1;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '=' || c == '*') {
        return i;
      }
      if (c > ' ') {
        if (first < 0) {
          first = i;
        } else if (i - first + 1 > 254) { // 253 octets and a trailing dot
          throw zoneTooLong(text);
        }
      }
    }
    return text.length();
  }

  private static IllegalArgumentException zoneTooLong(String text) {
    return new IllegalArgumentException(
        "bad list spec at position 0: zone name longer than 253 octets (in '"
            + CodeFilter.shown(text)
            + "')");
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
      throw new IllegalArgumentException(
          "bad list spec at position "
              + base
              + ": empty zone name (in '"
              + CodeFilter.shown(whole)
              + "')");
    }
    if (z.length() > 253) {
      throw new IllegalArgumentException(
          "bad list spec at position "
              + base
              + ": zone name longer than 253 octets (in '"
              + CodeFilter.shown(whole)
              + "')");
    }
    for (int i = 0; i < z.length(); i++) {
      char c = z.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '_'
              || (c == '.' && i > 0 && z.charAt(i - 1) != '.');
      if (!ok) {
        throw new IllegalArgumentException(
            "bad list spec at position "
                + (base + i)
                + ": '"
                + c
                + "' cannot appear in a zone name (in '"
                + CodeFilter.shown(whole)
                + "')");
      }
    }
    return z.toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * Parses {@code zone[=filter]} (postscreen syntax without the weight: weights go with the
   * registration, {@link DnsblWeights}).
   *
   * @throws IllegalArgumentException naming the position of the first error, and for a {@code
   *     *weight} suffix
   */
  static DnsList parse(String text, boolean domain, boolean allowlist) {
    requireNonNull(text, "spec");
    int zoneEnd = zoneEnd(text);
    if (trimmedZoneLength(text, zoneEnd) > 253) {
      // the error normalizeZone gives, before the oversized zone is copied
      throw zoneTooLong(text);
    }
    int star = text.indexOf('*', zoneEnd);
    if (star >= 0) {
      throw new IllegalArgumentException(
          "bad list spec at position "
              + star
              + ": a list carries codes, not a weight;"
              + " give the weight at registration (DnsblWeights) (in '"
              + CodeFilter.shown(text)
              + "')");
    }
    int eq = zoneEnd < text.length() ? zoneEnd : -1;
    String zone = normalizeZone(text.substring(0, zoneEnd), 0, text);
    if (!text.substring(0, zoneEnd).equals(text.substring(0, zoneEnd).trim())) {
      throw new IllegalArgumentException(
          "bad list spec at position 0: spaces around the zone (in '"
              + CodeFilter.shown(text)
              + "')");
    }
    DnsList list = create(zone, domain, allowlist);
    if (eq >= 0) {
      list = list.codes(CodeFilter.parse(text.substring(eq + 1), eq + 1, text));
    }
    return list;
  }
}
