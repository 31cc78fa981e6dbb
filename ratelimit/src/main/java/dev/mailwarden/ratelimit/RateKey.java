package dev.mailwarden.ratelimit;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.MailSession;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a session is counted against: the authenticated user, the sender address, the client IP
 * (IPv6 by /64), each recipient domain, or any function of the session. Keys carry a prefix ({@code
 * user:}, {@code from:}, {@code ip:}, {@code rcpt-domain:}) so one limiter can hold several kinds
 * without collisions.
 *
 * <pre>{@code
 * RateKey.authenticatedUser()        // user:alice
 * RateKey.clientIp()                 // ip:192.0.2.1, ip:2001:db8:1:2:0:0:0:0/64
 * RateKey.of("tenant", s -> s.authenticatedUser().map(u -> u.substring(u.indexOf('@') + 1)))
 * }</pre>
 */
public interface RateKey {

  /** A short name for logs and the checker's name, e.g. {@code user}. */
  String name();

  /**
   * The keys to charge for a session, each with how many of {@code recipients} it covers (in a
   * stable order). Empty when the session has no such key (e.g. no authenticated user).
   *
   * @param recipients the recipients that count (exempt ones already removed)
   */
  Map<String, Integer> keys(MailSession session, List<String> recipients);

  /** {@code user:<name>}, lower-cased; no key when the client did not authenticate. */
  static RateKey authenticatedUser() {
    return RateKeys.AUTHENTICATED_USER;
  }

  /** {@code from:<address>}, lower-cased; no key for the null sender or before MAIL FROM. */
  static RateKey senderAddress() {
    return RateKeys.SENDER_ADDRESS;
  }

  /** {@code ip:<address>}: IPv4 by address, IPv6 by its /64 (one customer's usual allocation). */
  static RateKey clientIp() {
    return RateKeys.CLIENT_IP;
  }

  /** {@code ip:<network>/<prefix>} with the given IPv4 (1-32) and IPv6 (1-128) prefix lengths. */
  static RateKey clientIp(int ipv4Prefix, int ipv6Prefix) {
    return RateKeys.clientIp(ipv4Prefix, ipv6Prefix);
  }

  /**
   * {@code rcpt-domain:<domain>} for each recipient domain, charged its own recipients; the domain
   * in A-labels and lower case, so every spelling of one domain shares its key.
   */
  static RateKey recipientDomain() {
    return RateKeys.RECIPIENT_DOMAIN;
  }

  /**
   * A key computed from the session, charged every counted recipient: {@code <name>:<value>}.
   *
   * @param name the prefix and name, e.g. {@code tenant}
   */
  static RateKey of(String name, Function<MailSession, Optional<String>> key) {
    return new RateKeys.SessionKey(requireNonNull(name, "name"), requireNonNull(key, "key"));
  }
}
