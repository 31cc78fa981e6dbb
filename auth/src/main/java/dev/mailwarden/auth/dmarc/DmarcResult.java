package dev.mailwarden.auth.dmarc;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.AuthResult;
import dev.mailwarden.CheckResult;
import dev.mailwarden.Outcome;
import dev.mailwarden.SmtpReply;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What DMARC concluded for one message: the outcome ({@link Outcome#PASS}, {@link Outcome#FAIL},
 * {@link Outcome#NONE}, {@link Outcome#TEMPERROR}, {@link Outcome#PERMERROR}), the From and policy
 * domains, the policy that applied and the disposition after {@code pct=}/{@code t=}, and the
 * identifiers that aligned. Immutable. Its score comes from the weights it is registered with
 * ({@link Dmarc#defaultWeights()}).
 */
public final class DmarcResult implements CheckResult {
  private final Outcome outcome;
  private final String reason;
  private final @Nullable String fromDomain;
  private final @Nullable String policyDomain;
  private final @Nullable String organizationalDomain;
  private final @Nullable DmarcRecord record;
  private final @Nullable PolicyTag appliedTag;
  private final Policy disposition;
  private final @Nullable String dispositionOverride;
  private final @Nullable String overrideComment;
  private final @Nullable String alignedSpfDomain;
  private final List<String> alignedDkimDomains;
  private final DmarcInputs inputs;

  private DmarcResult(Builder b) {
    this.outcome = requireNonNull(b.outcome, "outcome");
    this.reason = requireNonNull(b.reason, "reason");
    this.fromDomain = b.fromDomain;
    this.policyDomain = b.policyDomain;
    this.organizationalDomain = b.organizationalDomain;
    this.record = b.record;
    this.appliedTag = b.appliedTag;
    this.disposition = b.disposition;
    this.dispositionOverride = b.dispositionOverride;
    this.overrideComment = b.overrideComment;
    this.alignedSpfDomain = b.alignedSpfDomain;
    this.alignedDkimDomains = List.copyOf(b.alignedDkimDomains);
    this.inputs = b.inputs;
  }

  static Builder builder(Outcome outcome, String reason) {
    return new Builder(outcome, reason);
  }

  /** A temperror result, e.g. for a check that missed the deadline. */
  public static DmarcResult temperror(String reason) {
    return builder(Outcome.TEMPERROR, reason).build();
  }

  @Override
  public Outcome outcome() {
    return outcome;
  }

  @Override
  public String reason() {
    return reason;
  }

  /** The RFC5322.From domain (lower case, A-labels); empty when it could not be determined. */
  public Optional<String> fromDomain() {
    return Optional.ofNullable(fromDomain);
  }

  /** The domain whose {@code _dmarc} record gave the policy; empty when none was found. */
  public Optional<String> policyDomain() {
    return Optional.ofNullable(policyDomain);
  }

  /** The organisational domain of the From domain, when determined. */
  public Optional<String> organizationalDomain() {
    return Optional.ofNullable(organizationalDomain);
  }

  /** The policy record that applied. */
  public Optional<DmarcRecord> record() {
    return Optional.ofNullable(record);
  }

  /** Which tag gave the policy ({@code p}, {@code sp} or {@code np}). */
  public Optional<PolicyTag> appliedTag() {
    return Optional.ofNullable(appliedTag);
  }

  /** The policy the domain owner asks for this message (before {@code pct=}/{@code t=}). */
  public Optional<Policy> requestedPolicy() {
    return record == null || appliedTag == null
        ? Optional.empty()
        : Optional.of(record.policyFor(appliedTag));
  }

  /**
   * What to do with the message: {@link Policy#NONE} unless DMARC failed and the policy asks for
   * more, then the requested policy, relaxed one step when {@code pct=} sampled the message out or
   * the record says {@code t=y}.
   */
  public Policy disposition() {
    return disposition;
  }

  /**
   * Why the disposition is weaker than the requested policy, in report words ({@code sampled_out}
   * for pct, {@code policy_test_mode} for t=y).
   */
  public Optional<String> dispositionOverride() {
    return Optional.ofNullable(dispositionOverride);
  }

  /**
   * The comment that goes with a {@code local_policy} override, e.g. which trusted ARC sealer
   * vouched for the message ({@code Dmarc.builder().trustArcSealers(...)}).
   */
  public Optional<String> overrideComment() {
    return Optional.ofNullable(overrideComment);
  }

  /**
   * This result with the disposition lifted to none by local policy (RFC 7489 section 6.7): the
   * DMARC outcome stays {@code fail}, the override type is {@code local_policy}.
   */
  DmarcResult withLocalPolicyOverride(String comment) {
    Builder b = new Builder(outcome, reason);
    b.fromDomain = fromDomain;
    b.policyDomain = policyDomain;
    b.organizationalDomain = organizationalDomain;
    b.record = record;
    b.appliedTag = appliedTag;
    b.disposition = Policy.NONE;
    b.dispositionOverride = "local_policy";
    b.overrideComment = comment;
    b.alignedSpfDomain = alignedSpfDomain;
    b.alignedDkimDomains = alignedDkimDomains;
    b.inputs = inputs;
    return b.build();
  }

  /** The SPF-authenticated domain that aligned with the From domain. */
  public Optional<String> alignedSpfDomain() {
    return Optional.ofNullable(alignedSpfDomain);
  }

  /** The {@code d=} of every passing DKIM signature that aligned. */
  public List<String> alignedDkimDomains() {
    return alignedDkimDomains;
  }

  /** True when SPF passed and aligned. */
  public boolean spfAligned() {
    return alignedSpfDomain != null;
  }

  /** True when at least one DKIM signature passed and aligned. */
  public boolean dkimAligned() {
    return !alignedDkimDomains.isEmpty();
  }

  /** The SPF and DKIM results the evaluation used (for aggregate reports). */
  public DmarcInputs inputs() {
    return inputs;
  }

  @Override
  public Map<String, String> details() {
    Map<String, String> d = new LinkedHashMap<>();
    if (fromDomain != null) {
      d.put("header.from", fromDomain);
    }
    if (policyDomain != null) {
      d.put("policy_domain", policyDomain);
    }
    if (organizationalDomain != null) {
      d.put("org_domain", organizationalDomain);
    }
    if (record != null && appliedTag != null) {
      d.put("policy", appliedTag.tagName() + "=" + record.policyFor(appliedTag).token());
      d.put("disposition", disposition.token());
    }
    if (dispositionOverride != null) {
      d.put("override", dispositionOverride);
    }
    if (overrideComment != null) {
      d.put("override.comment", overrideComment);
    }
    if (alignedSpfDomain != null) {
      d.put("spf_aligned", alignedSpfDomain);
    }
    if (!alignedDkimDomains.isEmpty()) {
      d.put("dkim_aligned", String.join(",", alignedDkimDomains));
    }
    return d;
  }

  /** {@code dmarc=<result> (p=... sp=... dis=...) header.from=<domain>}. */
  @Override
  public List<AuthResult> authResults() {
    AuthResult ar = AuthResult.of("dmarc", outcome);
    if (record != null) {
      StringBuilder c = new StringBuilder("p=").append(record.policy().token());
      c.append(" sp=").append(record.policyFor(PolicyTag.SP).token());
      record.nonExistentPolicy().ifPresent(np -> c.append(" np=").append(np.token()));
      c.append(" dis=").append(disposition.token());
      if (overrideComment != null) {
        c.append(", ").append(dispositionOverride).append(": ").append(overrideComment);
      }
      ar = ar.withComment(c.toString());
    }
    if (outcome == Outcome.PERMERROR || outcome == Outcome.TEMPERROR) {
      ar = ar.withReason(reason);
    }
    if (fromDomain != null) {
      ar = ar.withProperty("header", "from", fromDomain);
    }
    return List.of(ar);
  }

  /** 550 5.7.1 for disposition reject, 451 4.7.1 for temperror. */
  @Override
  public Optional<SmtpReply> smtpReply() {
    if (outcome == Outcome.FAIL && disposition == Policy.REJECT) {
      return Optional.of(SmtpReply.of(550, "5.7.1", "rejected by DMARC policy for " + fromDomain));
    }
    if (outcome == Outcome.TEMPERROR) {
      String d = fromDomain == null ? "the From domain" : fromDomain;
      return Optional.of(
          SmtpReply.of(
              451,
              "4.7.1",
              "DMARC policy of " + d + " is temporarily unavailable, try again later"));
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("dmarc=").append(outcome.token());
    if (fromDomain != null) {
      b.append(" header.from=").append(fromDomain);
    }
    if (record != null && appliedTag != null) {
      b.append(' ')
          .append(appliedTag.tagName())
          .append('=')
          .append(record.policyFor(appliedTag).token());
      b.append(" dis=").append(disposition.token());
    }
    return b.append(" (").append(reason).append(')').toString();
  }

  static final class Builder {
    private final Outcome outcome;
    private final String reason;
    private @Nullable String fromDomain;
    private @Nullable String policyDomain;
    private @Nullable String organizationalDomain;
    private @Nullable DmarcRecord record;
    private @Nullable PolicyTag appliedTag;
    private Policy disposition = Policy.NONE;
    private @Nullable String dispositionOverride;
    private @Nullable String overrideComment;
    private @Nullable String alignedSpfDomain;
    private List<String> alignedDkimDomains = new ArrayList<>();
    private DmarcInputs inputs = DmarcInputs.none();

    private Builder(Outcome outcome, String reason) {
      this.outcome = outcome;
      this.reason = reason;
    }

    Builder fromDomain(@Nullable String d) {
      this.fromDomain = d;
      return this;
    }

    Builder policyDomain(@Nullable String d) {
      this.policyDomain = d;
      return this;
    }

    Builder organizationalDomain(@Nullable String d) {
      this.organizationalDomain = d;
      return this;
    }

    Builder record(@Nullable DmarcRecord r, @Nullable PolicyTag tag) {
      this.record = r;
      this.appliedTag = tag;
      return this;
    }

    Builder disposition(Policy p, @Nullable String override) {
      this.disposition = p;
      this.dispositionOverride = override;
      return this;
    }

    Builder aligned(@Nullable String spf, List<String> dkim) {
      this.alignedSpfDomain = spf;
      this.alignedDkimDomains = dkim;
      return this;
    }

    Builder inputs(DmarcInputs in) {
      this.inputs = in;
      return this;
    }

    DmarcResult build() {
      return new DmarcResult(this);
    }
  }
}
