/**
 * Micrometer meters for rate limits: {@link dev.mailwarden.ratelimit.metrics.RateLimitMetrics}. The
 * only ratelimit package that uses {@code io.micrometer:micrometer-core} (an optional dependency).
 */
@NullMarked
package dev.mailwarden.ratelimit.metrics;

import org.jspecify.annotations.NullMarked;
