package dev.mailwarden.ratelimit;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.CheckEvent;
import java.time.Duration;
import java.util.Optional;

/**
 * A key ran out of tokens: a message was refused by its rate limit. Sent to the evaluation's
 * listener ({@code EvaluationListener.onCheckEvent}) for every refused message, so operators can
 * alert on compromised accounts.
 *
 * @param key the key that tripped, e.g. {@code user:alice}
 * @param limit the limit that refused (the one with the longest wait)
 * @param cost what the message would have cost (usually its recipients)
 * @param retryAfter how long until the same cost could be granted
 * @param sessionId the gateway's transaction id, when known
 */
public record RateLimitTripped(
    String key, Limit limit, long cost, Duration retryAfter, Optional<String> sessionId)
    implements CheckEvent {

  public RateLimitTripped {
    requireNonNull(key, "key");
    requireNonNull(limit, "limit");
    requireNonNull(retryAfter, "retryAfter");
    requireNonNull(sessionId, "sessionId");
  }

  @Override
  public String description() {
    return "rate limit "
        + limit
        + " tripped by "
        + key
        + " (cost "
        + cost
        + ", retry after "
        + OutboundLimitResult.humanDuration(retryAfter)
        + ")"
        + sessionId.map(id -> " in " + id).orElse("");
  }
}
