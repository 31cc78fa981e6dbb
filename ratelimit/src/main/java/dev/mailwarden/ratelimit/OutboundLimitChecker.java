package dev.mailwarden.ratelimit;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.CheckContext;
import dev.mailwarden.CheckKey;
import dev.mailwarden.Checker;
import dev.mailwarden.MailSession;
import dev.mailwarden.Outcome;
import dev.mailwarden.SmtpReply;
import dev.mailwarden.Weights;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * A {@link RateLimiter} as a {@link Checker}; made by {@link OutboundLimit}. Never blocks (the
 * Redis store answers asynchronously) and never fails its future. Immutable and thread-safe.
 */
public final class OutboundLimitChecker implements Checker<OutboundLimitResult> {
  private final CheckKey<OutboundLimitResult> key;
  private final RateLimiter limiter;
  private final RateKey rateKey;
  private final boolean perMessage;
  private final Set<String> exemptLocalParts;
  private final Set<String> exemptAddresses;
  private final Set<String> exemptUsers;
  private final Predicate<MailSession> exemptSession;

  OutboundLimitChecker(OutboundLimit.Builder b) {
    this.key = CheckKey.of(b.name, OutboundLimitResult.class);
    this.limiter = b.limiter;
    this.rateKey = b.key;
    this.perMessage = b.perMessage;
    this.exemptLocalParts = Set.copyOf(b.exemptLocalParts);
    this.exemptAddresses = Set.copyOf(b.exemptAddresses);
    this.exemptUsers = Set.copyOf(b.exemptUsers);
    this.exemptSession = b.exemptSession;
  }

  /**
   * A refused message (a result asking for a reply: over a limit, or the store unavailable and
   * failing closed) scores 100, far above any reject threshold, so the engine defers it with this
   * check's 4xx reply; anything else scores 0.
   */
  @Override
  public Weights defaultWeights() {
    return REFUSED_SCORES_100;
  }

  private static final Weights REFUSED_SCORES_100 = r -> r.smtpReply().isPresent() ? 100.0 : 0.0;

  @Override
  public CheckKey<OutboundLimitResult> key() {
    return key;
  }

  /** Applies once the session has recipients (cost is per recipient). */
  @Override
  public boolean appliesTo(MailSession session) {
    return !session.recipients().isEmpty();
  }

  @Override
  public CompletableFuture<OutboundLimitResult> check(CheckContext context) {
    requireNonNull(context, "context");
    MailSession session = context.session();
    try {
      return run(context, session);
    } catch (RuntimeException e) {
      // a user-supplied key function or exemption threw: report it, never fail the future
      return CompletableFuture.completedFuture(temperror("rate key failed: " + e));
    }
  }

  private CompletableFuture<OutboundLimitResult> run(CheckContext context, MailSession session) {
    if (isExemptSender(session)) {
      return done(
          new OutboundLimitResult(
              Outcome.NONE, "sender is exempt from rate limits", Map.of(), null));
    }
    List<String> counted = new ArrayList<>(session.recipients().size());
    for (String r : session.recipients()) {
      if (!isExemptRecipient(r)) {
        counted.add(r);
      }
    }
    if (counted.isEmpty()) {
      return done(new OutboundLimitResult(Outcome.NONE, "only exempt recipients", Map.of(), null));
    }
    Map<String, Integer> keys = rateKey.keys(session, counted);
    if (keys.isEmpty()) {
      return done(
          new OutboundLimitResult(
              Outcome.NONE, "no " + rateKey.name() + " key for this session", Map.of(), null));
    }
    List<String> names = new ArrayList<>(keys.keySet());
    List<CompletableFuture<RateDecision>> futures = new ArrayList<>(names.size());
    for (String name : names) {
      long cost = perMessage ? 1 : keys.get(name);
      futures.add(limiter.tryAcquireAsync(name, cost));
    }
    return CompletableFuture.allOf(futures.toArray(CompletableFuture<?>[]::new))
        .handle(
            (ignored, error) -> {
              Map<String, RateDecision> decisions = new LinkedHashMap<>();
              for (int i = 0; i < futures.size(); i++) {
                CompletableFuture<RateDecision> f = futures.get(i);
                RateDecision d = f.isCompletedExceptionally() ? null : f.getNow(null);
                if (d == null) {
                  return temperror("rate limiter failed for " + names.get(i));
                }
                decisions.put(names.get(i), d);
              }
              return conclude(context, session, names, keys, decisions);
            });
  }

  private OutboundLimitResult conclude(
      CheckContext context,
      MailSession session,
      List<String> names,
      Map<String, Integer> keys,
      Map<String, RateDecision> decisions) {
    RateDecision worst = null;
    String worstKey = null;
    boolean unavailableClosed = false;
    boolean unavailableOpen = false;
    for (String name : names) {
      RateDecision d = decisions.get(name);
      if (d.status() == RateDecision.Status.DENIED) {
        long cost = perMessage ? 1 : keys.get(name);
        Limit limit = d.exceededLimit().orElseThrow();
        context.report(new RateLimitTripped(name, limit, cost, d.retryAfter(), session.id()));
        if (worst == null
            || d.retryAfter().compareTo(worst.retryAfter()) > 0
            || d.exceedsCapacity()) {
          worst = d;
          worstKey = name;
        }
      } else if (d.status() == RateDecision.Status.STORE_UNAVAILABLE) {
        if (d.allowed()) {
          unavailableOpen = true;
        } else {
          unavailableClosed = true;
        }
      }
    }
    if (worst != null) {
      Limit limit = worst.exceededLimit().orElseThrow();
      if (worst.exceedsCapacity()) {
        String text =
            "Too many recipients for the sending limit "
                + limit
                + ", send to fewer recipients per message";
        return new OutboundLimitResult(
            Outcome.FAIL,
            worstKey + " asks for more than limit " + limit + " ever allows",
            decisions,
            SmtpReply.of(452, "4.5.3", text));
      }
      String wait = OutboundLimitResult.humanDuration(worst.retryAfter());
      return new OutboundLimitResult(
          Outcome.FAIL,
          worstKey + " is over its limit " + limit + ", retry after " + wait,
          decisions,
          SmtpReply.of(
              450, "4.7.1", "Sending rate limit " + limit + " exceeded, try again in " + wait));
    }
    if (unavailableClosed) {
      return new OutboundLimitResult(
          Outcome.TEMPERROR,
          "rate-limit store unavailable; failing closed",
          decisions,
          SmtpReply.of(451, "4.3.0", "Rate limit service unavailable, try again later"));
    }
    if (unavailableOpen) {
      return new OutboundLimitResult(
          Outcome.NEUTRAL, "rate-limit store unavailable; failing open", decisions, null);
    }
    boolean allExempt =
        decisions.values().stream().allMatch(d -> d.status() == RateDecision.Status.EXEMPT);
    if (allExempt) {
      return new OutboundLimitResult(
          Outcome.NONE, "key is exempt from rate limits", decisions, null);
    }
    return new OutboundLimitResult(
        Outcome.PASS, "within rate limits " + limiter.limits(), decisions, null);
  }

  private boolean isExemptSender(MailSession session) {
    if (!exemptUsers.isEmpty()) {
      String user =
          session.authenticatedUser().map(u -> u.trim().toLowerCase(Locale.ROOT)).orElse(null);
      if (user != null && exemptUsers.contains(user)) {
        return true;
      }
    }
    return exemptSession.test(session);
  }

  private boolean isExemptRecipient(String recipient) {
    if (exemptLocalParts.isEmpty() && exemptAddresses.isEmpty()) {
      return false;
    }
    String r = recipient.trim().toLowerCase(Locale.ROOT);
    if (exemptAddresses.contains(r)) {
      return true;
    }
    int at = r.lastIndexOf('@');
    return exemptLocalParts.contains(at < 0 ? r : r.substring(0, at));
  }

  private static CompletableFuture<OutboundLimitResult> done(OutboundLimitResult r) {
    return CompletableFuture.completedFuture(r);
  }

  @Override
  public OutboundLimitResult temperror(String reason) {
    return new OutboundLimitResult(Outcome.TEMPERROR, reason, Map.of(), null);
  }

  @Override
  public String toString() {
    return "OutboundLimitChecker["
        + key.name()
        + ", "
        + rateKey
        + ", "
        + limiter.limits()
        + (perMessage ? ", per message" : ", per recipient")
        + "]";
  }
}
