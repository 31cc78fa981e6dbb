package dev.mailwarden.auth.dmarc;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.CheckContext;
import dev.mailwarden.CheckKey;
import dev.mailwarden.Checker;
import dev.mailwarden.MailSession;
import dev.mailwarden.Outcome;
import dev.mailwarden.Weights;
import dev.mailwarden.auth.dkim.Dkim;
import dev.mailwarden.auth.spf.Spf;
import dev.mailwarden.auth.spf.SpfIdentity;
import dev.mailwarden.internal.DomainNames;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * DMARC (RFC 7489, RFC 9989): evaluates the From domain's policy against the SPF and DKIM results
 * of the same evaluation.
 *
 * <pre>{@code
 * MailWarden inbound = MailWarden.builder(runtime)
 *     .check(Spf.check())
 *     .check(Dkim.check())
 *     .check(Dmarc.check())                  // awaits SPF and DKIM
 *     .rejectAt(5.0).quarantineAt(3.0)
 *     .build();
 *
 * Dmarc rfc7489 = Dmarc.builder()
 *     .organizationalDomains(OrganizationalDomains.publicSuffixList())
 *     .build();
 * }</pre>
 *
 * <p>The checker applies when the session holds the message. It reads exactly one From header with
 * exactly one address (anything else is permerror), finds the policy at {@code _dmarc.<From
 * domain>} and then, by default, by the RFC 9989 DNS tree walk (or at the organisational domain of
 * a Public Suffix List, RFC 7489), aligns the passing SPF identity and each passing DKIM {@code d=}
 * (strict or relaxed as the record says), and applies {@code p}/{@code sp}/{@code np} with {@code
 * pct} and {@code t}. DNS errors give temperror, and so does an SPF or DKIM temperror of an
 * identifier that would align when nothing else aligned.
 *
 * <p>Weights: registered without any, {@link #defaultWeights()} scores a fail with disposition
 * reject 100 (reaches any sensible reject threshold alone), a fail with disposition quarantine 3
 * (QUARANTINE with {@code quarantineAt(3.0)} and the default {@code rejectAt(5.0)}), anything else
 * 0; {@link #weights(double, double)} for other thresholds.
 */
public final class Dmarc implements Checker<DmarcResult> {

  /** The key other checkers and the evaluation use for DMARC results. */
  public static final CheckKey<DmarcResult> KEY = CheckKey.of("dmarc", DmarcResult.class);

  private final AuthResultsSource authResults;
  private final OrganizationalDomains orgDomains;
  private final @Nullable RandomGenerator random;
  private final Set<String> trustedSealers;

  private Dmarc(Builder b) {
    this.authResults = b.authResults;
    this.orgDomains = b.orgDomains;
    this.random = b.random;
    this.trustedSealers = Set.copyOf(b.trustedSealers);
  }

  /** DMARC with the defaults: SPF and DKIM from the evaluation, RFC 9989 tree walk. */
  public static Dmarc check() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder with this checker's settings. */
  public Builder newBuilder() {
    Builder b = new Builder();
    b.authResults = authResults;
    b.orgDomains = orgDomains;
    b.random = random;
    b.trustedSealers.addAll(trustedSealers);
    b.sealersSet = !trustedSealers.isEmpty();
    return b;
  }

  /**
   * The SPF and DKIM results of the running evaluation, awaited through {@code ctx.await}.
   *
   * <p>Awaits {@code Spf.KEY} and {@code Dkim.KEY} of the same evaluation and maps them to {@link
   * DmarcInputs}; a check that is not registered or does not apply counts as no result.
   */
  public static AuthResultsSource fromEvaluation() {
    return FROM_EVALUATION;
  }

  /**
   * A signature that leaves body bytes after {@code l=} unsigned never aligns, even when the
   * verifier was told to pass it: appended content must not pass DMARC.
   */
  private static Outcome alignable(dev.mailwarden.auth.dkim.DkimSignatureResult s) {
    return s.isPass() && s.unsignedBodyBytes() > 0 ? Outcome.POLICY : s.outcome();
  }

  private static final AuthResultsSource FROM_EVALUATION =
      new AuthResultsSource() {
        @Override
        public CompletableFuture<DmarcInputs> inputs(CheckContext context) {
          // the SPF and DKIM checks of the same evaluation; absent ones count as "no result"
          return context
              .await(Spf.KEY)
              .thenCombine(
                  context.await(Dkim.KEY),
                  (spf, dkim) ->
                      DmarcInputs.of(
                          spf.map(
                                  r ->
                                      new DmarcInputs.SpfAuth(
                                          r.domain(),
                                          r.outcome(),
                                          r.identity() == SpfIdentity.HELO))
                              .orElse(null),
                          dkim.map(
                                  r ->
                                      r.signatures().stream()
                                          .map(
                                              s ->
                                                  new DmarcInputs.DkimAuth(
                                                      s.domain(), alignable(s), s.selector()))
                                          .toList())
                              .orElse(List.of())));
        }

        @Override
        public String toString() {
          return "fromEvaluation";
        }
      };

  /**
   * Weights by disposition: {@code rejectScore} for a fail with disposition reject, {@code
   * quarantineScore} for quarantine, 0 for everything else.
   */
  public static Weights weights(double rejectScore, double quarantineScore) {
    if (!Double.isFinite(rejectScore) || !Double.isFinite(quarantineScore)) {
      throw new IllegalArgumentException("scores must be finite");
    }
    return new Weights() {
      @Override
      public double score(dev.mailwarden.CheckResult r) {
        if (r.outcome() != Outcome.FAIL || !(r instanceof DmarcResult d)) {
          return 0.0;
        }
        return switch (d.disposition()) {
          case REJECT -> rejectScore;
          case QUARANTINE -> quarantineScore;
          case NONE -> 0.0;
        };
      }

      @Override
      public String toString() {
        return "DmarcWeights[reject=" + rejectScore + ", quarantine=" + quarantineScore + "]";
      }
    };
  }

  @Override
  public CheckKey<DmarcResult> key() {
    return KEY;
  }

  @Override
  public boolean appliesTo(MailSession session) {
    return session.hasMessage();
  }

  @Override
  public Weights defaultWeights() {
    return weights(100.0, 3.0);
  }

  @Override
  public CompletableFuture<DmarcResult> check(CheckContext context) {
    requireNonNull(context, "context");
    RandomGenerator rng = random != null ? random : ThreadLocalRandom.current();
    CompletableFuture<DmarcResult> f;
    try {
      f = new DmarcEvaluation(context, orgDomains, rng).run(authResults);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    if (!trustedSealers.isEmpty()) {
      f = f.thenCompose(r -> ArcOverride.apply(context, r, trustedSealers));
    }
    // a bug must not look like a DNS verdict, but must not fail the evaluation either
    return f.handle(
        (r, e) -> e == null ? r : temperror("internal error: " + PolicyLookup.rootMessage(e)));
  }

  @Override
  public DmarcResult temperror(String reason) {
    return DmarcResult.temperror(reason);
  }

  @Override
  public String toString() {
    return "Dmarc["
        + orgDomains
        + ", authResults="
        + authResults
        + (random != null ? ", random=" + random.getClass().getSimpleName() : "")
        + (trustedSealers.isEmpty() ? "" : ", trustArcSealers=" + trustedSealers)
        + "]";
  }

  /** Builds a {@link Dmarc} checker; each setting once. */
  public static final class Builder {
    private AuthResultsSource authResults = FROM_EVALUATION;
    private OrganizationalDomains orgDomains = OrganizationalDomains.treeWalk();
    private @Nullable RandomGenerator random;
    private boolean authResultsSet;
    private boolean orgDomainsSet;
    private boolean randomSet;
    private final Set<String> trustedSealers = new LinkedHashSet<>();
    private boolean sealersSet;

    private Builder() {}

    /**
     * ARC sealers (their ARC-Seal {@code d=}) whose recorded results this receiver trusts: when
     * DMARC fails, the message's ARC chain passes (the evaluation's {@code Arc.KEY} result), and
     * the ARC-Authentication-Results of one of these sealers recorded a {@code dmarc}, {@code dkim}
     * or {@code spf} pass for the author's domain, the disposition becomes none by local policy:
     * {@link DmarcResult#dispositionOverride()} is {@code local_policy} and {@link
     * DmarcResult#overrideComment()} names the sealer (RFC 8617 section 7.2, RFC 7489 section 6.7).
     * Register {@code Arc.check()} in the same {@code MailWarden}; without it nothing is
     * overridden.
     */
    public Builder trustArcSealers(String... domains) {
      requireNonNull(domains, "domains");
      requireState(!sealersSet, "trustArcSealers");
      for (String d : domains) {
        requireNonNull(d, "domain");
        String ascii = DomainNames.toAscii(DomainNames.canonical(d)); // d= holds A-labels
        if (ascii == null || ascii.indexOf('.') < 0) {
          throw new IllegalArgumentException("not a sealer domain: '" + d + "'");
        }
        trustedSealers.add(ascii);
      }
      if (trustedSealers.isEmpty()) {
        throw new IllegalArgumentException("trustArcSealers needs at least one domain");
      }
      sealersSet = true;
      return this;
    }

    /** Where the SPF and DKIM results come from (default {@link #fromEvaluation()}). */
    public Builder authResults(AuthResultsSource source) {
      requireState(!authResultsSet, "authResults");
      this.authResults = requireNonNull(source, "source");
      authResultsSet = true;
      return this;
    }

    /** How organisational domains are found (default {@link OrganizationalDomains#treeWalk()}). */
    public Builder organizationalDomains(OrganizationalDomains mode) {
      requireState(!orgDomainsSet, "organizationalDomains");
      this.orgDomains = requireNonNull(mode, "mode");
      orgDomainsSet = true;
      return this;
    }

    /**
     * The random source for {@code pct=} sampling (default {@link ThreadLocalRandom}); must be
     * thread-safe if the checker is shared. A message is sampled in when {@code nextInt(100) <
     * pct}.
     */
    public Builder random(RandomGenerator random) {
      requireState(!randomSet, "random");
      this.random = requireNonNull(random, "random");
      randomSet = true;
      return this;
    }

    public Dmarc build() {
      return new Dmarc(this);
    }

    private static void requireState(boolean ok, String setting) {
      if (!ok) {
        throw new IllegalStateException(setting + " was already set");
      }
    }
  }
}
