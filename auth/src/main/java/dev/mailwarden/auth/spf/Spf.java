package dev.mailwarden.auth.spf;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.CheckContext;
import dev.mailwarden.CheckKey;
import dev.mailwarden.Checker;
import dev.mailwarden.MailSession;
import dev.mailwarden.Outcome;
import dev.mailwarden.Weights;
import dev.mailwarden.auth.spf.internal.Domains;
import dev.mailwarden.auth.spf.internal.SpfRequest;
import dev.mailwarden.auth.spf.internal.TimeBoundContext;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * The SPF check (RFC 7208). {@link #check()} gives the common configuration: the native engine, the
 * MAIL FROM identity (the HELO identity for the null sender, or when only HELO is known), {@code
 * 550 5.7.23} for fail.
 *
 * <pre>{@code
 * MailWarden w = MailWarden.builder(runtime)
 *     .check(Spf.check(), Weights.of(Outcome.FAIL, 3.0, Outcome.SOFTFAIL, 1.0))
 *     .build();
 * Checker<SpfResult> viaJspf = Spf.builder().engine(SpfEngine.jspf()).receiver("mx.example.org").build();
 * }</pre>
 *
 * <p>Other checks await the result through {@link #KEY} ({@code ctx.await(Spf.KEY)}).
 */
public final class Spf {
  /** The key of the SPF result; DMARC awaits it. */
  public static final CheckKey<SpfResult> KEY = CheckKey.of("spf", SpfResult.class);

  /** The explanation of a fail when the domain gives none (RFC 7208 section 6.2). */
  public static final String DEFAULT_EXPLANATION =
      "SPF fail: %{o} does not authorize %{c} to send mail";

  private static final Pattern STATUS = Pattern.compile("5\\.\\d{1,3}\\.\\d{1,3}");

  private Spf() {}

  /** The checker with default settings. */
  public static Checker<SpfResult> check() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Configures an SPF checker. Each setting may be set once. */
  public static final class Builder {
    private SpfEngine engine = SpfEngine.nativeEngine();
    private String receiver = "unknown";
    private String failStatus = "5.7.23";
    private String defaultExplanation = DEFAULT_EXPLANATION;
    private int voidLookupLimit = 2;
    private int maxMacroExpansion = SpfRequest.DEFAULT_MAX_MACRO_EXPANSION;
    private Duration timeout = Duration.ofSeconds(20);
    private final java.util.Set<String> set = new java.util.HashSet<>();

    private Builder() {}

    private void once(String name) {
      if (!set.add(name)) {
        throw new IllegalStateException(name + " was already set");
      }
    }

    /** The engine; default {@link SpfEngine#nativeEngine()}. */
    public Builder engine(SpfEngine engine) {
      once("engine");
      this.engine = requireNonNull(engine, "engine");
      return this;
    }

    /** This host's name, for the {@code %{r}} macro of explanations (default {@code unknown}). */
    public Builder receiver(String hostName) {
      once("receiver");
      requireNonNull(hostName, "receiver");
      if (hostName.isBlank()) {
        throw new IllegalArgumentException("receiver must not be blank");
      }
      this.receiver = hostName;
      return this;
    }

    /**
     * The enhanced status code of the fail reply: {@code 5.7.23} (RFC 7372, the default) or {@code
     * 5.7.1} (RFC 7208 section 8.4) for peers that do not know it.
     */
    public Builder failStatus(String enhancedStatus) {
      once("failStatus");
      requireNonNull(enhancedStatus, "failStatus");
      if (!STATUS.matcher(enhancedStatus).matches()) {
        throw new IllegalArgumentException("not a 5.x.y enhanced status code: " + enhancedStatus);
      }
      this.failStatus = enhancedStatus;
      return this;
    }

    /**
     * The explanation of a fail without a usable {@code exp=}; a macro-string (RFC 7208 section 7).
     */
    public Builder defaultExplanation(String macroString) {
      once("defaultExplanation");
      this.defaultExplanation = requireNonNull(macroString, "defaultExplanation");
      return this;
    }

    /** Void lookups allowed before permerror (RFC 7208 section 4.6.4 recommends 2, the default). */
    public Builder voidLookupLimit(int limit) {
      once("voidLookupLimit");
      if (limit < 0) {
        throw new IllegalArgumentException("voidLookupLimit must not be negative: " + limit);
      }
      this.voidLookupLimit = limit;
      return this;
    }

    /**
     * The budget of one macro expansion in octets (default 4096): literal text plus the full length
     * of every macro value read, before transformation. A domain-spec or explanation over it gives
     * permerror naming this cap; expanded names are then cut to 253 octets as RFC 7208 section 7.3
     * says.
     */
    public Builder maxMacroExpansion(int octets) {
      once("maxMacroExpansion");
      if (octets < 253) {
        throw new IllegalArgumentException("maxMacroExpansion must be at least 253: " + octets);
      }
      this.maxMacroExpansion = octets;
      return this;
    }

    /**
     * A bound on one check's time besides the evaluation's deadline (RFC 7208 section 4.6.4 asks
     * for one; default 20 s). Whichever comes first gives temperror.
     */
    public Builder timeout(Duration timeout) {
      once("timeout");
      requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive: " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    public Checker<SpfResult> build() {
      return new SpfChecker(this);
    }
  }

  /** The checker behind {@link Spf#check()}. */
  static final class SpfChecker implements Checker<SpfResult> {
    private final SpfEngine engine;
    private final String receiver;
    private final String failStatus;
    private final String defaultExplanation;
    private final int voidLookupLimit;
    private final int maxMacroExpansion;
    private final Duration timeout;

    SpfChecker(Builder b) {
      this.engine = b.engine;
      this.receiver = b.receiver;
      this.failStatus = b.failStatus;
      this.defaultExplanation = b.defaultExplanation;
      this.voidLookupLimit = b.voidLookupLimit;
      this.maxMacroExpansion = b.maxMacroExpansion;
      this.timeout = b.timeout;
    }

    @Override
    public CheckKey<SpfResult> key() {
      return KEY;
    }

    @Override
    public boolean appliesTo(MailSession session) {
      return session.clientIp().isPresent()
          && (session.mailFrom().isPresent() || session.helo().isPresent());
    }

    @Override
    public Weights defaultWeights() {
      return Weights.of(Outcome.FAIL, 3.0, Outcome.SOFTFAIL, 1.0);
    }

    @Override
    public CompletableFuture<SpfResult> check(CheckContext context) {
      requireNonNull(context, "context");
      MailSession s = context.session();
      InetAddress ip = s.clientIp().orElse(null);
      String helo = s.helo().orElse(null);
      String mailFrom = s.mailFrom().orElse("");
      SpfIdentity identity;
      String sender;
      String domain;
      if (!mailFrom.isEmpty()) {
        identity = SpfIdentity.MAILFROM;
        int at = mailFrom.lastIndexOf('@');
        String local = at <= 0 ? "postmaster" : mailFrom.substring(0, at);
        domain = at < 0 ? mailFrom : mailFrom.substring(at + 1);
        sender = local + "@" + domain;
      } else {
        identity = SpfIdentity.HELO;
        domain = helo == null ? "" : helo;
        sender = "postmaster@" + domain;
      }
      if (ip == null) {
        return done(
            SpfResult.builder(Outcome.NONE, identity, domain)
                .problem("no client IP address")
                .engine(engine.name())
                .build());
      }
      SpfRequest request =
          new SpfRequest(
              ip,
              identity,
              sender,
              domain,
              helo,
              receiver,
              defaultExplanation,
              voidLookupLimit,
              maxMacroExpansion);
      if (!Domains.isValidCheckDomain(domain)) {
        // RFC 7208 section 4.3: a malformed or single-label domain gives none without any lookup
        return done(
            SpfResult.builder(Outcome.NONE, request)
                .problem(
                    domain.isEmpty() ? "no domain to check" : "not a valid domain name: " + domain)
                .engine(engine.name())
                .build());
      }
      long bound = context.ticker().read() + timeout.toNanos();
      CheckContext bounded =
          bound - context.deadlineNanos() < 0 ? new TimeBoundContext(context, bound) : context;
      CompletableFuture<SpfResult> evaluated;
      try {
        evaluated = engine.evaluate(request, bounded);
      } catch (RuntimeException e) {
        evaluated = CompletableFuture.failedFuture(e);
      }
      CompletableFuture<SpfResult> result =
          evaluated.handle((r, e) -> r != null ? r : errorResult(request, e));
      if (!result.isDone()) {
        // DNS may never answer: give temperror at the deadline instead of waiting forever
        bounded.completeAtDeadline(
            result,
            () ->
                SpfResult.builder(Outcome.TEMPERROR, request)
                    .problem("no result within the time bound")
                    .engine(engine.name())
                    .build());
      }
      return failStatus.equals("5.7.23")
          ? result
          : result.thenApply(r -> r.withFailStatus(failStatus));
    }

    private SpfResult errorResult(SpfRequest request, Throwable e) {
      Throwable cause =
          e instanceof java.util.concurrent.CompletionException && e.getCause() != null
              ? e.getCause()
              : e;
      return SpfResult.builder(Outcome.TEMPERROR, request)
          .problem("SPF evaluation failed: " + cause)
          .engine(engine.name())
          .build();
    }

    private CompletableFuture<SpfResult> done(SpfResult r) {
      return CompletableFuture.completedFuture(
          failStatus.equals("5.7.23") ? r : r.withFailStatus(failStatus));
    }

    @Override
    public SpfResult temperror(String reason) {
      return SpfResult.builder(Outcome.TEMPERROR, SpfIdentity.MAILFROM, "")
          .problem(reason)
          .engine(engine.name())
          .build();
    }

    @Override
    public String toString() {
      return "Spf[engine="
          + engine.name()
          + ", receiver="
          + receiver
          + ", fail="
          + failStatus
          + ", voidLimit="
          + voidLookupLimit
          + ", timeout="
          + timeout.toMillis()
          + "ms]";
    }
  }
}
