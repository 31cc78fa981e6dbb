package dev.mailwarden.auth.helo;

import static java.util.Objects.requireNonNull;

import com.google.common.net.InetAddresses;
import dev.mailwarden.CheckContext;
import dev.mailwarden.CheckKey;
import dev.mailwarden.Checker;
import dev.mailwarden.MailSession;
import dev.mailwarden.Outcome;
import dev.mailwarden.SmtpReply;
import dev.mailwarden.Weights;
import dev.mailwarden.auth.helo.internal.HeloParser;
import dev.mailwarden.auth.helo.internal.Lookups;
import dev.mailwarden.auth.helo.internal.ParsedHelo;
import dev.mailwarden.auth.helo.internal.ReverseDns;
import dev.mailwarden.auth.helo.internal.SpecialAddresses;
import dev.mailwarden.auth.internal.PublicSuffixes;
import dev.mailwarden.dns.RecordType;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The iprev check of RFC 8601 section 3 (forward-confirmed reverse DNS): the PTR names of the
 * client address are looked up, and each of the first ten is resolved again to see whether it gives
 * the client address back. The result is an {@code iprev=} clause with {@code
 * policy.iprev=<address>}, and findings that score: {@link HeloFinding#NO_PTR} (permerror), {@link
 * HeloFinding#NOT_CONFIRMED} (fail) or, with {@linkplain Builder#relaxed relaxed matching}, {@link
 * HeloFinding#RELAXED_MATCH} in its place.
 *
 * <pre>{@code
 * builder.check(Iprev.check());                                        // score only
 * builder.check(Iprev.builder().policy(HeloPolicy.STRICT).build());   // 450 4.7.25 without FCrDNS
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class Iprev implements Checker<IprevResult> {
  /** The key of the iprev check; {@link Helo} awaits it to reuse the PTR lookups. */
  public static final CheckKey<IprevResult> KEY = CheckKey.of("iprev", IprevResult.class);

  /** The most PTR names forward-confirmed, bounding the DNS work a client can cause. */
  public static final int MAX_NAMES = 10;

  private final FindingRules rules;
  private final Skips skips;
  private final boolean relaxed;
  private final int maxNames;

  private Iprev(Builder b) {
    this.rules = b.rules.build();
    this.skips = b.skips.build();
    this.relaxed = b.relaxed;
    this.maxNames = b.maxNames;
  }

  /** iprev with the defaults: lenient (score only), strict matching, ten names at most. */
  public static Iprev check() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Registered without weights: {@link HeloWeights#perFinding()}. */
  @Override
  public Weights defaultWeights() {
    return HeloWeights.perFinding();
  }

  @Override
  public CheckKey<IprevResult> key() {
    return KEY;
  }

  /** Applies once the client address is known (connect time). */
  @Override
  public boolean appliesTo(MailSession session) {
    return session.clientIp().isPresent();
  }

  @Override
  public CompletableFuture<IprevResult> check(CheckContext context) {
    requireNonNull(context, "context");
    MailSession session = context.session();
    InetAddress client = session.clientIp().orElse(null);
    if (client == null) {
      return CompletableFuture.completedFuture(
          new IprevResult(Outcome.NONE, "no client address", null, null, List.of()));
    }
    Optional<String> skip = skips.reason(session);
    if (skip.isPresent()) {
      return CompletableFuture.completedFuture(
          new IprevResult(Outcome.NONE, skip.get(), client, null, List.of()));
    }
    return ReverseDns.resolve(context.dns(), client, maxNames)
        .thenCompose(rd -> evaluate(context, rd));
  }

  private CompletableFuture<IprevResult> evaluate(CheckContext context, ReverseDns rd) {
    InetAddress client = rd.client();
    String ip = InetAddresses.toAddrString(client);
    switch (rd.status()) {
      case PASS:
        return done(
            Outcome.PASS,
            ip + " has forward-confirmed reverse DNS " + rd.confirmedNames().get(0),
            rd,
            List.of());
      case TEMPERROR:
        String what =
            rd.ptrNames().isEmpty()
                ? "PTR lookup for " + ip + " failed (" + rd.ptrStatus() + ")"
                : "forward lookup of " + String.join(", ", rd.erroredNames()) + " failed";
        return done(Outcome.TEMPERROR, what, rd, List.of());
      case PERMERROR:
        return done(
            Outcome.PERMERROR,
            ip + " has no PTR record (" + rd.ptrStatus() + ")",
            rd,
            List.of(rules.finding(HeloFinding.NO_PTR, "no PTR record for " + ip)));
      case FAIL:
      default:
        String notConfirmed =
            "no PTR name of " + ip + " resolves back to it (" + describeForward(rd) + ")";
        if (!relaxed) {
          return done(
              Outcome.FAIL,
              notConfirmed,
              rd,
              List.of(rules.finding(HeloFinding.NOT_CONFIRMED, notConfirmed)));
        }
        return relaxedMatch(context, rd)
            .thenApply(
                loose ->
                    loose
                        .map(
                            why ->
                                build(
                                    Outcome.FAIL,
                                    notConfirmed + "; relaxed match: " + why,
                                    rd,
                                    List.of(rules.finding(HeloFinding.RELAXED_MATCH, why))))
                        .orElseGet(
                            () ->
                                build(
                                    Outcome.FAIL,
                                    notConfirmed,
                                    rd,
                                    List.of(
                                        rules.finding(HeloFinding.NOT_CONFIRMED, notConfirmed)))));
    }
  }

  /**
   * Same /24 (/64) for a PTR name's forward address, or same registrable domain as a matching HELO.
   */
  private CompletableFuture<Optional<String>> relaxedMatch(CheckContext context, ReverseDns rd) {
    InetAddress client = rd.client();
    var net = SpecialAddresses.neighbourhood(client);
    for (Map.Entry<String, List<InetAddress>> e : rd.forward().entrySet()) {
      for (InetAddress a : e.getValue()) {
        if (net.contains(a)) {
          return CompletableFuture.completedFuture(
              Optional.of(
                  e.getKey()
                      + " resolves to "
                      + InetAddresses.toAddrString(a)
                      + " in the client's "
                      + net));
        }
      }
    }
    ParsedHelo helo = HeloParser.parse(context.session().helo().orElse(null));
    if (!(helo instanceof ParsedHelo.Hostname h)) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    Optional<String> heloDomain = PublicSuffixes.registrable(h.ascii());
    if (heloDomain.isEmpty()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    String sharing = null;
    for (String name : rd.ptrNames()) {
      if (PublicSuffixes.registrable(name).equals(heloDomain)) {
        sharing = name;
        break;
      }
    }
    if (sharing == null) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    String ptrName = sharing;
    RecordType type = client instanceof Inet4Address ? RecordType.A : RecordType.AAAA;
    return Lookups.lookup(context.dns(), h.ascii(), type)
        .thenApply(
            a ->
                a.addresses().contains(client)
                    ? Optional.of(
                        "HELO "
                            + h.ascii()
                            + " resolves to the client and shares "
                            + heloDomain.get()
                            + " with PTR name "
                            + ptrName)
                    : Optional.<String>empty());
  }

  private static String describeForward(ReverseDns rd) {
    StringBuilder b = new StringBuilder();
    for (String name : rd.ptrNames()) {
      if (b.length() > 0) {
        b.append(", ");
      }
      List<InetAddress> fwd = rd.forward().get(name);
      b.append(name).append(" -> ");
      if (fwd == null) {
        b.append("not checked");
      } else if (fwd.isEmpty()) {
        b.append("nothing");
      } else {
        b.append(
            fwd.stream().map(InetAddresses::toAddrString).reduce((x, y) -> x + " " + y).orElse(""));
      }
    }
    return b.toString();
  }

  private static CompletableFuture<IprevResult> done(
      Outcome o, String reason, ReverseDns rd, List<Finding> findings) {
    return CompletableFuture.completedFuture(build(o, reason, rd, findings));
  }

  private static IprevResult build(
      Outcome o, String reason, ReverseDns rd, List<Finding> findings) {
    return new IprevResult(o, reason, rd.client(), rd, findings);
  }

  @Override
  public IprevResult temperror(String reason) {
    return new IprevResult(Outcome.TEMPERROR, reason, null, null, List.of());
  }

  @Override
  public String toString() {
    return "Iprev["
        + rules
        + ", "
        + skips
        + (relaxed ? ", relaxed" : "")
        + ", maxNames="
        + maxNames
        + "]";
  }

  /** Builds an {@link Iprev}. Not thread-safe; each setting once. */
  public static final class Builder {
    private final FindingRules.Builder rules = new FindingRules.Builder();
    private final Skips.Builder skips = new Skips.Builder();
    private boolean relaxed;
    private boolean relaxedSet;
    private int maxNames = MAX_NAMES;
    private boolean maxNamesSet;

    private Builder() {}

    /**
     * Which findings reject: {@link HeloPolicy#LENIENT} (default) none, {@link HeloPolicy#RFC} none
     * (RFC 5321 does not require reverse DNS), {@link HeloPolicy#STRICT} no PTR and no
     * confirmation, with 450 4.7.25 (RFC 7372).
     */
    public Builder policy(HeloPolicy policy) {
      rules.policy(policy);
      return this;
    }

    /** The reply used when a finding rejects. */
    public Builder reply(HeloFinding finding, SmtpReply reply) {
      rules.reply(finding, reply);
      return this;
    }

    /** These findings reject whatever the policy. */
    public Builder rejectOn(HeloFinding... findings) {
      rules.rejectOn(findings);
      return this;
    }

    /** These findings only score, whatever the policy. */
    public Builder scoreOnly(HeloFinding... findings) {
      rules.scoreOnly(findings);
      return this;
    }

    /**
     * Scores a near miss as {@link HeloFinding#RELAXED_MATCH} instead of {@link
     * HeloFinding#NOT_CONFIRMED}: a PTR name resolving into the client's /24 (/64 for IPv6), or a
     * PTR name sharing its registrable domain with a HELO name that resolves to the client. The
     * {@code iprev=} result stays {@code fail}, as RFC 8601 defines it. Off by default.
     */
    public Builder relaxed(boolean enabled) {
      if (relaxedSet) {
        throw new IllegalStateException("relaxed was already set");
      }
      relaxedSet = true;
      relaxed = enabled;
      return this;
    }

    /** How many PTR names to forward-confirm, 1 to {@value #MAX_NAMES} (default). */
    public Builder maxNames(int names) {
      if (names < 1 || names > MAX_NAMES) {
        throw new IllegalArgumentException("maxNames must be 1.." + MAX_NAMES + ": " + names);
      }
      if (maxNamesSet) {
        throw new IllegalStateException("maxNames was already set");
      }
      maxNamesSet = true;
      maxNames = names;
      return this;
    }

    /** Whether sessions with an authenticated user are skipped (default true). */
    public Builder skipAuthenticated(boolean skip) {
      skips.skipAuthenticated(skip);
      return this;
    }

    /** Clients in this network (CIDR, e.g. {@code 10.0.0.0/8}, or one address) are skipped. */
    public Builder trustedNetwork(String cidr) {
      skips.trustedNetwork(cidr);
      return this;
    }

    /** {@link #trustedNetwork} for each. */
    public Builder trustedNetworks(String... cidrs) {
      for (String c : cidrs) {
        trustedNetwork(c);
      }
      return this;
    }

    public Iprev build() {
      return new Iprev(this);
    }
  }
}
