package dev.mailwarden.auth.arc;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.AuthResult;
import dev.mailwarden.CheckResult;
import dev.mailwarden.Outcome;
import dev.mailwarden.auth.arc.internal.ArcResults;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The ARC result of one message (RFC 8617 section 5.2): the chain validation status, how many ARC
 * sets the message carries, the oldest instance whose message signature still verifies, and why a
 * chain failed.
 *
 * <p>The outcome is the status ({@code pass}, {@code fail}, {@code none}), except {@code temperror}
 * when a key lookup failed for DNS reasons (the status is then {@code fail}: the chain could not be
 * shown to be intact).
 */
public final class ArcResult implements CheckResult {
  private final ArcStatus status;
  private final Outcome outcome;
  private final String reason;
  private final int instanceCount;
  private final int oldestPass;
  private final List<ArcSet> sets;

  /** The one way the chain validation (another package) makes results. */
  static final ArcResults FACTORY =
      new ArcResults() {
        @Override
        public ArcResult none() {
          return ArcResult.none();
        }

        @Override
        public ArcResult pass(int instanceCount, int oldestPass, List<ArcSet> sets) {
          return ArcResult.pass(instanceCount, oldestPass, sets);
        }

        @Override
        public ArcResult fail(String reason, int instanceCount, List<ArcSet> sets) {
          return ArcResult.fail(reason, instanceCount, sets);
        }

        @Override
        public ArcResult temperror(String reason, int instanceCount, List<ArcSet> sets) {
          return ArcResult.temperror(reason, instanceCount, sets);
        }
      };

  private ArcResult(
      ArcStatus status,
      Outcome outcome,
      String reason,
      int instanceCount,
      int oldestPass,
      List<ArcSet> sets) {
    this.status = requireNonNull(status, "status");
    this.outcome = requireNonNull(outcome, "outcome");
    this.reason = requireNonNull(reason, "reason");
    this.instanceCount = instanceCount;
    this.oldestPass = oldestPass;
    this.sets = List.copyOf(sets);
  }

  /** No ARC set in the message. */
  static ArcResult none() {
    return new ArcResult(ArcStatus.NONE, Outcome.NONE, "no ARC sets", 0, -1, List.of());
  }

  /**
   * A chain that validated.
   *
   * @param oldestPass the RFC 8617 {@code oldest-pass} value (0 when every message signature
   *     verified), or -1 when it was not computed
   */
  static ArcResult pass(int instanceCount, int oldestPass, List<ArcSet> sets) {
    return new ArcResult(
        ArcStatus.PASS,
        Outcome.PASS,
        instanceCount + " ARC set(s) verified",
        instanceCount,
        oldestPass,
        sets);
  }

  /** A chain that failed, with the reason. */
  static ArcResult fail(String reason, int instanceCount, List<ArcSet> sets) {
    return new ArcResult(ArcStatus.FAIL, Outcome.FAIL, reason, instanceCount, -1, sets);
  }

  /** A chain that could not be validated because a key lookup failed temporarily. */
  static ArcResult temperror(String reason, int instanceCount, List<ArcSet> sets) {
    return new ArcResult(ArcStatus.FAIL, Outcome.TEMPERROR, reason, instanceCount, -1, sets);
  }

  /** The result recorded when validation could not finish (deadline, internal failure). */
  static ArcResult temperror(String reason) {
    return temperror(reason, 0, List.of());
  }

  @Override
  public Outcome outcome() {
    return outcome;
  }

  @Override
  public String reason() {
    return reason;
  }

  /** The chain validation status: what a sealer puts in {@code cv=}. */
  public ArcStatus status() {
    return status;
  }

  /** The highest ARC instance {@code N} seen (0 without ARC sets). */
  public int instanceCount() {
    return instanceCount;
  }

  /**
   * RFC 8617 {@code oldest-pass}: the lowest instance from which every ARC-Message-Signature up to
   * the newest still verifies, 0 when all of them do. Empty unless the chain passed and the
   * verifier was built with {@code oldestPass(true)}.
   */
  public OptionalInt oldestPass() {
    return oldestPass < 0 ? OptionalInt.empty() : OptionalInt.of(oldestPass);
  }

  /** The ARC sets as read, instance 1 first; empty when the chain's structure could not be read. */
  public List<ArcSet> sets() {
    return sets;
  }

  @Override
  public Map<String, String> details() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("status", status.token());
    d.put("instances", Integer.toString(instanceCount));
    if (oldestPass >= 0) {
      d.put("oldest-pass", Integer.toString(oldestPass));
    }
    for (ArcSet s : sets) {
      d.put(
          "set." + s.instance(),
          "d="
              + s.sealDomain()
              + " s="
              + s.sealSelector()
              + " cv="
              + s.chainStatus()
              + " ams="
              + s.messageSignature().token());
    }
    return d;
  }

  /**
   * The {@code arc=} clause (RFC 8617 section 10): the status, with {@code header.oldest-pass} when
   * known, and the reason when the chain did not pass.
   */
  @Override
  public List<AuthResult> authResults() {
    AuthResult r =
        new AuthResult(
            "arc",
            status.token(),
            java.util.Optional.empty(),
            java.util.Optional.empty(),
            List.of());
    if (status == ArcStatus.FAIL) {
      r = r.withReason(reason);
    }
    if (oldestPass >= 0) {
      r = r.withProperty("header", "oldest-pass", Integer.toString(oldestPass));
    }
    return List.of(r);
  }

  @Override
  public String toString() {
    return "ArcResult["
        + outcome.token()
        + " ("
        + reason
        + "), "
        + instanceCount
        + " instance(s)"
        + (oldestPass >= 0 ? ", oldest-pass=" + oldestPass : "")
        + "]";
  }
}
