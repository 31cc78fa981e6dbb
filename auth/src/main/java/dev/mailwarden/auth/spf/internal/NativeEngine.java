package dev.mailwarden.auth.spf.internal;

import dev.mailwarden.CapExceeded;
import dev.mailwarden.CheckContext;
import dev.mailwarden.Outcome;
import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsRecord;
import dev.mailwarden.dns.DnsResolver;
import dev.mailwarden.dns.DnsStatus;
import dev.mailwarden.dns.RecordType;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Our own {@code check_host()} (RFC 7208), asynchronous end to end: every DNS query is a future of
 * {@link CheckContext#dns()} and evaluation continues in its completion, so no thread waits for
 * DNS. Processing limits (section 4.6.4): 10 DNS-querying terms, a configurable number of void
 * lookups (2 by default), 10 MX names per {@code mx} (more is permerror), 10 PTR names per {@code
 * ptr} (the rest ignored), and the context's deadline.
 */
public final class NativeEngine implements Engine {
  public static final NativeEngine INSTANCE = new NativeEngine();

  static final int MAX_DNS_TERMS = 10;

  /** Names of the caps reported as {@link CapExceeded} (metrics tags: fixed words, never input). */
  static final String CAP_DNS_LOOKUPS = "spf.dns-lookups";

  static final String CAP_VOID_LOOKUPS = "spf.void-lookups";
  static final String CAP_MACRO_EXPANSION = "spf.macro-expansion";
  static final int MAX_NAMES = 10;

  private NativeEngine() {}

  @Override
  public String name() {
    return "native";
  }

  @Override
  public CompletableFuture<EngineResult> evaluate(SpfRequest request, CheckContext context) {
    Evaluation ev = new Evaluation(request, context);
    String domain = Domains.lookupName(request.domain());
    if (domain == null) {
      return CompletableFuture.completedFuture(
          ev.result(
              HostResult.error(Outcome.NONE, "not a valid domain name: " + request.domain())));
    }
    return ev.checkHost(domain, false).thenApply(ev::result);
  }

  @Override
  public String toString() {
    return "SpfEngine[native]";
  }

  /** The result of one check_host() level. */
  static final class HostResult {
    final Outcome outcome;
    final @Nullable String mechanism;
    final @Nullable String explanation;
    final @Nullable String problem;

    HostResult(
        Outcome outcome,
        @Nullable String mechanism,
        @Nullable String explanation,
        @Nullable String problem) {
      this.outcome = outcome;
      this.mechanism = mechanism;
      this.explanation = explanation;
      this.problem = problem;
    }

    static HostResult error(Outcome outcome, String problem) {
      return new HostResult(outcome, null, null, problem);
    }
  }

  /** Whether a mechanism matched, or the error that ends evaluation. */
  static final class Match {
    static final Match YES = new Match(null);
    static final Match NO = new Match(null);
    static final CompletableFuture<Match> YES_F = CompletableFuture.completedFuture(YES);
    static final CompletableFuture<Match> NO_F = CompletableFuture.completedFuture(NO);
    final @Nullable HostResult error;

    private Match(@Nullable HostResult error) {
      this.error = error;
    }

    static Match error(Outcome outcome, String problem) {
      return new Match(HostResult.error(outcome, problem));
    }
  }

  /** The state of one evaluation: counters, the request and the context. */
  static final class Evaluation implements MacroString.MacroValues {
    final SpfRequest request;
    final CheckContext context;
    final DnsResolver dns;
    final byte[] ip;
    final boolean v4;
    int dnsTerms;
    int voids;
    int queries;
    boolean deadlinePassed;

    /** The domain macros expand {@code %{d}} to, and the validated name for {@code %{p}}. */
    String currentDomain = "";

    String validatedName = "unknown";

    Evaluation(SpfRequest request, CheckContext context) {
      this.request = request;
      this.context = context;
      this.dns = context.dns();
      this.ip = request.clientIp().getAddress();
      this.v4 = request.clientIp() instanceof Inet4Address;
    }

    EngineResult result(HostResult r) {
      return new EngineResult(
          r.outcome,
          r.mechanism,
          r.outcome == Outcome.FAIL ? r.explanation : null,
          r.problem,
          queries,
          voids);
    }

    // ---- DNS -------------------------------------------------------------------------------

    CompletableFuture<DnsAnswer> lookup(String name, RecordType type) {
      if (context.ticker().read() - context.deadlineNanos() >= 0) {
        deadlinePassed = true;
        return CompletableFuture.completedFuture(
            DnsAnswer.error(name, type, DnsStatus.TIMEOUT, "SPF time bound reached"));
      }
      queries++;
      CompletableFuture<DnsAnswer> f;
      try {
        f = dns.lookup(name, type);
      } catch (RuntimeException e) {
        return CompletableFuture.completedFuture(
            DnsAnswer.error(name, type, DnsStatus.SERVFAIL, "resolver failed: " + e));
      }
      if (f.isDone() && !f.isCompletedExceptionally()) {
        return f;
      }
      // continue on the evaluation's executor: parsing, macro expansion and the rest of the
      // record must never run on the resolver's completion thread, which serves every lookup
      return f.handleAsync(
          (a, e) ->
              a != null
                  ? a
                  : DnsAnswer.error(name, type, DnsStatus.SERVFAIL, "resolver failed: " + e),
          context.executor());
    }

    /** Counts a void answer; a Match error once over the limit, else null. */
    @Nullable Match countVoid(String name) {
      voids++;
      if (voids > request.voidLookupLimit()) {
        String why =
            "more than " + request.voidLookupLimit() + " void lookups (last: " + name + ")";
        context.report(new CapExceeded(CAP_VOID_LOOKUPS, why));
        return Match.error(Outcome.PERMERROR, why);
      }
      return null;
    }

    static String dnsProblem(DnsAnswer a) {
      return "DNS "
          + a.status()
          + " for "
          + a.name()
          + " "
          + a.type()
          + a.detail().map(d -> " (" + d + ")").orElse("");
    }

    // ---- check_host() ----------------------------------------------------------------------

    CompletableFuture<HostResult> checkHost(String domain, boolean inInclude) {
      return lookup(domain, RecordType.TXT)
          .thenCompose(
              a -> {
                if (a.isError()) {
                  return done(HostResult.error(Outcome.TEMPERROR, dnsProblem(a)));
                }
                byte[] found = null;
                for (DnsRecord.Txt t : a.txts()) {
                  byte[] bytes = t.joined();
                  if (SpfRecord.isSpfRecord(bytes)) {
                    if (found != null) {
                      return done(
                          HostResult.error(
                              Outcome.PERMERROR, "more than one SPF record for " + domain));
                    }
                    found = bytes;
                  }
                }
                if (found == null) {
                  return done(HostResult.error(Outcome.NONE, "no SPF record at " + domain));
                }
                SpfRecord record;
                try {
                  record = RecordCache.parse(context, found);
                } catch (SpfSyntaxException e) {
                  return done(
                      HostResult.error(Outcome.PERMERROR, e.getMessage() + " (" + domain + ")"));
                }
                return evaluate(record, domain, 0, inInclude);
              });
    }

    private CompletableFuture<HostResult> evaluate(
        SpfRecord record, String domain, int from, boolean inInclude) {
      List<SpfRecord.Directive> ds = record.directives;
      for (int i = from; i < ds.size(); i++) {
        if (deadlinePassed) {
          return done(HostResult.error(Outcome.TEMPERROR, "SPF time bound reached"));
        }
        SpfRecord.Directive d = ds.get(i);
        switch (d.kind) {
          case ALL:
            return matched(record, d, domain, inInclude);
          case IP4:
          case IP6:
            if (d.network != null && Ip.inPrefix(ip, d.network, v4 ? d.cidr4 : d.cidr6)) {
              return matched(record, d, domain, inInclude);
            }
            continue;
          default:
            if (++dnsTerms > MAX_DNS_TERMS) {
              return done(HostResult.error(Outcome.PERMERROR, overLookupLimit()));
            }
            int next = i + 1;
            return matchDns(d, domain)
                .thenCompose(
                    m -> {
                      if (m == Match.YES) {
                        return matched(record, d, domain, inInclude);
                      } else if (m == Match.NO) {
                        return evaluate(record, domain, next, inInclude);
                      }
                      return done(m.error);
                    });
        }
      }
      if (deadlinePassed) {
        return done(HostResult.error(Outcome.TEMPERROR, "SPF time bound reached"));
      }
      MacroString redirect = record.redirect;
      if (redirect == null) {
        return done(new HostResult(Outcome.NEUTRAL, "default", null, null));
      }
      if (++dnsTerms > MAX_DNS_TERMS) {
        return done(HostResult.error(Outcome.PERMERROR, overLookupLimit()));
      }
      return expand(redirect, domain)
          .thenCompose(
              target -> {
                if (target == null) {
                  return done(HostResult.error(Outcome.PERMERROR, overBudget(redirect)));
                }
                String name = Domains.lookupName(target);
                if (name == null) {
                  return done(
                      HostResult.error(
                          Outcome.PERMERROR, "redirect to an invalid domain: " + target));
                }
                return checkHost(name, inInclude)
                    .thenApply(
                        r ->
                            r.outcome == Outcome.NONE
                                ? HostResult.error(
                                    Outcome.PERMERROR, "redirect=" + name + ": " + r.problem)
                                : r);
              });
    }

    private CompletableFuture<HostResult> matched(
        SpfRecord record, SpfRecord.Directive d, String domain, boolean inInclude) {
      if (d.qualifier != Outcome.FAIL || inInclude) {
        return done(new HostResult(d.qualifier, d.text, null, null));
      }
      return explain(record, domain)
          .thenApply(exp -> new HostResult(Outcome.FAIL, d.text, exp, null));
    }

    // ---- mechanisms ------------------------------------------------------------------------

    private CompletableFuture<Match> matchDns(SpfRecord.Directive d, String domain) {
      MacroString spec = d.domainSpec;
      CompletableFuture<@Nullable String> target =
          spec == null ? CompletableFuture.completedFuture(domain) : expand(spec, domain);
      return target.thenCompose(
          expanded -> {
            if (expanded == null) {
              return CompletableFuture.completedFuture(
                  Match.error(Outcome.PERMERROR, overBudget(spec)));
            }
            String name = Domains.lookupName(expanded);
            switch (d.kind) {
              case INCLUDE:
                if (name == null) {
                  return CompletableFuture.completedFuture(
                      Match.error(Outcome.PERMERROR, "include of an invalid domain: " + expanded));
                }
                return include(name);
              case A:
                return name == null ? Match.NO_F : matchA(name, d);
              case MX:
                return name == null ? Match.NO_F : matchMx(name, d);
              case PTR:
                return name == null ? Match.NO_F : matchPtr(name);
              case EXISTS:
                return name == null ? Match.NO_F : matchExists(name);
              default:
                throw new IllegalStateException("not a DNS mechanism: " + d.kind);
            }
          });
    }

    private CompletableFuture<Match> include(String name) {
      return checkHost(name, true)
          .thenApply(
              r ->
                  switch (r.outcome) {
                    case PASS -> Match.YES;
                    case FAIL, SOFTFAIL, NEUTRAL -> Match.NO;
                    case TEMPERROR -> new Match(r);
                    case NONE ->
                        Match.error(Outcome.PERMERROR, "include:" + name + ": " + r.problem);
                    default -> new Match(r); // permerror
                  });
    }

    private CompletableFuture<Match> matchA(String name, SpfRecord.Directive d) {
      RecordType type = v4 ? RecordType.A : RecordType.AAAA;
      int prefix = v4 ? d.cidr4 : d.cidr6;
      return lookup(name, type)
          .thenApply(
              a -> {
                if (a.isError()) {
                  return Match.error(Outcome.TEMPERROR, dnsProblem(a));
                }
                if (a.isVoid()) {
                  Match over = countVoid(name);
                  return over != null ? over : Match.NO;
                }
                return anyInPrefix(a, prefix) ? Match.YES : Match.NO;
              });
    }

    private boolean anyInPrefix(DnsAnswer a, int prefix) {
      for (DnsRecord r : a.records()) {
        if (r instanceof DnsRecord.Address addr
            && Ip.inPrefix(ip, addr.address().getAddress(), prefix)) {
          return true;
        }
      }
      return false;
    }

    private CompletableFuture<Match> matchMx(String name, SpfRecord.Directive d) {
      return lookup(name, RecordType.MX)
          .thenCompose(
              a -> {
                if (a.isError()) {
                  return CompletableFuture.completedFuture(
                      Match.error(Outcome.TEMPERROR, dnsProblem(a)));
                }
                if (a.isVoid()) {
                  Match over = countVoid(name);
                  return CompletableFuture.completedFuture(over != null ? over : Match.NO);
                }
                List<DnsRecord.Mx> mxs = a.mxs();
                if (mxs.size() > MAX_NAMES) {
                  return CompletableFuture.completedFuture(
                      Match.error(
                          Outcome.PERMERROR,
                          "mx:"
                              + name
                              + " has "
                              + mxs.size()
                              + " MX records, more than "
                              + MAX_NAMES));
                }
                RecordType type = v4 ? RecordType.A : RecordType.AAAA;
                int prefix = v4 ? d.cidr4 : d.cidr6;
                List<CompletableFuture<DnsAnswer>> answers = new ArrayList<>(mxs.size());
                for (DnsRecord.Mx mx : mxs) {
                  String host = Domains.lookupName(mx.exchange());
                  answers.add(host == null ? null : lookup(host, type));
                }
                return inOrder(answers, 0, prefix);
              });
    }

    /** Checks the MX hosts' answers in MX order: the first error or match decides. */
    private CompletableFuture<Match> inOrder(
        List<CompletableFuture<DnsAnswer>> answers, int i, int prefix) {
      for (; i < answers.size(); i++) {
        CompletableFuture<DnsAnswer> f = answers.get(i);
        if (f == null) {
          continue;
        }
        int next = i + 1;
        if (f.isDone()) {
          DnsAnswer a = f.join();
          if (a.isError()) {
            return CompletableFuture.completedFuture(Match.error(Outcome.TEMPERROR, dnsProblem(a)));
          }
          if (anyInPrefix(a, prefix)) {
            return Match.YES_F;
          }
          continue;
        }
        return f.thenCompose(
            a -> {
              if (a.isError()) {
                return CompletableFuture.completedFuture(
                    Match.error(Outcome.TEMPERROR, dnsProblem(a)));
              }
              return anyInPrefix(a, prefix) ? Match.YES_F : inOrder(answers, next, prefix);
            });
      }
      return Match.NO_F;
    }

    private CompletableFuture<Match> matchPtr(String target) {
      return lookup(Ip.reverseName(ip), RecordType.PTR)
          .thenCompose(
              a -> {
                if (a.isError()) {
                  return Match.NO_F; // RFC 7208 section 5.5: a DNS error here is no match
                }
                if (a.isVoid()) {
                  Match over = countVoid(a.name());
                  return CompletableFuture.completedFuture(over != null ? over : Match.NO);
                }
                List<String> names = a.names();
                List<String> candidates = new ArrayList<>();
                for (int i = 0; i < names.size() && i < MAX_NAMES; i++) {
                  if (Domains.isAtOrBelow(names.get(i), target)) {
                    candidates.add(names.get(i));
                  }
                }
                return validated(candidates).thenApply(v -> v != null ? Match.YES : Match.NO);
              });
    }

    /** The first of {@code names} whose addresses include the client's, or null. */
    private CompletableFuture<@Nullable String> validated(List<String> names) {
      CompletableFuture<@Nullable String> result = CompletableFuture.completedFuture(null);
      RecordType type = v4 ? RecordType.A : RecordType.AAAA;
      for (String n : names) {
        String host = Domains.lookupName(n);
        if (host == null) {
          continue;
        }
        result =
            result.thenCompose(
                found -> {
                  if (found != null) {
                    return CompletableFuture.completedFuture(found);
                  }
                  return lookup(host, type)
                      .thenApply(
                          a -> {
                            if (a.isSuccess()) {
                              for (DnsRecord r : a.records()) {
                                if (r instanceof DnsRecord.Address addr
                                    && java.util.Arrays.equals(addr.address().getAddress(), ip)) {
                                  return n;
                                }
                              }
                            }
                            return null; // errors skip the name (RFC 7208 section 5.5)
                          });
                });
      }
      return result;
    }

    private CompletableFuture<Match> matchExists(String name) {
      return lookup(name, RecordType.A)
          .thenApply(
              a -> {
                if (a.isError()) {
                  return Match.error(Outcome.TEMPERROR, dnsProblem(a));
                }
                if (a.isVoid()) {
                  Match over = countVoid(name);
                  return over != null ? over : Match.NO;
                }
                return Match.YES;
              });
    }

    // ---- macros and explanation ------------------------------------------------------------

    /** The expansion, or null when it exceeds the request's macro expansion budget. */
    private CompletableFuture<@Nullable String> expand(MacroString m, String domain) {
      if (!m.usesValidatedName()) {
        currentDomain = domain;
        return CompletableFuture.completedFuture(m.expand(this, request.maxMacroExpansion()));
      }
      return validatedNameFor(domain)
          .thenApply(
              p -> {
                currentDomain = domain;
                validatedName = p;
                return m.expand(this, request.maxMacroExpansion());
              });
    }

    /** The reason, reported to the listener as a {@link CapExceeded}. */
    private String overBudget(MacroString m) {
      String why =
          "macro expansion of '"
              + abbreviate(m.text())
              + "' exceeds maxMacroExpansion ("
              + request.maxMacroExpansion()
              + " octets)";
      context.report(new CapExceeded(CAP_MACRO_EXPANSION, why));
      return why;
    }

    /** The reason, reported to the listener as a {@link CapExceeded}. */
    private String overLookupLimit() {
      String why = "more than " + MAX_DNS_TERMS + " DNS-querying mechanisms and modifiers";
      context.report(new CapExceeded(CAP_DNS_LOOKUPS, why));
      return why;
    }

    private static String abbreviate(String s) {
      return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    /** The {@code %{p}} value (RFC 7208 section 7.3): a validated name, preferring the domain. */
    private CompletableFuture<String> validatedNameFor(String domain) {
      return lookup(Ip.reverseName(ip), RecordType.PTR)
          .thenCompose(
              a -> {
                if (!a.isSuccess()) {
                  return CompletableFuture.completedFuture("unknown");
                }
                List<String> names = a.names();
                List<String> ordered = new ArrayList<>();
                List<String> below = new ArrayList<>();
                List<String> others = new ArrayList<>();
                for (int i = 0; i < names.size() && i < MAX_NAMES; i++) {
                  String n = names.get(i);
                  if (Domains.stripDot(n).equalsIgnoreCase(domain)) {
                    ordered.add(n);
                  } else if (Domains.isAtOrBelow(n, domain)) {
                    below.add(n);
                  } else {
                    others.add(n);
                  }
                }
                ordered.addAll(below);
                ordered.addAll(others);
                return validated(ordered)
                    .thenApply(v -> v == null ? "unknown" : Domains.stripDot(v));
              });
    }

    private CompletableFuture<String> explain(SpfRecord record, String domain) {
      MacroString exp = record.exp;
      if (exp == null) {
        return CompletableFuture.completedFuture(defaultExplanation(domain));
      }
      return expand(exp, domain)
          .thenCompose(
              target -> {
                String name = target == null ? null : Domains.lookupName(target);
                if (name == null) {
                  return CompletableFuture.completedFuture(defaultExplanation(domain));
                }
                return lookup(name, RecordType.TXT)
                    .thenCompose(
                        a -> {
                          List<DnsRecord.Txt> txts = a.txts();
                          if (!a.isSuccess() || txts.size() != 1) {
                            return CompletableFuture.completedFuture(defaultExplanation(domain));
                          }
                          byte[] bytes = txts.get(0).joined();
                          char[] chars = new char[bytes.length];
                          for (int i = 0; i < bytes.length; i++) {
                            int c = bytes[i] & 0xff;
                            if (c < 0x20 || c > 0x7e) {
                              return CompletableFuture.completedFuture(defaultExplanation(domain));
                            }
                            chars[i] = (char) c;
                          }
                          MacroString text;
                          try {
                            text = MacroString.parse(new String(chars), true);
                          } catch (SpfSyntaxException e) {
                            return CompletableFuture.completedFuture(defaultExplanation(domain));
                          }
                          return expand(text, domain)
                              .thenApply(t -> t != null ? t : defaultExplanation(domain));
                        });
              });
    }

    private String defaultExplanation(String domain) {
      currentDomain = domain;
      try {
        String s =
            MacroString.parse(request.defaultExplanation(), true)
                .expand(this, request.maxMacroExpansion());
        return s != null ? s : request.defaultExplanation();
      } catch (SpfSyntaxException e) {
        return request.defaultExplanation();
      }
    }

    @Override
    public String value(char letter) {
      return switch (letter) {
        case 's' -> request.sender();
        case 'l' -> request.localPart();
        case 'o' -> request.senderDomain();
        case 'd' -> currentDomain;
        case 'i' -> Ip.macroForm(ip);
        case 'p' -> validatedName;
        case 'v' -> v4 ? "in-addr" : "ip6";
        case 'h' -> request.heloName().orElse("unknown");
        case 'c' -> Ip.readable(request.clientIp());
        case 'r' -> request.receiver();
        case 't' -> Long.toString(context.clock().instant().getEpochSecond());
        default -> throw new IllegalArgumentException("macro letter " + letter);
      };
    }

    private static <T> CompletableFuture<T> done(T value) {
      return CompletableFuture.completedFuture(value);
    }
  }
}
