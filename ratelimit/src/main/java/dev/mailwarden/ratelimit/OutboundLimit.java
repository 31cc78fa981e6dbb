package dev.mailwarden.ratelimit;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.MailSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * The outbound rate limit as a check: counts each message against a {@link RateLimiter} under a
 * {@link RateKey} and, when a key is over its limit, asks the gateway to defer the message ({@code
 * 450 4.7.1 ... try again in 36 seconds}) and tells the listener ({@link RateLimitTripped}).
 *
 * <pre>{@code
 * MailWarden outbound = MailWarden.builder(runtime)
 *     .check(OutboundLimit.builder(limiter, RateKey.authenticatedUser())
 *         .exemptUsers("newsletter")
 *         .exemptRecipients("postmaster", "abuse")
 *         .build())
 *     .build();
 * }</pre>
 *
 * <p>Cost is the number of recipients by default. Register the check where a session holds its
 * final recipient list (after the last RCPT or at DATA): each evaluation debits the limiter. With
 * several keys per session ({@link RateKey#recipientDomain()}) each key is debited on its own, so
 * one over its limit does not refund the others.
 */
public final class OutboundLimit {
  private OutboundLimit() {}

  /** The checker with default settings: cost per recipient, exempt recipient {@code postmaster}. */
  public static OutboundLimitChecker check(RateLimiter limiter, RateKey key) {
    return builder(limiter, key).build();
  }

  public static Builder builder(RateLimiter limiter, RateKey key) {
    return new Builder(limiter, key);
  }

  /**
   * Builds an {@link OutboundLimitChecker}. Defaults: name {@code ratelimit-<key name>}, cost per
   * recipient, mail to {@code postmaster} not counted. Registered without weights, a refused
   * message scores 100 ({@link OutboundLimitChecker#defaultWeights()}).
   */
  public static final class Builder {
    final RateLimiter limiter;
    final RateKey key;
    String name;
    boolean perMessage;
    final List<String> exemptLocalParts = new ArrayList<>(List.of("postmaster"));
    final List<String> exemptAddresses = new ArrayList<>();
    final List<String> exemptUsers = new ArrayList<>();
    Predicate<MailSession> exemptSession = s -> false;

    private Builder(RateLimiter limiter, RateKey key) {
      this.limiter = requireNonNull(limiter, "limiter");
      this.key = requireNonNull(key, "key");
      this.name = "ratelimit-" + key.name();
    }

    /** The check's name in reports (default {@code ratelimit-<key name>}). */
    public Builder name(String name) {
      requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("name must not be blank");
      }
      this.name = name;
      return this;
    }

    /** Counts one token per message instead of one per recipient. */
    public Builder costPerMessage() {
      this.perMessage = true;
      return this;
    }

    /**
     * Recipients never counted: a bare local part ({@code postmaster}, {@code abuse}) matches it at
     * any domain, a full address matches exactly. Replaces the default {@code postmaster}.
     */
    public Builder exemptRecipients(String... localPartsOrAddresses) {
      exemptLocalParts.clear();
      for (String r : localPartsOrAddresses) {
        String v = requireNonNull(r, "recipient").trim().toLowerCase(Locale.ROOT);
        (v.contains("@") ? exemptAddresses : exemptLocalParts).add(v);
      }
      return this;
    }

    /** Authenticated users whose mail is never limited (trusted senders), case-insensitive. */
    public Builder exemptUsers(String... users) {
      for (String u : users) {
        exemptUsers.add(requireNonNull(u, "user").trim().toLowerCase(Locale.ROOT));
      }
      return this;
    }

    /** Sessions never limited (e.g. clients on the site's own network). */
    public Builder exempt(Predicate<MailSession> isExempt) {
      requireNonNull(isExempt, "isExempt");
      Predicate<MailSession> before = exemptSession;
      exemptSession = s -> before.test(s) || isExempt.test(s);
      return this;
    }

    public OutboundLimitChecker build() {
      return new OutboundLimitChecker(this);
    }
  }
}
