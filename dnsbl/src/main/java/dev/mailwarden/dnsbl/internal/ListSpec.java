package dev.mailwarden.dnsbl.internal;

import dev.mailwarden.dnsbl.CodeFilter;
import dev.mailwarden.dnsbl.DomainSource;
import dev.mailwarden.dnsbl.ListError;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The settings of one list as the engines see them. {@code zone} may contain a secret (a DQS key):
 * only ever show {@link #redact}ed text.
 */
public record ListSpec(
    String name,
    String zone,
    String displayZone,
    @Nullable String secret,
    boolean domain,
    boolean allowlist,
    CodeFilter filter,
    double weight,
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
    int maxFromDomains) {

  /** Distinct From-header domains a domain list looks up per message unless set otherwise. */
  public static final int DEFAULT_MAX_FROM_DOMAINS = 8;

  public static final String REDACTED = "<key>";

  /** The text with the secret (if any) replaced by {@value #REDACTED}. */
  public String redact(String text) {
    return secret == null || secret.isEmpty() ? text : text.replace(secret, REDACTED);
  }

  /** The settings that decide the health probes of a zone (lists sharing a zone share probes). */
  public String probeKey() {
    return zone;
  }
}
