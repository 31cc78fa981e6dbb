package dev.mailwarden.auth.helo;

import static java.util.Objects.requireNonNull;

import com.google.common.net.InetAddresses;
import dev.mailwarden.AuthResult;
import dev.mailwarden.CheckResult;
import dev.mailwarden.Outcome;
import dev.mailwarden.SmtpReply;
import dev.mailwarden.auth.helo.internal.ReverseDns;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What {@link Iprev#check()} found: the RFC 8601 section 3 result ({@code pass}, {@code fail},
 * {@code temperror}, {@code permerror}; {@code none} when skipped), the PTR names and those that
 * were forward-confirmed, the findings (scored by {@link HeloWeights}), and the {@code iprev=}
 * clause with {@code policy.iprev=<address>}.
 */
public final class IprevResult implements CheckResult {
  private final Outcome outcome;
  private final String reason;
  private final @Nullable InetAddress client;
  private final @Nullable ReverseDns reverse;
  private final List<Finding> findings;

  IprevResult(
      Outcome outcome,
      String reason,
      @Nullable InetAddress client,
      @Nullable ReverseDns reverse,
      List<Finding> findings) {
    this.outcome = requireNonNull(outcome, "outcome");
    this.reason = requireNonNull(reason, "reason");
    this.client = client;
    this.reverse = reverse;
    this.findings = List.copyOf(findings);
  }

  @Override
  public Outcome outcome() {
    return outcome;
  }

  @Override
  public String reason() {
    return reason;
  }

  public Optional<InetAddress> clientIp() {
    return Optional.ofNullable(client);
  }

  /** Every PTR name of the client address, lower case, in answer order. */
  public List<String> ptrNames() {
    return reverse == null ? List.of() : reverse.ptrNames();
  }

  /** The PTR names whose forward lookup gave back the client address. */
  public List<String> confirmedNames() {
    return reverse == null ? List.of() : reverse.confirmedNames();
  }

  /** The findings ({@code no-ptr}, {@code not-confirmed} or {@code relaxed-match}). */
  public List<Finding> findings() {
    return findings;
  }

  public boolean has(HeloFinding type) {
    return findings.stream().anyMatch(f -> f.type() == type);
  }

  /** The lookup facts, for {@link Helo} to reuse. */
  Optional<ReverseDns> reverseDns() {
    return Optional.ofNullable(reverse);
  }

  @Override
  public Optional<SmtpReply> smtpReply() {
    return findings.stream().filter(Finding::rejects).findFirst().map(Finding::reply);
  }

  /** {@code iprev=<result> policy.iprev=<address>}; none when skipped or when nothing was asked. */
  @Override
  public List<AuthResult> authResults() {
    if (client == null || reverse == null) {
      return List.of();
    }
    AuthResult r = AuthResult.of("iprev", outcome);
    if (outcome == Outcome.PASS) {
      r = r.withComment(reverse.confirmedNames().get(0));
    } else {
      r = r.withReason(reason);
    }
    return List.of(r.withProperty("policy", "iprev", InetAddresses.toAddrString(client)));
  }

  @Override
  public Map<String, String> details() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("client", client == null ? "-" : InetAddresses.toAddrString(client));
    d.put("ptr", ptrNames().isEmpty() ? "-" : String.join(",", ptrNames()));
    d.put("confirmed", confirmedNames().isEmpty() ? "-" : String.join(",", confirmedNames()));
    List<String> tokens = new ArrayList<>();
    findings.forEach(f -> tokens.add(f.type().token()));
    d.put("findings", tokens.isEmpty() ? "-" : String.join(",", tokens));
    for (Finding f : findings) {
      d.put(
          "finding." + f.type().token(),
          (f.rejects() ? "rejects " + f.reply() : "scores") + ": " + f.reason());
    }
    return Collections.unmodifiableMap(d);
  }

  @Override
  public String toString() {
    return "IprevResult["
        + outcome.token()
        + ", client="
        + (client == null ? "-" : InetAddresses.toAddrString(client))
        + ", ptr="
        + ptrNames()
        + ", confirmed="
        + confirmedNames()
        + ", findings="
        + findings
        + "]";
  }
}
