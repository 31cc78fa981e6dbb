/**
 * Micrometer meters for DNS lists: {@link dev.mailwarden.dnsbl.metrics.DnsblMetrics}. The only
 * dnsbl package that uses {@code io.micrometer:micrometer-core} (an optional dependency).
 */
@NullMarked
package dev.mailwarden.dnsbl.metrics;

import org.jspecify.annotations.NullMarked;
