package dev.mailwarden.auth.dkim;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.AuthResult;
import dev.mailwarden.CheckResult;
import dev.mailwarden.Outcome;
import dev.mailwarden.auth.dkim.internal.DkimResults;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The DKIM result of one message: one {@link DkimSignatureResult} per evaluated signature, in
 * header order. The overall outcome is {@code pass} if any signature passes, {@code none} without
 * signatures, otherwise the first signature's outcome.
 */
public final class DkimResult implements CheckResult {
  private final Outcome outcome;
  private final String reason;
  private final List<DkimSignatureResult> signatures;
  private final int fromHeaderCount;
  private final int signaturesSkipped;

  /** The one way the verification (another package) makes results. */
  static final DkimResults FACTORY =
      new DkimResults() {
        @Override
        public DkimResult of(
            List<DkimSignatureResult> signatures, int fromHeaderCount, int signaturesSkipped) {
          return DkimResult.of(signatures, fromHeaderCount, signaturesSkipped);
        }

        @Override
        public DkimResult permerror(String reason) {
          return DkimResult.permerror(reason);
        }
      };

  private DkimResult(
      Outcome outcome,
      String reason,
      List<DkimSignatureResult> signatures,
      int fromHeaderCount,
      int skipped) {
    this.outcome = outcome;
    this.reason = reason;
    this.signatures = List.copyOf(signatures);
    this.fromHeaderCount = fromHeaderCount;
    this.signaturesSkipped = skipped;
  }

  /**
   * The result of a message with these signature results.
   *
   * @param fromHeaderCount how many From header fields the message has
   * @param signaturesSkipped signatures beyond the evaluation limit, not evaluated
   */
  static DkimResult of(
      List<DkimSignatureResult> signatures, int fromHeaderCount, int signaturesSkipped) {
    requireNonNull(signatures, "signatures");
    if (signatures.isEmpty()) {
      return new DkimResult(
          Outcome.NONE, "no DKIM signature", signatures, fromHeaderCount, signaturesSkipped);
    }
    for (DkimSignatureResult s : signatures) {
      if (s.isPass()) {
        return new DkimResult(
            Outcome.PASS,
            "signature of " + s.domain() + " (s=" + s.selector() + ") verified",
            signatures,
            fromHeaderCount,
            signaturesSkipped);
      }
    }
    DkimSignatureResult first = signatures.get(0);
    String why = first.domain().isEmpty() ? first.reason() : first.domain() + ": " + first.reason();
    return new DkimResult(first.outcome(), why, signatures, fromHeaderCount, signaturesSkipped);
  }

  /** The result recorded when verification could not finish (DNS deadline, internal failure). */
  static DkimResult temperror(String reason) {
    return new DkimResult(Outcome.TEMPERROR, requireNonNull(reason, "reason"), List.of(), 0, 0);
  }

  /**
   * The result of a message that could not be evaluated at all, e.g. a header section over the
   * verifier's cap: {@code permerror} with that reason and no signature results.
   */
  static DkimResult permerror(String reason) {
    return new DkimResult(Outcome.PERMERROR, requireNonNull(reason, "reason"), List.of(), 0, 0);
  }

  @Override
  public Outcome outcome() {
    return outcome;
  }

  @Override
  public String reason() {
    return reason;
  }

  /** The evaluated signatures in header order (top first); empty when there were none. */
  public List<DkimSignatureResult> signatures() {
    return signatures;
  }

  /** The signatures that passed. */
  public List<DkimSignatureResult> passing() {
    List<DkimSignatureResult> out = new ArrayList<>();
    for (DkimSignatureResult s : signatures) {
      if (s.isPass()) {
        out.add(s);
      }
    }
    return out;
  }

  /**
   * How many From header fields the message has. RFC 5322 allows exactly one; more than one makes
   * the author ambiguous, which DMARC must treat as a failure (RFC 7489 section 6.6.1).
   */
  public int fromHeaderCount() {
    return fromHeaderCount;
  }

  /** True when the message has more than one From header field. */
  public boolean hasMultipleFrom() {
    return fromHeaderCount > 1;
  }

  /** Signatures present beyond the evaluation limit and not evaluated. */
  public int signaturesSkipped() {
    return signaturesSkipped;
  }

  @Override
  public Map<String, String> details() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("signatures", Integer.toString(signatures.size()));
    for (int i = 0; i < signatures.size(); i++) {
      d.put("signature." + (i + 1), signatures.get(i).toString());
    }
    if (signaturesSkipped > 0) {
      d.put("skipped", Integer.toString(signaturesSkipped));
    }
    if (fromHeaderCount != 1) {
      d.put("from.count", Integer.toString(fromHeaderCount));
    }
    return d;
  }

  /** One {@code dkim=} clause per signature; {@code dkim=none} without signatures. */
  @Override
  public List<AuthResult> authResults() {
    if (signatures.isEmpty()) {
      AuthResult r = AuthResult.of("dkim", outcome);
      return List.of(outcome == Outcome.NONE ? r : r.withReason(reason));
    }
    List<AuthResult> out = new ArrayList<>(signatures.size());
    for (DkimSignatureResult s : signatures) {
      out.add(s.authResult());
    }
    return out;
  }

  @Override
  public String toString() {
    return "DkimResult["
        + outcome.token()
        + " ("
        + reason
        + "), "
        + signatures.size()
        + " signature(s)"
        + (fromHeaderCount > 1 ? ", " + fromHeaderCount + " From fields" : "")
        + "]";
  }
}
