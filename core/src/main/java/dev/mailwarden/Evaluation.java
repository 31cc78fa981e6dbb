package dev.mailwarden;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of {@link MailWarden#evaluate}: the verdict, the score with each check's
 * contribution, every result in registration order, the SMTP reply to send, and renderings for
 * headers and logs. Immutable.
 */
public final class Evaluation {
  private final MailSession session;
  private final Verdict verdict;
  private final Verdict policyVerdict;
  private final double score;
  private final List<CheckReport> checks;
  private final SmtpReply smtpReply;
  private final Optional<String> decisiveCheck;
  private final Duration elapsed;
  private final DnsUsage dns;

  Evaluation(
      MailSession session,
      Verdict verdict,
      Verdict policyVerdict,
      double score,
      List<CheckReport> checks,
      SmtpReply smtpReply,
      Optional<String> decisiveCheck,
      Duration elapsed,
      DnsUsage dns) {
    this.session = requireNonNull(session);
    this.verdict = requireNonNull(verdict);
    this.policyVerdict = requireNonNull(policyVerdict);
    this.score = score;
    this.checks = List.copyOf(checks);
    this.smtpReply = requireNonNull(smtpReply);
    this.decisiveCheck = requireNonNull(decisiveCheck);
    this.elapsed = requireNonNull(elapsed);
    this.dns = requireNonNull(dns);
  }

  public MailSession session() {
    return session;
  }

  /** What the gateway should do. Always ACCEPT or QUARANTINE in observe-only mode. */
  public Verdict verdict() {
    return verdict;
  }

  /**
   * What the policy decided before observe-only mode softened it; equal to {@link #verdict()}
   * unless the instance is observe-only.
   */
  public Verdict policyVerdict() {
    return policyVerdict;
  }

  /** The sum of every check's contribution. */
  public double score() {
    return score;
  }

  /** Every check that ran, in registration order. */
  public List<CheckReport> checks() {
    return checks;
  }

  /** The report of the check with this name, if it ran. */
  public Optional<CheckReport> check(String name) {
    return checks.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  /** The result of the check with this key, if it ran. */
  public <R extends CheckResult> Optional<R> result(CheckKey<R> key) {
    return check(key.name())
        .map(CheckReport::result)
        .filter(key.type()::isInstance)
        .map(key.type()::cast);
  }

  /** The name of the check whose result decided a REJECT or TEMPFAIL, if any. */
  public Optional<String> decisiveCheck() {
    return decisiveCheck;
  }

  /**
   * The reply for the SMTP client: 250 for ACCEPT/QUARANTINE; for REJECT/TEMPFAIL the decisive
   * result's own reply or the policy default. The text is sanitized (no CR/LF or controls).
   */
  public SmtpReply smtpReply() {
    return smtpReply;
  }

  /** Time from the start of the evaluation to the verdict. */
  public Duration elapsed() {
    return elapsed;
  }

  /** DNS queries, cache hits and void answers of this evaluation. */
  public DnsUsage dns() {
    return dns;
  }

  /** Every Authentication-Results clause of every check, in registration order. */
  public List<AuthResult> authResults() {
    List<AuthResult> out = new ArrayList<>();
    for (CheckReport c : checks) {
      if (c.status() != CheckReport.Status.SKIPPED) {
        out.addAll(c.result().authResults());
      }
    }
    return out;
  }

  /**
   * The Authentication-Results header field (RFC 8601) to prepend to the message, folded with CRLF
   * TAB between clauses, without a trailing CRLF: {@code Authentication-Results: mx.example.org;
   * spf=pass smtp.mailfrom=example.com}. With no clauses the value is {@code none}.
   *
   * @param authservId the name of this mail server (usually its hostname)
   */
  public String authenticationResults(String authservId) {
    requireNonNull(authservId, "authservId");
    if (authservId.isBlank()) {
      throw new IllegalArgumentException("authserv-id must not be blank");
    }
    return AuthResultsFormat.header(authservId, authResults());
  }

  /**
   * One line for logs: verdict, score, client, envelope, each check with its contribution, DNS
   * totals and time. No CR/LF.
   */
  public String summary() {
    StringBuilder b = new StringBuilder(160);
    b.append(verdict);
    if (policyVerdict != verdict) {
      b.append(" (observe-only, policy: ").append(policyVerdict).append(')');
    }
    b.append(" score=").append(CheckReport.formatScore(score).replace("+", ""));
    session.id().ifPresent(id -> b.append(" id=").append(id));
    session.clientIp().ifPresent(ip -> b.append(" client=").append(ip.getHostAddress()));
    session.helo().ifPresent(h -> b.append(" helo=").append(h));
    session.mailFrom().ifPresent(f -> b.append(" from=<").append(f).append('>'));
    if (!session.recipients().isEmpty()) {
      b.append(" rcpts=").append(session.recipients().size());
    }
    session.authenticatedUser().ifPresent(u -> b.append(" user=").append(u));
    b.append(" checks=").append(checks);
    decisiveCheck.ifPresent(d -> b.append(" decisive=").append(d));
    b.append(" reply=\"").append(smtpReply).append('"');
    b.append(" dns=")
        .append(dns.queries())
        .append('q')
        .append('/')
        .append(dns.cacheHits())
        .append("hit");
    b.append(" elapsed=").append(elapsed.toMillis()).append("ms");
    return SmtpReply.sanitize(b.toString(), 4000);
  }

  @Override
  public String toString() {
    return "Evaluation[" + summary() + "]";
  }
}
