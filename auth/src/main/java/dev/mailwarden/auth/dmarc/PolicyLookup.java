package dev.mailwarden.auth.dmarc;

import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsRecord;
import dev.mailwarden.dns.DnsResolver;
import dev.mailwarden.dns.RecordType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The {@code _dmarc.<name>} lookups of one evaluation, each made at most once (a tree walk for the
 * From domain and one for a DKIM domain share their upper levels).
 */
final class PolicyLookup {

  enum Kind {
    /** Exactly one usable DMARC record. */
    RECORD,
    /** No DMARC record (NXDOMAIN, NODATA, or only non-DMARC TXT records). */
    NONE,
    /** More than one DMARC record: no policy (RFC 7489 §6.6.3). */
    MULTIPLE,
    /** One DMARC record without a usable policy. */
    INVALID,
    /** SERVFAIL, timeout or refusal. */
    ERROR
  }

  record Level(String domain, Kind kind, @Nullable DmarcRecord record, String problem) {}

  private final DnsResolver dns;
  private final Map<String, CompletableFuture<Level>> memo = new ConcurrentHashMap<>();

  PolicyLookup(DnsResolver dns) {
    this.dns = dns;
  }

  CompletableFuture<Level> lookup(String domain) {
    return memo.computeIfAbsent(domain, d -> query(d));
  }

  private CompletableFuture<Level> query(String domain) {
    String name = "_dmarc." + domain;
    CompletableFuture<DnsAnswer> f;
    try {
      f = dns.lookup(name, RecordType.TXT);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    return f.handle(
        (answer, error) -> {
          if (error != null) {
            return new Level(
                domain,
                Kind.ERROR,
                null,
                "DNS lookup of " + name + " failed: " + rootMessage(error));
          }
          return interpret(domain, name, answer);
        });
  }

  private static Level interpret(String domain, String name, DnsAnswer answer) {
    if (answer.isError()) {
      return new Level(domain, Kind.ERROR, null, "DNS " + answer.status() + " for " + name);
    }
    List<DmarcRecord.Parsed> dmarc = new ArrayList<>();
    for (DnsRecord.Txt txt : answer.txts()) {
      DmarcRecord.Parsed p = DmarcRecord.parse(txt.text());
      if (p.status() != DmarcRecord.Status.NOT_DMARC) {
        dmarc.add(p);
      }
    }
    if (dmarc.isEmpty()) {
      return new Level(domain, Kind.NONE, null, "no DMARC record at " + name);
    }
    if (dmarc.size() > 1) {
      return new Level(domain, Kind.MULTIPLE, null, dmarc.size() + " DMARC records at " + name);
    }
    DmarcRecord.Parsed p = dmarc.get(0);
    if (!p.isValid()) {
      return new Level(
          domain, Kind.INVALID, null, "DMARC record at " + name + " unusable: " + p.problem());
    }
    return new Level(domain, Kind.RECORD, p.record().orElseThrow(), "");
  }

  static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
  }
}
