package dev.mailwarden;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one checker concluded. Each module has its own immutable implementation with typed details
 * ({@code DnsblResult}, {@code SpfResult}, ...); {@link #of} makes a plain one.
 *
 * <p>Expected outcomes (a listing, an SPF fail) are results, never exceptions.
 */
public interface CheckResult {

  /** The outcome in RFC 8601 words. */
  Outcome outcome();

  /** One human sentence explaining the outcome; sanitized before it reaches a header or reply. */
  String reason();

  /**
   * Details for logs, JSON and the CLI, in a stable order (e.g. {@code zone}, {@code codes}).
   * Values are plain strings.
   */
  default Map<String, String> details() {
    return Map.of();
  }

  /** The clauses this result adds to Authentication-Results; empty for none. */
  default List<AuthResult> authResults() {
    return List.of();
  }

  /**
   * The SMTP reply this result asks for when it is the decisive reason for rejecting or deferring.
   * Empty means "use the policy's default reply".
   */
  default Optional<SmtpReply> smtpReply() {
    return Optional.empty();
  }

  /**
   * Facts for the decision log line ({@code dev.mailwarden.decision}), in order; a key may repeat
   * (one {@code dnsbl_hit} per listing). Keys are short fixed words ({@code dnsbl_hit}, {@code
   * dnsbl_error}, {@code limit}); values must never hold personal data (addresses, users, IPs): the
   * line is written even when local-parts are off. Empty by default.
   */
  default List<Map.Entry<String, String>> logFields() {
    return List.of();
  }

  /** A plain result for checkers that need no typed details. */
  static CheckResult of(Outcome outcome, String reason) {
    return new BasicResult(outcome, reason, Map.of());
  }

  /** A plain result with details (copied, order kept). */
  static CheckResult of(Outcome outcome, String reason, Map<String, String> details) {
    return new BasicResult(outcome, reason, details);
  }
}
