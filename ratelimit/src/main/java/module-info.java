/**
 * mailwarden outbound rate limits: token buckets per user, IP or recipient, in memory or shared
 * through Redis ({@code dev.mailwarden.ratelimit}), and the optional Micrometer binder ({@code
 * dev.mailwarden.ratelimit.metrics}). {@code dev.mailwarden.ratelimit.internal} is not exported.
 */
// "requires-automatic": Lettuce and Micrometer have no module-info, only an Automatic-Module-Name
// in their manifests (stable names, not derived from the jars' file names)
@SuppressWarnings("requires-automatic")
module dev.mailwarden.ratelimit {
  // Checker, CheckResult, Ticker... are in this module's signatures
  requires transitive dev.mailwarden.core;
  requires static transitive org.jspecify;
  // the in-memory store
  requires com.github.benmanes.caffeine;
  // the Redis store only (RateLimiter.Builder.redis): an application that uses it resolves
  // lettuce.core itself ("requires lettuce.core;" or --add-modules lettuce.core)
  requires static lettuce.core;
  // only dev.mailwarden.ratelimit.metrics uses it, and callers of its binder hold a MeterRegistry
  requires static micrometer.core;

  exports dev.mailwarden.ratelimit;
  exports dev.mailwarden.ratelimit.metrics;
}
