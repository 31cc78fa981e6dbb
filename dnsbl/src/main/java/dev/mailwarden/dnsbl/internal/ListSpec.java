package dev.mailwarden.dnsbl.internal;

import dev.mailwarden.dnsbl.CodeFilter;
import dev.mailwarden.dnsbl.DomainSource;
import dev.mailwarden.dnsbl.ListError;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The settings of one list as the engines see them: what to query and how to read the answer, never
 * what it scores (that is the registration's {@code DnsblWeights}). {@code zone} may contain a
 * secret (a DQS key): only ever show {@link #redact}ed text.
 */
public record ListSpec(
    String name,
    String zone,
    String displayZone,
    @Nullable String secret,
    boolean domain,
    boolean allowlist,
    CodeFilter filter,
    Map<Integer, String> categories,
    Map<Integer, ListError> errorCodes,
    boolean txtReason,
    Set<DomainSource> sources,
    boolean ipv6,
    boolean probes,
    boolean skipUnhealthy,
    long probeIntervalNanos,
    long retryIntervalNanos,
    int cacheSize,
    long cacheBytes,
    int maxFromDomains) {

  /** Distinct From-header domains a domain list looks up per message unless set otherwise. */
  public static final int DEFAULT_MAX_FROM_DOMAINS = 8;

  /** The result cache's default memory budget (estimated retained bytes). */
  public static final long DEFAULT_CACHE_BYTES = 16L << 20;

  public static final String REDACTED = "<key>";

  /** The text with the secret (if any) replaced by {@value #REDACTED}. */
  public String redact(String text) {
    return secret == null || secret.isEmpty() ? text : text.replace(secret, REDACTED);
  }

  /** The settings that decide the health probes of a zone (lists sharing a zone share probes). */
  public String probeKey() {
    return zone;
  }

  /** A copy with {@code change} applied to a draft of these settings. */
  public ListSpec with(Consumer<Draft> change) {
    Draft d = new Draft(this);
    change.accept(d);
    return d.build();
  }

  /** The settings while being changed; {@link #with} makes the immutable copy. */
  public static final class Draft {
    public String name;
    public String zone;
    public String displayZone;
    public @Nullable String secret;
    public boolean domain;
    public boolean allowlist;
    public CodeFilter filter;
    public Map<Integer, String> categories;
    public Map<Integer, ListError> errorCodes;
    public boolean txtReason;
    public Set<DomainSource> sources;
    public boolean ipv6;
    public boolean probes;
    public boolean skipUnhealthy;
    public long probeIntervalNanos;
    public long retryIntervalNanos;
    public int cacheSize;
    public long cacheBytes;
    public int maxFromDomains;

    Draft(ListSpec s) {
      name = s.name;
      zone = s.zone;
      displayZone = s.displayZone;
      secret = s.secret;
      domain = s.domain;
      allowlist = s.allowlist;
      filter = s.filter;
      categories = s.categories;
      errorCodes = s.errorCodes;
      txtReason = s.txtReason;
      sources = s.sources;
      ipv6 = s.ipv6;
      probes = s.probes;
      skipUnhealthy = s.skipUnhealthy;
      probeIntervalNanos = s.probeIntervalNanos;
      retryIntervalNanos = s.retryIntervalNanos;
      cacheSize = s.cacheSize;
      cacheBytes = s.cacheBytes;
      maxFromDomains = s.maxFromDomains;
    }

    ListSpec build() {
      return new ListSpec(
          name,
          zone,
          displayZone,
          secret,
          domain,
          allowlist,
          filter,
          categories,
          errorCodes,
          txtReason,
          sources,
          ipv6,
          probes,
          skipUnhealthy,
          probeIntervalNanos,
          retryIntervalNanos,
          cacheSize,
          cacheBytes,
          maxFromDomains);
    }
  }
}
