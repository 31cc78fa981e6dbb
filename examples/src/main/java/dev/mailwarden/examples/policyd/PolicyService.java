package dev.mailwarden.examples.policyd;

import com.google.common.net.InetAddresses;
import dev.mailwarden.Evaluation;
import dev.mailwarden.MailSession;
import dev.mailwarden.MailWarden;
import dev.mailwarden.SmtpReply;
import dev.mailwarden.Verdict;
import dev.mailwarden.auth.spf.Spf;
import dev.mailwarden.ratelimit.RateDecision;
import dev.mailwarden.ratelimit.RateLimiter;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides policy requests: at RCPT, the inbound checks (DNSBL, HELO/iprev, SPF) for clients that
 * did not authenticate, prepending Received-SPF when the mail is accepted; at END-OF-MESSAGE, the
 * outbound limiter for authenticated users with {@code recipient_count} as the cost, each message
 * ({@code instance}) counted once. Anything else: DUNNO. One log line per decision.
 */
public final class PolicyService implements PolicyDecider {
  private static final Logger LOG = LoggerFactory.getLogger(PolicyService.class);
  private static final int REMEMBERED_INSTANCES = 10_000;

  private final MailWarden inbound;
  private final @Nullable RateLimiter limiter;
  private final String authservId;
  private final Consumer<RateDecision> onLimitDecision;
  private final Map<String, Boolean> counted =
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > REMEMBERED_INSTANCES;
        }
      };

  public PolicyService(MailWarden inbound, @Nullable RateLimiter limiter, String authservId) {
    this(inbound, limiter, authservId, d -> {});
  }

  /** As above; {@code onLimitDecision} sees every decision of the limiter (for metrics). */
  public PolicyService(
      MailWarden inbound,
      @Nullable RateLimiter limiter,
      String authservId,
      Consumer<RateDecision> onLimitDecision) {
    this.inbound = inbound;
    this.limiter = limiter;
    this.authservId = authservId;
    this.onLimitDecision = onLimitDecision;
  }

  @Override
  public String decide(PolicyRequest request) {
    if (!request.isAccessPolicy()) {
      return log(request, "not an access policy request", PolicyActions.DUNNO);
    }
    return switch (request.protocolState()) {
      case "RCPT" -> atRcpt(request);
      case "END-OF-MESSAGE" -> atEndOfMessage(request);
      default -> log(request, "no check at this stage", PolicyActions.DUNNO);
    };
  }

  private String atRcpt(PolicyRequest request) {
    if (request.get("sasl_username").isPresent()) {
      return log(request, "authenticated client", PolicyActions.DUNNO);
    }
    Optional<InetAddress> ip = request.get("client_address").flatMap(PolicyService::literal);
    if (ip.isEmpty()) {
      return log(request, "no usable client_address", PolicyActions.DUNNO);
    }
    MailSession.Builder b = MailSession.builder().clientIp(ip.get());
    request.get("instance").ifPresent(b::id);
    request.get("helo_name").ifPresent(b::helo);
    b.mailFrom(request.attributes().getOrDefault("sender", ""));
    request.get("recipient").ifPresent(b::recipient);
    Evaluation ev = inbound.evaluateAndWait(b.build());
    String action;
    if (ev.verdict() == Verdict.REJECT || ev.verdict() == Verdict.TEMPFAIL) {
      action = PolicyActions.reply(ev.smtpReply());
    } else {
      action =
          ev.result(Spf.KEY)
              .map(r -> PolicyActions.prepend(r.receivedSpf(authservId)))
              .orElse(PolicyActions.DUNNO);
    }
    return log(request, ev.summary(), action);
  }

  private String atEndOfMessage(PolicyRequest request) {
    Optional<String> user = request.get("sasl_username");
    if (limiter == null || user.isEmpty()) {
      return log(request, "no limit applies", PolicyActions.DUNNO);
    }
    String instance = request.get("instance").orElse("");
    synchronized (counted) {
      if (!instance.isEmpty() && counted.put(instance, Boolean.TRUE) != null) {
        return log(request, "message already counted", PolicyActions.DUNNO);
      }
    }
    int cost;
    try {
      cost = Math.max(1, Integer.parseInt(request.get("recipient_count").orElse("1")));
    } catch (NumberFormatException e) {
      cost = 1;
    }
    RateDecision d = limiter.tryAcquire("sasl:" + user.get(), cost);
    onLimitDecision.accept(d);
    if (d.allowed()) {
      return log(
          request,
          "user " + user.get() + " within limits (" + cost + " recipients)",
          PolicyActions.DUNNO);
    }
    long seconds = Math.max(1, d.retryAfter().toSeconds());
    SmtpReply reply =
        SmtpReply.of(450, "4.7.1", "Sending rate limit exceeded, try again in " + seconds + " s");
    return log(
        request,
        "user " + user.get() + " over its limit (" + d.status() + ")",
        PolicyActions.reply(reply));
  }

  private static Optional<InetAddress> literal(String s) {
    // literals only: Postfix sends an address, and a name here must never cause a DNS lookup
    return InetAddresses.isInetAddress(s)
        ? Optional.of(InetAddresses.forString(s))
        : Optional.empty();
  }

  private static String log(PolicyRequest r, String why, String action) {
    LOG.info(
        "policyd state={} instance={} client={} user={} action=\"{}\" because {}",
        r.protocolState(),
        r.get("instance").orElse("-"),
        r.get("client_address").orElse("-"),
        r.get("sasl_username").orElse("-"),
        action,
        why);
    return action;
  }
}
