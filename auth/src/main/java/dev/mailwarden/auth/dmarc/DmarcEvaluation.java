package dev.mailwarden.auth.dmarc;

import dev.mailwarden.CapExceeded;
import dev.mailwarden.CheckContext;
import dev.mailwarden.Outcome;
import dev.mailwarden.auth.dmarc.PolicyLookup.Kind;
import dev.mailwarden.auth.dmarc.internal.FromHeader;
import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsStatus;
import dev.mailwarden.dns.RecordType;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/** One DMARC evaluation: From domain, policy discovery, alignment, disposition. */
final class DmarcEvaluation {
  /** RFC 9989 §4.10: at most this many labels are walked after the exact From domain. */
  private static final int MAX_WALK_LABELS = 7;

  private final CheckContext ctx;
  private final OrganizationalDomains orgDomains;
  private final RandomGenerator random;
  private final PolicyLookup lookups;
  private final java.util.Map<String, CompletableFuture<@Nullable String>> orgMemo =
      new java.util.concurrent.ConcurrentHashMap<>();

  DmarcEvaluation(CheckContext ctx, OrganizationalDomains orgDomains, RandomGenerator random) {
    this.ctx = ctx;
    this.orgDomains = orgDomains;
    this.random = random;
    this.lookups = new PolicyLookup(ctx.dns());
  }

  /** The discovered policy of the From domain. */
  private record Discovery(
      Outcome outcome,
      String reason,
      @Nullable DmarcRecord record,
      @Nullable String policyDomain,
      @Nullable String orgDomain) {}

  CompletableFuture<DmarcResult> run(AuthResultsSource source) {
    Optional<InputStream> message = ctx.session().openMessage();
    if (message.isEmpty()) {
      return done(DmarcResult.builder(Outcome.NONE, "no message to evaluate").build());
    }
    FromHeader.Extracted from = FromHeader.fromMessage(message.get());
    String fromDomain = from.domain();
    if (fromDomain == null) {
      if (from.problem().startsWith(FromHeader.OVER_CAP)) {
        ctx.report(new CapExceeded("dmarc.from-bytes", from.problem()));
      }
      return done(DmarcResult.builder(Outcome.PERMERROR, from.problem()).build());
    }
    // SPF/DKIM and policy discovery proceed concurrently
    CompletableFuture<AuthInputs> inputs;
    try {
      inputs = source.inputs(ctx).handle(AuthInputs::new);
    } catch (RuntimeException e) {
      inputs = done(new AuthInputs(null, e));
    }
    return discover(fromDomain)
        .thenCombine(inputs, Gathered::new)
        .thenCompose(
            g -> {
              Throwable error = g.auth().error();
              if (error != null) {
                String why = "SPF/DKIM results unavailable: " + PolicyLookup.rootMessage(error);
                return done(base(Outcome.TEMPERROR, why, fromDomain, g.discovery()));
              }
              DmarcInputs in = g.auth().value();
              return decide(fromDomain, g.discovery(), in == null ? DmarcInputs.none() : in);
            });
  }

  /** The source's answer or its failure. */
  private record AuthInputs(@Nullable DmarcInputs value, @Nullable Throwable error) {}

  private record Gathered(Discovery discovery, AuthInputs auth) {}

  // ---- policy discovery ----

  private CompletableFuture<Discovery> discover(String fromDomain) {
    return lookups
        .lookup(fromDomain)
        .thenCompose(
            level -> {
              switch (level.kind()) {
                case RECORD:
                  return orgDomainIfKnown(fromDomain)
                      .thenApply(
                          org -> new Discovery(Outcome.PASS, "", level.record(), fromDomain, org));
                case ERROR:
                  return done(new Discovery(Outcome.TEMPERROR, level.problem(), null, null, null));
                case MULTIPLE:
                case INVALID:
                  return done(
                      new Discovery(
                          Outcome.NONE, level.problem() + "; no DMARC policy", null, null, null));
                case NONE:
                default:
                  return orgDomains.isTreeWalk()
                      ? walkForPolicy(fromDomain)
                      : pslFallback(fromDomain);
              }
            });
  }

  /**
   * With a Public Suffix List the org domain costs no DNS; with the tree walk it is computed on
   * demand.
   */
  private CompletableFuture<@Nullable String> orgDomainIfKnown(String domain) {
    return done(orgDomains.organizationalDomain(domain).orElse(null));
  }

  private CompletableFuture<Discovery> pslFallback(String fromDomain) {
    String org = orgDomains.organizationalDomain(fromDomain).orElseThrow();
    if (org.equals(fromDomain)) {
      return done(
          new Discovery(Outcome.NONE, "no DMARC record for " + fromDomain, null, null, org));
    }
    return lookups
        .lookup(org)
        .thenApply(
            level ->
                switch (level.kind()) {
                  case RECORD -> new Discovery(Outcome.PASS, "", level.record(), org, org);
                  case ERROR -> new Discovery(Outcome.TEMPERROR, level.problem(), null, null, org);
                  case MULTIPLE, INVALID ->
                      new Discovery(
                          Outcome.NONE, level.problem() + "; no DMARC policy", null, null, org);
                  case NONE ->
                      new Discovery(
                          Outcome.NONE,
                          "no DMARC record for " + fromDomain + " or " + org,
                          null,
                          null,
                          org);
                });
  }

  /** The names an RFC 9989 tree walk queries for {@code domain}, after the domain itself. */
  static List<String> walkNames(String domain) {
    String[] labels = domain.split("\\.");
    List<String> out = new ArrayList<>();
    int start = Math.min(labels.length - 1, MAX_WALK_LABELS);
    for (int k = start; k >= 1; k--) {
      out.add(
          String.join(".", java.util.Arrays.copyOfRange(labels, labels.length - k, labels.length)));
    }
    return out;
  }

  private CompletableFuture<Discovery> walkForPolicy(String fromDomain) {
    return walkStep(fromDomain, walkNames(fromDomain), 0);
  }

  private CompletableFuture<Discovery> walkStep(String fromDomain, List<String> names, int i) {
    if (i >= names.size()) {
      return done(
          new Discovery(
              Outcome.NONE,
              "no DMARC record for " + fromDomain + " or its parents",
              null,
              null,
              null));
    }
    return lookups
        .lookup(names.get(i))
        .thenCompose(
            level ->
                switch (level.kind()) {
                  case RECORD ->
                      done(new Discovery(Outcome.PASS, "", level.record(), level.domain(), null));
                  case ERROR ->
                      done(new Discovery(Outcome.TEMPERROR, level.problem(), null, null, null));
                  case NONE, MULTIPLE, INVALID -> walkStep(fromDomain, names, i + 1);
                });
  }

  /**
   * The organisational domain of {@code domain} by the tree walk; {@code null} when DNS failed on
   * the way.
   */
  private CompletableFuture<@Nullable String> walkForOrgDomain(String domain) {
    List<String> names = new ArrayList<>();
    names.add(domain);
    names.addAll(walkNames(domain));
    return orgStep(domain, names, 0, null, false);
  }

  private CompletableFuture<@Nullable String> orgStep(
      String domain, List<String> names, int i, @Nullable String highest, boolean failed) {
    if (i >= names.size()) {
      if (failed) {
        return done(null);
      }
      return done(highest != null ? highest : domain);
    }
    return lookups
        .lookup(names.get(i))
        .thenCompose(
            level -> {
              if (level.kind() == Kind.ERROR) {
                return orgStep(domain, names, i + 1, highest, true);
              }
              if (level.kind() == Kind.RECORD) {
                DmarcRecord r = level.record();
                switch (r.publicSuffixDomain()) {
                  case NO:
                    return done(level.domain());
                  case YES:
                    return done(i == 0 ? domain : childOn(domain, level.domain()));
                  default:
                    return orgStep(domain, names, i + 1, level.domain(), failed);
                }
              }
              return orgStep(domain, names, i + 1, highest, failed);
            });
  }

  /** The ancestor of {@code domain} (or itself) one label below {@code parent}. */
  static String childOn(String domain, String parent) {
    String[] labels = domain.split("\\.");
    int want = parent.split("\\.").length + 1;
    return String.join(
        ".",
        java.util.Arrays.copyOfRange(labels, Math.max(0, labels.length - want), labels.length));
  }

  private CompletableFuture<@Nullable String> orgDomainOf(String domain) {
    Optional<String> viaList = orgDomains.organizationalDomain(domain);
    return viaList.isPresent()
        ? done(viaList.get())
        : orgMemo.computeIfAbsent(domain, this::walkForOrgDomain);
  }

  /** The tree-walk organisational domain of {@code domain} if this evaluation already found it. */
  private @Nullable String knownOrgDomain(String domain) {
    CompletableFuture<@Nullable String> f = orgMemo.get(domain);
    return f != null && f.isDone() && !f.isCompletedExceptionally() ? f.join() : null;
  }

  // ---- decision ----

  private DmarcResult base(Outcome outcome, String reason, String fromDomain, Discovery d) {
    return DmarcResult.builder(outcome, reason)
        .fromDomain(fromDomain)
        .policyDomain(d.policyDomain())
        .organizationalDomain(d.orgDomain())
        .build();
  }

  private CompletableFuture<DmarcResult> decide(
      String fromDomain, Discovery d, DmarcInputs inputs) {
    if (d.outcome() != Outcome.PASS || d.record() == null || d.policyDomain() == null) {
      return done(
          DmarcResult.builder(d.outcome(), d.reason())
              .fromDomain(fromDomain)
              .organizationalDomain(d.orgDomain())
              .inputs(inputs)
              .build());
    }
    DmarcRecord record = d.record();
    String policyDomain = d.policyDomain();
    CompletableFuture<PolicyTag> tag = appliedTag(fromDomain, policyDomain, record);
    CompletableFuture<Alignments> alignment = align(fromDomain, record, inputs);
    CompletableFuture<@Nullable String> org =
        d.orgDomain() != null || orgDomains.isTreeWalk()
            ? done(d.orgDomain())
            : orgDomainOf(fromDomain);
    return tag.thenCombine(alignment, TagAndAlignment::new)
        .thenCombine(
            org,
            (ta, o) -> {
              PolicyTag t = ta.tag();
              Alignments a = ta.alignments();
              String orgDomain = o != null ? o : knownOrgDomain(fromDomain);
              Outcome outcome;
              String reason;
              if (a.spf != null || !a.dkim.isEmpty()) {
                outcome = Outcome.PASS;
                reason =
                    a.spf != null
                        ? "SPF-authenticated " + a.spf + " aligns with " + fromDomain
                        : "DKIM d=" + a.dkim.get(0) + " aligns with " + fromDomain;
              } else if (a.authTemperror) {
                outcome = Outcome.TEMPERROR;
                reason = "SPF or DKIM temperror for an identifier aligned with " + fromDomain;
              } else if (a.dnsTrouble) {
                outcome = Outcome.TEMPERROR;
                reason =
                    "organisational domain lookup failed while checking alignment for "
                        + fromDomain;
              } else {
                outcome = Outcome.FAIL;
                reason = "no aligned SPF or DKIM pass for " + fromDomain;
              }
              Policy requested = record.policyFor(t);
              Policy disposition = Policy.NONE;
              String override = null;
              if (outcome == Outcome.FAIL && requested != Policy.NONE) {
                disposition = requested;
                if (record.testing()) {
                  disposition = requested.relaxed();
                  override = "policy_test_mode";
                } else if (record.percent() < 100 && random.nextInt(100) >= record.percent()) {
                  disposition = requested.relaxed();
                  override = "sampled_out";
                }
              }
              return DmarcResult.builder(outcome, reason)
                  .fromDomain(fromDomain)
                  .policyDomain(policyDomain)
                  .organizationalDomain(orgDomain)
                  .record(record, t)
                  .disposition(disposition, override)
                  .aligned(a.spf, a.dkim)
                  .inputs(inputs)
                  .build();
            });
  }

  /** p for the policy domain itself; otherwise np for a non-existent From domain, else sp. */
  private CompletableFuture<PolicyTag> appliedTag(
      String fromDomain, String policyDomain, DmarcRecord record) {
    if (fromDomain.equals(policyDomain)) {
      return done(PolicyTag.P);
    }
    // a public suffix domain's policy (RFC 9989 psd=y, RFC 9091): p for the organisational
    // domains registered directly under it, sp for their subdomains; np for either if non-existent
    boolean registeredUnderPsd =
        record.publicSuffixDomain() == DmarcRecord.PublicSuffixDomain.YES
            && fromDomain.equals(childOn(fromDomain, policyDomain));
    PolicyTag existing = registeredUnderPsd ? PolicyTag.P : PolicyTag.SP;
    if (record.nonExistentPolicy().isEmpty()) {
      return done(existing);
    }
    return nonExistent(fromDomain).thenApply(gone -> gone ? PolicyTag.NP : existing);
  }

  /**
   * RFC 9091 §2.7 and RFC 9989 ("Non-existent Domains"): NXDOMAIN or NODATA for A, AAAA and MX. An
   * NXDOMAIN for A settles it; a DNS error counts as existing, so {@code sp} applies.
   */
  private CompletableFuture<Boolean> nonExistent(String domain) {
    return lookup(domain, RecordType.A)
        .thenCompose(
            a -> {
              if (a == null || !a.isVoid()) {
                return done(Boolean.FALSE);
              }
              if (a.status() == DnsStatus.NXDOMAIN) {
                return done(Boolean.TRUE);
              }
              return lookup(domain, RecordType.AAAA)
                  .thenCombine(
                      lookup(domain, RecordType.MX),
                      (aaaa, mx) -> aaaa != null && aaaa.isVoid() && mx != null && mx.isVoid());
            });
  }

  /** A lookup whose failure (a broken resolver) is {@code null}. */
  private CompletableFuture<@Nullable DnsAnswer> lookup(String name, RecordType type) {
    try {
      return ctx.dns().lookup(name, type).handle((answer, error) -> error == null ? answer : null);
    } catch (RuntimeException e) {
      return done(null);
    }
  }

  private record TagAndAlignment(PolicyTag tag, Alignments alignments) {}

  private static final class Alignments {
    @Nullable String spf;
    List<String> dkim = new ArrayList<>();
    boolean dnsTrouble;
    boolean authTemperror;
  }

  private CompletableFuture<Alignments> align(
      String fromDomain, DmarcRecord record, DmarcInputs inputs) {
    Alignments result = new Alignments();
    List<CompletableFuture<Void>> parts = new ArrayList<>();
    Optional<DmarcInputs.SpfAuth> spf = inputs.spf();
    // the HELO identity stands in for MAIL FROM only for the null sender (RFC 7489 §3.1.2)
    if (spf.isPresent()
        && spf.get().outcome() == Outcome.PASS
        && (!spf.get().heloIdentity() || ctx.session().isNullSender())) {
      String spfDomain = normalize(spf.get().domain());
      parts.add(
          aligned(fromDomain, spfDomain, record.spfAlignment())
              .thenAccept(
                  ok -> {
                    synchronized (result) {
                      if (ok == null) {
                        result.dnsTrouble = true;
                      } else if (ok) {
                        result.spf = spfDomain;
                      }
                    }
                  }));
    }
    List<String> dkimDomains = new ArrayList<>();
    for (DmarcInputs.DkimAuth sig : inputs.dkim()) {
      if (sig.outcome() == Outcome.PASS) {
        String d = normalize(sig.domain());
        if (!dkimDomains.contains(d)) {
          dkimDomains.add(d);
        }
      }
    }
    List<@Nullable Boolean> dkimOk = new ArrayList<>();
    for (int i = 0; i < dkimDomains.size(); i++) {
      dkimOk.add(Boolean.FALSE);
      int index = i;
      parts.add(
          aligned(fromDomain, dkimDomains.get(i), record.dkimAlignment())
              .thenAccept(
                  ok -> {
                    synchronized (result) {
                      dkimOk.set(index, ok);
                    }
                  }));
    }
    // a temperror of an identifier that would align could have been a pass: the result is
    // temperror rather than fail, so that a DNS hiccup in SPF or DKIM never rejects
    if (spf.isPresent()
        && spf.get().outcome() == Outcome.TEMPERROR
        && (!spf.get().heloIdentity() || ctx.session().isNullSender())) {
      parts.add(
          aligned(fromDomain, normalize(spf.get().domain()), record.spfAlignment())
              .thenAccept(
                  ok -> {
                    synchronized (result) {
                      result.authTemperror |= !Boolean.FALSE.equals(ok);
                    }
                  }));
    }
    for (DmarcInputs.DkimAuth sig : inputs.dkim()) {
      if (sig.outcome() == Outcome.TEMPERROR) {
        parts.add(
            aligned(fromDomain, normalize(sig.domain()), record.dkimAlignment())
                .thenAccept(
                    ok -> {
                      synchronized (result) {
                        result.authTemperror |= !Boolean.FALSE.equals(ok);
                      }
                    }));
      }
    }
    return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0]))
        .thenApply(
            v -> {
              synchronized (result) {
                for (int i = 0; i < dkimDomains.size(); i++) {
                  Boolean ok = dkimOk.get(i);
                  if (ok == null) {
                    result.dnsTrouble = true;
                  } else if (ok) {
                    result.dkim.add(dkimDomains.get(i));
                  }
                }
                return result;
              }
            });
  }

  /**
   * Whether {@code identifier} aligns with the From domain: equal for strict; same organisational
   * domain for relaxed. {@code null} when the tree walk hit a DNS error. (Package-private: the
   * OpenDMARC alignment table runs through it.)
   */
  CompletableFuture<@Nullable Boolean> aligned(
      String fromDomain, String identifier, Alignment mode) {
    if (identifier.equals(fromDomain)) {
      return done(Boolean.TRUE);
    }
    if (mode == Alignment.STRICT || identifier.isEmpty() || !shareSuffix(fromDomain, identifier)) {
      return done(Boolean.FALSE);
    }
    return orgDomainOf(fromDomain)
        .thenCombine(
            orgDomainOf(identifier),
            (a, b) -> {
              if (a == null || b == null) {
                return null;
              }
              return a.equals(b);
            });
  }

  /** Same organisational domain needs a common parent of at least one label. */
  private static boolean shareSuffix(String a, String b) {
    int ia = a.lastIndexOf('.');
    int ib = b.lastIndexOf('.');
    String ta = ia < 0 ? a : a.substring(ia + 1);
    String tb = ib < 0 ? b : b.substring(ib + 1);
    return ta.equals(tb);
  }

  /** Lower case, A-labels, no leading or trailing dots. */
  static String normalize(String domain) {
    String d = domain.strip();
    int s = 0;
    int e = d.length();
    while (s < e && d.charAt(s) == '.') {
      s++;
    }
    while (e > s && d.charAt(e - 1) == '.') {
      e--;
    }
    d = d.substring(s, e);
    FromHeader.Extracted x = FromHeader.toDomain(d);
    return x.ok() ? x.domain() : d.toLowerCase(Locale.ROOT);
  }

  private static <T> CompletableFuture<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }
}
