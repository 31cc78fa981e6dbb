package dev.mailwarden.dns;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.internal.DomainNames;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Master;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TXTRecord;

/**
 * A resolver that answers from records held in memory: RFC 1035 master-file text (parsed with
 * dnsjava) and records added one by one. It needs no network, so it is the resolver of the CLI demo
 * and the fixture for unit tests, ours and yours.
 *
 * <pre>{@code
 * ZoneResolver dns = ZoneResolver.builder()
 *     .zone("""
 *         $ORIGIN example.com.
 *         @      300 IN TXT "v=spf1 ip4:192.0.2.0/24 -all"
 *         mail   300 IN A   192.0.2.25
 *         """)
 *     .fail("broken.example.net", DnsStatus.SERVFAIL)
 *     .build();
 * }</pre>
 *
 * <p>It answers like an authoritative server: NXDOMAIN for names that do not exist, NODATA for
 * names (or empty non-terminals) without records of the asked type, wildcards per RFC 4592, CNAME
 * chains followed inside the data. The negative TTL is taken from the closest enclosing SOA (RFC
 * 2308), 300 s if there is none. Futures complete immediately, on the caller's thread, except for
 * names made to {@linkplain Builder#hang hang}, which never complete.
 *
 * <p>Thread-safe. It records every query ({@link #queries()}) so tests can assert on traffic.
 */
public final class ZoneResolver implements DnsResolver {
  private static final long DEFAULT_NEGATIVE_TTL = 300;
  private static final int MAX_CNAME_CHAIN = 8;

  private final Map<String, Map<RecordType, List<DnsRecord>>> data;
  private final Map<String, Long> ttls; // "name|TYPE" -> smallest TTL
  private final Set<String> existing; // names with any record, and their ancestors
  private final Map<String, Long> soaNegativeTtl; // zone apex -> negative TTL
  private final Map<String, DnsStatus> failures; // "name" or "name|TYPE"
  private final Set<String> hanging;
  private final ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queryCount = new AtomicInteger();

  private ZoneResolver(Builder b) {
    Map<String, Map<RecordType, List<DnsRecord>>> d = new HashMap<>();
    b.data.forEach(
        (name, byType) -> {
          Map<RecordType, List<DnsRecord>> copy = new EnumMap<>(RecordType.class);
          byType.forEach((t, list) -> copy.put(t, List.copyOf(list)));
          d.put(name, Collections.unmodifiableMap(copy));
        });
    this.data = Map.copyOf(d);
    this.ttls = Map.copyOf(b.ttls);
    Set<String> names = new HashSet<>(b.otherTypeNames);
    names.addAll(data.keySet());
    Set<String> withAncestors = new HashSet<>();
    for (String n : names) {
      String cur = n;
      while (!cur.isEmpty() && withAncestors.add(cur)) {
        int dot = cur.indexOf('.');
        cur = dot < 0 ? "" : cur.substring(dot + 1);
      }
    }
    this.existing = Set.copyOf(withAncestors);
    this.soaNegativeTtl = Map.copyOf(b.soaNegativeTtl);
    this.failures = Map.copyOf(b.failures);
    this.hanging = Set.copyOf(b.hanging);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A resolver for one master file's text (names relative to the root unless it sets $ORIGIN). */
  public static ZoneResolver of(String masterFileText) {
    return builder().zone(masterFileText).build();
  }

  @Override
  public CompletableFuture<DnsAnswer> lookup(String name, RecordType type) {
    requireNonNull(name, "name");
    requireNonNull(type, "type");
    String asked = DomainNames.stripDot(name);
    String key = asked.toLowerCase(Locale.ROOT);
    queryCount.incrementAndGet();
    log.add(key + " " + type);
    if (hanging.contains(key)) {
      return new CompletableFuture<>();
    }
    DnsStatus failure = failures.get(key + "|" + type);
    if (failure == null) {
      failure = failures.get(key);
    }
    if (failure != null) {
      return CompletableFuture.completedFuture(
          DnsAnswer.error(asked, type, failure, "injected " + failure + " for " + key));
    }
    return CompletableFuture.completedFuture(answer(asked, key, type));
  }

  private DnsAnswer answer(String asked, String key, RecordType type) {
    String current = key;
    for (int hop = 0; hop <= MAX_CNAME_CHAIN; hop++) {
      String owner = resolveOwner(current);
      if (owner == null) {
        return DnsAnswer.nxdomain(asked, type, negativeTtl(current));
      }
      Map<RecordType, List<DnsRecord>> byType = data.getOrDefault(owner, Map.of());
      List<DnsRecord> records = byType.get(type);
      if (records != null) {
        return DnsAnswer.of(asked, type, records, ttls.getOrDefault(owner + "|" + type, 0L));
      }
      List<DnsRecord> cname = byType.get(RecordType.CNAME);
      if (cname == null || type == RecordType.CNAME) {
        return DnsAnswer.nodata(asked, type, negativeTtl(current));
      }
      current = ((DnsRecord.Name) cname.get(0)).target().toLowerCase(Locale.ROOT);
    }
    return DnsAnswer.error(
        asked, type, DnsStatus.SERVFAIL, "CNAME chain longer than " + MAX_CNAME_CHAIN);
  }

  /** The name whose records answer {@code name}: itself, a matching wildcard, or null. */
  private @Nullable String resolveOwner(String name) {
    if (existing.contains(name)) {
      return name;
    }
    String cur = name;
    while (true) {
      int dot = cur.indexOf('.');
      if (dot < 0) {
        return null;
      }
      String parent = cur.substring(dot + 1);
      String wildcard = "*." + parent;
      if (existing.contains(wildcard)) { // a wildcard with only unqueryable types still matches
        return wildcard;
      }
      if (existing.contains(parent)) {
        return null; // the closest encloser exists without a wildcard
      }
      cur = parent;
    }
  }

  private long negativeTtl(String name) {
    String cur = name;
    while (true) {
      Long ttl = soaNegativeTtl.get(cur);
      if (ttl != null) {
        return ttl;
      }
      int dot = cur.indexOf('.');
      if (dot < 0) {
        return DEFAULT_NEGATIVE_TTL;
      }
      cur = cur.substring(dot + 1);
    }
  }

  /** Every query so far, oldest first, as {@code "name TYPE"} with the name in lower case. */
  public List<String> queries() {
    return List.copyOf(log);
  }

  /** The number of queries answered (or left hanging) so far. */
  public int queryCount() {
    return queryCount.get();
  }

  @Override
  public String toString() {
    return "ZoneResolver[" + data.size() + " names, " + failures.size() + " failures]";
  }

  /** Builds a {@link ZoneResolver}. Not thread-safe. */
  public static final class Builder {
    private final Map<String, Map<RecordType, List<DnsRecord>>> data = new HashMap<>();
    private final Map<String, Long> ttls = new HashMap<>();
    private final Set<String> otherTypeNames = new HashSet<>();
    private final Map<String, Long> soaNegativeTtl = new HashMap<>();
    private final Map<String, DnsStatus> failures = new HashMap<>();
    private final Set<String> hanging = new HashSet<>();
    private long defaultTtl = 300;

    private Builder() {}

    /** TTL for records added without one and for master files without $TTL (default 300). */
    public Builder defaultTtl(long seconds) {
      if (seconds < 0) {
        throw new IllegalArgumentException("negative TTL: " + seconds);
      }
      this.defaultTtl = seconds;
      return this;
    }

    /**
     * Adds every record of RFC 1035 master-file text. Relative names are relative to {@code
     * $ORIGIN} or, without one, to the root. Record types other than A, AAAA, TXT, MX, PTR, CNAME,
     * NS and SOA make their owner name exist but cannot be queried.
     *
     * @throws IllegalArgumentException with the line number when the text does not parse
     */
    public Builder zone(String masterFileText) {
      requireNonNull(masterFileText, "masterFileText");
      try (Master master =
          new Master(
              new ByteArrayInputStream(masterFileText.getBytes(StandardCharsets.UTF_8)),
              Name.root,
              defaultTtl)) {
        Record r;
        while ((r = master.nextRecord()) != null) {
          add(r);
        }
      } catch (IOException e) {
        // dnsjava says "<none>:3: ..." for a stream; say "line 3: ..."
        String message =
            String.valueOf(e.getMessage()).replaceFirst("^<none>:(\\d+): ", "line $1: ");
        throw new IllegalArgumentException("zone text does not parse: " + message, e);
      }
      return this;
    }

    /** Adds every record of a master file. */
    public Builder zone(Path masterFile) {
      String text;
      try {
        text = Files.readString(masterFile, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read zone file " + masterFile, e);
      }
      try {
        return zone(text);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(masterFile + ": " + e.getMessage(), e);
      }
    }

    private void add(Record r) {
      String name = DomainNames.canonical(r.getName().toString());
      long ttl = r.getTTL();
      if (r instanceof ARecord a) {
        record(name, new DnsRecord.Address(a.getAddress()), ttl);
      } else if (r instanceof AAAARecord a) {
        record(name, new DnsRecord.Address(a.getAddress()), ttl);
      } else if (r instanceof TXTRecord t) {
        record(name, new DnsRecord.Txt(t.getStringsAsByteArrays()), ttl);
      } else if (r instanceof MXRecord m) {
        record(
            name,
            new DnsRecord.Mx(m.getPriority(), DomainNames.stripDot(m.getTarget().toString())),
            ttl);
      } else if (r instanceof PTRRecord p) {
        record(
            name,
            new DnsRecord.Name(RecordType.PTR, DomainNames.stripDot(p.getTarget().toString())),
            ttl);
      } else if (r instanceof CNAMERecord c) {
        record(
            name,
            new DnsRecord.Name(RecordType.CNAME, DomainNames.stripDot(c.getTarget().toString())),
            ttl);
      } else if (r instanceof NSRecord n) {
        record(
            name,
            new DnsRecord.Name(RecordType.NS, DomainNames.stripDot(n.getTarget().toString())),
            ttl);
      } else if (r instanceof SOARecord soa) {
        soaNegativeTtl.put(name, Math.min(soa.getTTL(), soa.getMinimum()));
        otherTypeNames.add(name);
      } else {
        otherTypeNames.add(name);
      }
    }

    /** Adds one record with the default TTL. */
    public Builder record(String name, DnsRecord record) {
      return record(name, record, defaultTtl);
    }

    /** Adds one record. The answer's TTL is the smallest TTL of the name's records of that type. */
    public Builder record(String name, DnsRecord record, long ttlSeconds) {
      requireNonNull(record, "record");
      String key = DomainNames.canonical(requireNonNull(name, "name"));
      if (key.isEmpty()) {
        throw new IllegalArgumentException("empty owner name");
      }
      data.computeIfAbsent(key, k -> new EnumMap<>(RecordType.class))
          .computeIfAbsent(record.type(), k -> new ArrayList<>())
          .add(record);
      ttls.merge(key + "|" + record.type(), ttlSeconds, Math::min);
      return this;
    }

    /** Makes {@code name} exist without records of any queryable type (answers NODATA). */
    public Builder exists(String name) {
      otherTypeNames.add(DomainNames.canonical(name));
      return this;
    }

    /** Adds an A or AAAA record from an address literal. */
    public Builder address(String name, String ipLiteral) {
      return record(name, new DnsRecord.Address(parseLiteral(ipLiteral)));
    }

    /** Adds a TXT record with one character-string per argument (UTF-8). */
    public Builder txt(String name, String... strings) {
      return record(name, DnsRecord.Txt.of(strings));
    }

    /** Adds a TXT record with raw character-strings (bytes kept as they are). */
    public Builder txtBytes(String name, byte[]... strings) {
      return record(name, new DnsRecord.Txt(List.of(strings)));
    }

    /** Adds an MX record. */
    public Builder mx(String name, int preference, String exchange) {
      return record(name, new DnsRecord.Mx(preference, DomainNames.stripDot(exchange)));
    }

    /** Adds a PTR record. */
    public Builder ptr(String name, String target) {
      return record(name, new DnsRecord.Name(RecordType.PTR, DomainNames.stripDot(target)));
    }

    /** Adds a CNAME record. */
    public Builder cname(String name, String target) {
      return record(name, new DnsRecord.Name(RecordType.CNAME, DomainNames.stripDot(target)));
    }

    /** Sets the negative-caching TTL for names at or below {@code zoneApex}. */
    public Builder negativeTtl(String zoneApex, long seconds) {
      soaNegativeTtl.put(DomainNames.canonical(zoneApex), seconds);
      return this;
    }

    /** Every query for {@code name} (any type) answers with an error status. */
    public Builder fail(String name, DnsStatus status) {
      failures.put(DomainNames.canonical(name), requireError(status));
      return this;
    }

    /** Queries for {@code name} of one type answer with an error status. */
    public Builder fail(String name, RecordType type, DnsStatus status) {
      failures.put(
          DomainNames.canonical(name) + "|" + requireNonNull(type, "type"), requireError(status));
      return this;
    }

    /**
     * Queries for {@code name} never complete: the future stays pending, like a server that never
     * answers with no timeout. Use it to test deadlines.
     */
    public Builder hang(String name) {
      hanging.add(DomainNames.canonical(name));
      return this;
    }

    public ZoneResolver build() {
      return new ZoneResolver(this);
    }

    private static DnsStatus requireError(DnsStatus status) {
      if (!requireNonNull(status, "status").isError()) {
        throw new IllegalArgumentException(
            "only SERVFAIL, TIMEOUT or REFUSED can be injected: " + status);
      }
      return status;
    }

    private static InetAddress parseLiteral(String literal) {
      int family =
          literal.indexOf(':') >= 0 ? org.xbill.DNS.Address.IPv6 : org.xbill.DNS.Address.IPv4;
      byte[] bytes = org.xbill.DNS.Address.toByteArray(literal, family);
      if (bytes == null) {
        throw new IllegalArgumentException("not an IP address literal: " + literal);
      }
      try {
        return InetAddress.getByAddress(bytes);
      } catch (java.net.UnknownHostException e) {
        throw new IllegalArgumentException("not an IP address literal: " + literal, e);
      }
    }
  }
}
