package dev.mailwarden.dns;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The answer to one query, as a value. The status says how the query ended; only {@link
 * DnsStatus#NOERROR} carries records. For NXDOMAIN and NODATA, {@link #ttlSeconds()} is the
 * negative-caching TTL from the SOA (RFC 2308 section 5); for errors it is zero.
 *
 * <p>Records are those of the asked type at the end of any CNAME chain; the chain itself is not
 * exposed.
 */
public final class DnsAnswer {
  private final String name;
  private final RecordType type;
  private final DnsStatus status;
  private final List<DnsRecord> records;
  private final long ttlSeconds;
  private final @Nullable String detail;
  private final boolean fromCache;

  private DnsAnswer(
      String name,
      RecordType type,
      DnsStatus status,
      List<DnsRecord> records,
      long ttlSeconds,
      @Nullable String detail,
      boolean fromCache) {
    this.name = requireNonNull(name, "name");
    this.type = requireNonNull(type, "type");
    this.status = requireNonNull(status, "status");
    this.records = List.copyOf(records);
    if (ttlSeconds < 0) {
      throw new IllegalArgumentException("negative TTL: " + ttlSeconds);
    }
    this.ttlSeconds = ttlSeconds;
    this.detail = detail;
    this.fromCache = fromCache;
    if (status != DnsStatus.NOERROR && !this.records.isEmpty()) {
      throw new IllegalArgumentException(status + " answer cannot carry records");
    }
  }

  /**
   * A successful answer; with no records it is {@link DnsStatus#NODATA}.
   *
   * @param ttlSeconds the smallest TTL of the records (or the negative TTL for NODATA)
   */
  public static DnsAnswer of(
      String name, RecordType type, List<? extends DnsRecord> records, long ttlSeconds) {
    DnsStatus s = records.isEmpty() ? DnsStatus.NODATA : DnsStatus.NOERROR;
    return new DnsAnswer(name, type, s, List.copyOf(records), ttlSeconds, null, false);
  }

  /** The name does not exist; {@code negativeTtl} from the SOA (RFC 2308). */
  public static DnsAnswer nxdomain(String name, RecordType type, long negativeTtl) {
    return new DnsAnswer(name, type, DnsStatus.NXDOMAIN, List.of(), negativeTtl, null, false);
  }

  /** The name exists without records of this type; {@code negativeTtl} from the SOA. */
  public static DnsAnswer nodata(String name, RecordType type, long negativeTtl) {
    return new DnsAnswer(name, type, DnsStatus.NODATA, List.of(), negativeTtl, null, false);
  }

  /** A failed query: SERVFAIL, TIMEOUT or REFUSED, with a human detail. */
  public static DnsAnswer error(String name, RecordType type, DnsStatus status, String detail) {
    if (!status.isError()) {
      throw new IllegalArgumentException("not an error status: " + status);
    }
    return new DnsAnswer(name, type, status, List.of(), 0, requireNonNull(detail, "detail"), false);
  }

  /** The queried name as asked (without the trailing dot). */
  public String name() {
    return name;
  }

  public RecordType type() {
    return type;
  }

  public DnsStatus status() {
    return status;
  }

  /** The records of the asked type; empty unless NOERROR. */
  public List<DnsRecord> records() {
    return records;
  }

  /** Time to live in seconds: smallest record TTL, the negative TTL, or 0 for errors. */
  public long ttlSeconds() {
    return ttlSeconds;
  }

  /** For errors, what went wrong (e.g. {@code "no answer from 127.0.0.1:53 after 2 tries"}). */
  public Optional<String> detail() {
    return Optional.ofNullable(detail);
  }

  /** True when this answer came from a cache rather than from upstream. */
  public boolean fromCache() {
    return fromCache;
  }

  /** A copy marked as served from cache. */
  public DnsAnswer asCached() {
    return fromCache ? this : new DnsAnswer(name, type, status, records, ttlSeconds, detail, true);
  }

  /**
   * A copy with every occurrence of {@code secret} in the name and the error detail replaced by
   * {@code replacement} (e.g. a Spamhaus DQS key before the answer reaches logs).
   */
  public DnsAnswer redact(String secret, String replacement) {
    if (secret.isEmpty()
        || (!name.contains(secret) && (detail == null || !detail.contains(secret)))) {
      return this;
    }
    return new DnsAnswer(
        name.replace(secret, replacement),
        type,
        status,
        records,
        ttlSeconds,
        detail == null ? null : detail.replace(secret, replacement),
        fromCache);
  }

  /** A copy with another TTL (caches report the remaining TTL). */
  public DnsAnswer withTtl(long seconds) {
    return seconds == ttlSeconds
        ? this
        : new DnsAnswer(name, type, status, records, seconds, detail, fromCache);
  }

  public boolean isSuccess() {
    return status == DnsStatus.NOERROR;
  }

  /** NXDOMAIN or NODATA. */
  public boolean isVoid() {
    return status.isVoid();
  }

  /** SERVFAIL, TIMEOUT or REFUSED. */
  public boolean isError() {
    return status.isError();
  }

  /** The addresses of A/AAAA records, in answer order. */
  public List<InetAddress> addresses() {
    List<InetAddress> out = new ArrayList<>(records.size());
    for (DnsRecord r : records) {
      if (r instanceof DnsRecord.Address a) {
        out.add(a.address());
      }
    }
    return out;
  }

  /** The TXT records, in answer order. */
  public List<DnsRecord.Txt> txts() {
    List<DnsRecord.Txt> out = new ArrayList<>(records.size());
    for (DnsRecord r : records) {
      if (r instanceof DnsRecord.Txt t) {
        out.add(t);
      }
    }
    return out;
  }

  /** The MX records, in answer order (not sorted by preference). */
  public List<DnsRecord.Mx> mxs() {
    List<DnsRecord.Mx> out = new ArrayList<>(records.size());
    for (DnsRecord r : records) {
      if (r instanceof DnsRecord.Mx m) {
        out.add(m);
      }
    }
    return out;
  }

  /** The target names of PTR, CNAME or NS records, in answer order. */
  public List<String> names() {
    List<String> out = new ArrayList<>(records.size());
    for (DnsRecord r : records) {
      if (r instanceof DnsRecord.Name n) {
        out.add(n.target());
      }
    }
    return out;
  }

  /** Value equality over every property, {@link #fromCache()} included. */
  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof DnsAnswer a
        && ttlSeconds == a.ttlSeconds
        && fromCache == a.fromCache
        && status == a.status
        && type == a.type
        && name.equals(a.name)
        && records.equals(a.records)
        && java.util.Objects.equals(detail, a.detail);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(name, type, status, records, ttlSeconds, detail, fromCache);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(name).append(' ').append(type).append(' ').append(status);
    if (!records.isEmpty()) {
      b.append(' ').append(records);
    }
    if (status != DnsStatus.NOERROR || ttlSeconds > 0) {
      b.append(" ttl=").append(ttlSeconds);
    }
    if (detail != null) {
      b.append(" (").append(detail).append(')');
    }
    if (fromCache) {
      b.append(" [cached]");
    }
    return b.toString();
  }
}
