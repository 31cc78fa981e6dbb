/**
 * Outbound rate limits: token buckets per key (authenticated user, sender, client IP, recipient
 * domain), several limits per key, in memory (bounded, lock-free) or shared by several gateways
 * through Redis; {@link dev.mailwarden.ratelimit.OutboundLimit} runs a {@link
 * dev.mailwarden.ratelimit.RateLimiter} as a {@link dev.mailwarden.Checker}.
 *
 * <pre>{@code
 * RateLimiter limiter = RateLimiter.builder()
 *     .limit(Limit.of(100).per(Duration.ofHours(1)))
 *     .limit(Limit.parse("1000/1d"))
 *     .maxKeys(1_000_000)
 *     .build();
 * RateDecision d = limiter.tryAcquire("user:alice", 3);
 * }</pre>
 */
@NullMarked
package dev.mailwarden.ratelimit;

import org.jspecify.annotations.NullMarked;
