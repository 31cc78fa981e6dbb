package dev.mailwarden.auth.dmarc;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.Outcome;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The SPF and DKIM results DMARC aligns with the From domain: the seam between DMARC and the
 * SPF/DKIM checkers. An {@link AuthResultsSource} produces it for each evaluation, usually by
 * mapping the results of {@code Spf.KEY} and {@code Dkim.KEY}.
 */
public final class DmarcInputs {
  private static final DmarcInputs NONE = new DmarcInputs(null, List.of());

  private final @Nullable SpfAuth spf;
  private final List<DkimAuth> dkim;

  private DmarcInputs(@Nullable SpfAuth spf, List<DkimAuth> dkim) {
    this.spf = spf;
    this.dkim = List.copyOf(dkim);
  }

  /** No SPF result and no DKIM signature: nothing can align. */
  public static DmarcInputs none() {
    return NONE;
  }

  /** An SPF result (or {@code null} when SPF was not evaluated) and the DKIM signatures. */
  public static DmarcInputs of(@Nullable SpfAuth spf, List<DkimAuth> dkim) {
    requireNonNull(dkim, "dkim");
    return new DmarcInputs(spf, dkim);
  }

  /** The SPF result, if SPF was evaluated. */
  public Optional<SpfAuth> spf() {
    return Optional.ofNullable(spf);
  }

  /** One entry per DKIM signature, in header order; empty for an unsigned message. */
  public List<DkimAuth> dkim() {
    return dkim;
  }

  @Override
  public String toString() {
    return "DmarcInputs[spf=" + (spf == null ? "-" : spf) + ", dkim=" + dkim + "]";
  }

  /**
   * The SPF result DMARC uses.
   *
   * @param domain the domain SPF authenticated: the MAIL FROM domain, or the HELO name when {@code
   *     heloIdentity} is true (RFC 7489 §3.1.2: for the null sender, the HELO identity)
   * @param outcome the SPF result; only {@link Outcome#PASS} can align
   * @param heloIdentity true when the result is for the HELO identity
   */
  public record SpfAuth(String domain, Outcome outcome, boolean heloIdentity) {
    public SpfAuth {
      requireNonNull(domain, "domain");
      requireNonNull(outcome, "outcome");
    }

    @Override
    public String toString() {
      return "spf=" + outcome.token() + " " + (heloIdentity ? "helo=" : "mailfrom=") + domain;
    }
  }

  /**
   * One DKIM signature's result.
   *
   * @param domain the signing domain ({@code d=})
   * @param outcome the verification result; only {@link Outcome#PASS} can align
   * @param selector the selector ({@code s=}), empty if unknown; only for reports
   */
  public record DkimAuth(String domain, Outcome outcome, String selector) {
    public DkimAuth {
      requireNonNull(domain, "domain");
      requireNonNull(outcome, "outcome");
      requireNonNull(selector, "selector");
    }

    @Override
    public String toString() {
      return "dkim="
          + outcome.token()
          + " d="
          + domain
          + (selector.isEmpty() ? "" : " s=" + selector);
    }
  }
}
