package dev.mailwarden.auth.helo;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.CheckResult;
import dev.mailwarden.Outcome;
import dev.mailwarden.SmtpReply;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What {@link Helo#check()} found: every {@link Finding} with its reason, and the reply of the most
 * severe rejecting finding. What the findings score is decided at registration ({@link
 * HeloWeights}; by default a rejecting finding scores 100, so that it reaches the evaluation's
 * reject threshold on its own and its reply is used).
 *
 * <p>Outcome: {@code pass} without findings, {@code neutral} with findings that only score, {@code
 * fail} when a finding rejects under the policy, {@code temperror} when DNS trouble left part of
 * the check undone (never a rejection), {@code none} when the session was skipped.
 */
public final class HeloResult implements CheckResult {
  private final Outcome outcome;
  private final String reason;
  private final @Nullable String helo;
  private final @Nullable InetAddress client;
  private final HeloPolicy policy;
  private final List<Finding> findings;
  private final List<String> dnsProblems;

  HeloResult(
      Outcome outcome,
      String reason,
      @Nullable String helo,
      @Nullable InetAddress client,
      HeloPolicy policy,
      List<Finding> findings,
      List<String> dnsProblems) {
    this.outcome = requireNonNull(outcome, "outcome");
    this.reason = requireNonNull(reason, "reason");
    this.helo = helo;
    this.client = client;
    this.policy = requireNonNull(policy, "policy");
    this.findings = List.copyOf(findings);
    this.dnsProblems = List.copyOf(dnsProblems);
  }

  /** Builds the result from findings, choosing outcome and reason. */
  static HeloResult of(
      @Nullable String helo,
      @Nullable InetAddress client,
      HeloPolicy policy,
      List<Finding> findings,
      List<String> dnsProblems) {
    boolean rejects = findings.stream().anyMatch(Finding::rejects);
    Outcome o;
    String reason;
    if (rejects) {
      o = Outcome.FAIL;
      reason = describe(findings);
    } else if (!dnsProblems.isEmpty()) {
      o = Outcome.TEMPERROR;
      reason =
          "DNS trouble: "
              + String.join("; ", dnsProblems)
              + (findings.isEmpty() ? "" : "; " + describe(findings));
    } else if (!findings.isEmpty()) {
      o = Outcome.NEUTRAL;
      reason = describe(findings);
    } else {
      o = Outcome.PASS;
      reason = "HELO " + (helo == null ? "" : "'" + helo + "' ") + "looks sane";
    }
    return new HeloResult(o, reason, helo, client, policy, findings, dnsProblems);
  }

  static HeloResult skipped(
      @Nullable String helo, @Nullable InetAddress client, HeloPolicy policy, String why) {
    return new HeloResult(Outcome.NONE, why, helo, client, policy, List.of(), List.of());
  }

  static HeloResult temperror(String why) {
    return new HeloResult(
        Outcome.TEMPERROR, why, null, null, HeloPolicy.LENIENT, List.of(), List.of(why));
  }

  private static String describe(List<Finding> findings) {
    List<String> parts = new ArrayList<>(findings.size());
    for (Finding f : findings) {
      parts.add(f.reason());
    }
    return String.join("; ", parts);
  }

  @Override
  public Outcome outcome() {
    return outcome;
  }

  @Override
  public String reason() {
    return reason;
  }

  /** The HELO argument as the client sent it; empty when it sent none. */
  public Optional<String> helo() {
    return Optional.ofNullable(helo);
  }

  public Optional<InetAddress> clientIp() {
    return Optional.ofNullable(client);
  }

  public HeloPolicy policy() {
    return policy;
  }

  /** Every finding, in the order found. */
  public List<Finding> findings() {
    return findings;
  }

  /** True when a finding of this kind was made. */
  public boolean has(HeloFinding type) {
    return findings.stream().anyMatch(f -> f.type() == type);
  }

  /** DNS lookups that failed temporarily (these never become findings). */
  public List<String> dnsProblems() {
    return dnsProblems;
  }

  /**
   * The reply of the most severe rejecting finding: permanent (5xx) before transient (4xx), then
   * the heavier one. Empty when nothing rejects under the policy.
   */
  @Override
  public Optional<SmtpReply> smtpReply() {
    return findings.stream()
        .filter(Finding::rejects)
        .min(
            Comparator.comparing((Finding f) -> !f.reply().isPermanent())
                .thenComparing(f -> f.type().defaultWeight(), Comparator.reverseOrder()))
        .map(Finding::reply);
  }

  @Override
  public Map<String, String> details() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("helo", helo == null ? "-" : helo);
    d.put("client", client == null ? "-" : client.getHostAddress());
    d.put("policy", policy.name().toLowerCase(java.util.Locale.ROOT));
    List<String> tokens = new ArrayList<>();
    findings.forEach(f -> tokens.add(f.type().token()));
    d.put("findings", tokens.isEmpty() ? "-" : String.join(",", tokens));
    for (Finding f : findings) {
      d.put(
          "finding." + f.type().token(),
          (f.rejects() ? "rejects " + f.reply() : "scores") + ": " + f.reason());
    }
    if (!dnsProblems.isEmpty()) {
      d.put("dns", String.join("; ", dnsProblems));
    }
    return Collections.unmodifiableMap(d);
  }

  @Override
  public String toString() {
    return "HeloResult["
        + outcome.token()
        + ", findings="
        + findings.size()
        + ", helo="
        + (helo == null ? "-" : helo)
        + ", findings="
        + findings
        + (dnsProblems.isEmpty() ? "" : ", dns=" + dnsProblems)
        + "]";
  }
}
