package dev.mailwarden.auth.doctor.internal;

import com.google.common.net.InetAddresses;
import dev.mailwarden.MailSession;
import dev.mailwarden.Outcome;
import dev.mailwarden.auth.doctor.Codes;
import dev.mailwarden.auth.doctor.DoctorFinding;
import dev.mailwarden.auth.spf.Spf;
import dev.mailwarden.auth.spf.SpfResult;
import dev.mailwarden.auth.spf.internal.SpfRecord;
import dev.mailwarden.auth.spf.internal.SpfTree;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * SPF of the domain: the record tree read statically by {@link SpfTree} (missing, multiple, syntax,
 * include targets, the worst-case lookup and void-lookup counts, loops, {@code ptr}, permissive
 * {@code all}) and, per sending address, the real {@link Spf} check as a receiver runs it ({@code
 * spf-ip-not-authorized}).
 */
final class SpfExam {
  private static final int MAX_TERMS = 10;
  private static final int MAX_VOIDS = 2;
  private static final Set<String> STATIC_PERMERRORS =
      Set.of(
          Codes.SPF_MULTIPLE,
          Codes.SPF_SYNTAX,
          Codes.SPF_INCLUDE_MISSING,
          Codes.SPF_TOO_MANY_LOOKUPS);

  private SpfExam() {}

  static CompletableFuture<List<DoctorFinding>> run(
      Examination ex, String domain, List<InetAddress> ips, @Nullable String helo) {
    String sender = "postmaster@" + domain;
    CompletableFuture<SpfTree.Analysis> tree =
        SpfTree.analyse(ex.dns(), domain, ips.get(0), sender, ex.executor());
    List<CompletableFuture<SpfResult>> checks = new ArrayList<>(ips.size());
    for (InetAddress ip : ips) {
      MailSession.Builder s = MailSession.builder().clientIp(ip).mailFrom(sender);
      if (helo != null) {
        s.helo(helo);
      }
      checks.add(Spf.check().check(ex.context(s.build())));
    }
    CompletableFuture<?>[] all = new CompletableFuture<?>[checks.size() + 1];
    for (int i = 0; i < checks.size(); i++) {
      all[i] = checks.get(i);
    }
    all[checks.size()] = tree;
    return CompletableFuture.allOf(all)
        .thenApplyAsync(
            v -> {
              List<DoctorFinding> out = tree(domain, ips, tree.join());
              for (CompletableFuture<SpfResult> c : checks) {
                check(domain, c.join(), out);
              }
              return out;
            },
            ex.executor());
  }

  private static List<DoctorFinding> tree(
      String domain, List<InetAddress> ips, SpfTree.Analysis a) {
    List<DoctorFinding> out = new ArrayList<>();
    SpfTree.Node root = a.root();
    switch (root.status()) {
      case NONE -> {
        out.add(
            Found.error(
                Codes.SPF_MISSING,
                domain
                    + " has no SPF record; receivers cannot tell which servers may send its mail, and Gmail "
                    + "and Yahoo demand SPF or DKIM from every sender.",
                "Publish one TXT record at " + domain + ": \"" + suggestion(ips) + "\"."));
        return out;
      }
      case MULTIPLE -> out.add(multiple(root));
      case SYNTAX -> out.add(syntax(root));
      case DNS_ERROR -> {
        out.add(Found.dnsError(root.problem(), "the SPF record of " + domain));
        return out;
      }
      default -> {}
    }
    if (root.record() == null) {
      return out;
    }
    for (SpfTree.Node n : a.nodes().values()) {
      if (n.domain().equals(root.domain())) { // the root itself: reported above
        continue;
      }
      switch (n.status()) {
        case NONE ->
            out.add(
                Found.error(
                    Codes.SPF_INCLUDE_MISSING,
                    Found.clean(
                        "The SPF tree of "
                            + domain
                            + " includes or redirects to "
                            + n.domain()
                            + ", which has no SPF record: every receiver gets permerror."),
                    "Fix or remove the include:/redirect= of "
                        + n.domain()
                        + " (a typo, or a provider that moved its record)."));
        case MULTIPLE -> out.add(multiple(n));
        case SYNTAX -> out.add(syntax(n));
        default -> {} // DNS errors below, with those of the a/mx/exists probes
      }
    }
    for (String failure : a.dnsErrors()) {
      out.add(Found.dnsError(failure, "part of the SPF tree of " + domain));
    }
    for (String t : a.invalidTargets()) {
      out.add(
          Found.error(
              Codes.SPF_INCLUDE_MISSING,
              Found.clean("SPF " + t + " does not name a valid domain: permerror."),
              "Correct the domain after include:/redirect=."));
    }
    List<String> why = new ArrayList<>();
    if (a.lookups() > MAX_TERMS) {
      why.add(
          (a.capped() ? "at least " : "")
              + a.lookups()
              + " DNS-querying terms (include, a, mx, ptr, exists, redirect) when no mechanism matches; the limit is "
              + MAX_TERMS);
    }
    if (a.voidNames().size() > MAX_VOIDS) {
      why.add(
          a.voidNames().size()
              + " void lookups, the limit is "
              + MAX_VOIDS
              + ": "
              + String.join("; ", a.voidNames()));
    }
    for (String loop : a.loops()) {
      why.add("an include loop " + loop);
    }
    for (String mx : a.wideMx()) {
      why.add(mx + ", more than 10");
    }
    if (!why.isEmpty()) {
      out.add(
          Found.error(
              Codes.SPF_TOO_MANY_LOOKUPS,
              Found.clean(
                  "The SPF tree of "
                      + domain
                      + ", counted over every include and redirect, needs "
                      + String.join("; ", why)
                      + ". Receivers stop with permerror (RFC 7208 section 4.6.4), which counts as a failure."),
              "Flatten the record: replace includes you do not need by ip4:/ip6: ranges, drop a/mx/ptr terms "
                  + "that name no sending host, remove loops and lookups of names that do not exist."));
    }
    for (String d : a.ptrUses()) {
      out.add(
          Found.warning(
              Codes.SPF_PTR,
              Found.clean(
                  "The SPF record of "
                      + d
                      + " uses the ptr mechanism, which RFC 7208 section 5.5 says not to use; "
                      + "it is slow and some receivers ignore it."),
              "Replace ptr by ip4:/ip6: ranges or a: names."));
    }
    permissiveAll(domain, a).ifPresent(out::add);
    return out;
  }

  /** The {@code all} that ends the evaluation: the root's, or along its redirect chain. */
  private static java.util.Optional<DoctorFinding> permissiveAll(
      String domain, SpfTree.Analysis a) {
    SpfTree.Node n = a.root();
    for (int hops = 0; n != null && n.record() != null && hops <= SpfTree.MAX_RECORDS; hops++) {
      SpfRecord r = n.record();
      for (SpfRecord.Directive d : r.directives) {
        if (d.kind == SpfRecord.Kind.ALL) {
          if (d.qualifier == Outcome.PASS) {
            return java.util.Optional.of(
                Found.error(
                    Codes.SPF_PERMISSIVE_ALL,
                    "The SPF record"
                        + of(n, domain)
                        + " ends in +all: it authorizes every address on the Internet, "
                        + "so SPF protects nothing and spam filters distrust the domain.",
                    "End the record with -all (or ~all while you check your senders)."));
          }
          if (d.qualifier == Outcome.NEUTRAL) {
            return java.util.Optional.of(
                Found.warning(
                    Codes.SPF_PERMISSIVE_ALL,
                    "The SPF record"
                        + of(n, domain)
                        + " ends in ?all: mail from any other address is neutral, "
                        + "not a failure, so forgeries are not recognised.",
                    "End the record with -all (or ~all while you check your senders)."));
          }
          return java.util.Optional.empty();
        }
      }
      if (r.redirect == null) {
        return java.util.Optional.of(
            Found.warning(
                Codes.SPF_PERMISSIVE_ALL,
                "The SPF record"
                    + of(n, domain)
                    + " has no all mechanism: every other address gets neutral, as with ?all.",
                "End the record with -all (or ~all while you check your senders)."));
      }
      SpfTree.Node next = null;
      for (SpfTree.Node candidate : a.nodes().values()) {
        if (candidate.domain().equalsIgnoreCase(r.redirect.text())) {
          next = candidate;
        }
      }
      n = next; // a redirect with macros is not followed here
    }
    return java.util.Optional.empty();
  }

  private static String of(SpfTree.Node n, String domain) {
    return n.domain().equals(domain)
        ? " of " + domain
        : " of " + n.domain() + " (redirected to from " + domain + ")";
  }

  private static DoctorFinding multiple(SpfTree.Node n) {
    return Found.error(
        Codes.SPF_MULTIPLE,
        Found.clean(
            n.domain()
                + " publishes "
                + n.texts().size()
                + " SPF records ("
                + String.join(" | ", n.texts())
                + "); receivers give permerror."),
        "Merge them into one TXT record starting with v=spf1.");
  }

  private static DoctorFinding syntax(SpfTree.Node n) {
    return Found.error(
        Codes.SPF_SYNTAX,
        Found.clean(
            "The SPF record of "
                + n.domain()
                + " does not parse: "
                + n.problem()
                + ". Record: \""
                + (n.texts().isEmpty() ? "" : n.texts().get(0))
                + "\"; receivers give permerror."),
        "Correct the record (RFC 7208 section 12 has the grammar).");
  }

  private static void check(String domain, SpfResult r, List<DoctorFinding> out) {
    String addr = r.clientIp().map(InetAddresses::toAddrString).orElse("?");
    switch (r.outcome()) {
      case PASS, NONE -> {} // NONE: spf-missing already says it
      case FAIL, SOFTFAIL, NEUTRAL ->
          out.add(
              Found.error(
                  Codes.SPF_IP_NOT_AUTHORIZED,
                  Found.clean(
                      "SPF of "
                          + domain
                          + " gives "
                          + r.outcome().token()
                          + " for "
                          + addr
                          + r.mechanism()
                              .map(
                                  m ->
                                      m.equalsIgnoreCase("all")
                                          ? " (only the final all matched)"
                                          : m.equals("default")
                                              ? " (no mechanism matched)"
                                              : " (matched " + m + ")")
                              .orElse("")
                          + ": receivers treat its mail as unauthorized."),
                  "Add "
                      + (r.clientIp().orElse(null) instanceof Inet4Address ? "ip4:" : "ip6:")
                      + addr
                      + " to the SPF record of "
                      + domain
                      + " (before its all), or send through a host it already lists."));
      case TEMPERROR -> {
        if (out.stream()
            .noneMatch(
                f -> f.code().equals(Codes.DNS_ERROR))) { // the tree named the failure already
          out.add(
              Found.dnsError(r.problem().orElse(r.reason()), "SPF of " + domain + " for " + addr));
        }
      }
      default -> {
        if (out.stream().noneMatch(f -> STATIC_PERMERRORS.contains(f.code()))) {
          out.add(
              Found.error(
                  Codes.SPF_PERMERROR,
                  Found.clean(
                      "SPF of "
                          + domain
                          + " gives permerror for "
                          + addr
                          + ": "
                          + r.problem().orElse(r.reason())
                          + "."),
                  "Correct the record so that it evaluates; receivers treat permerror as a failure."));
        }
      }
    }
  }

  private static String suggestion(List<InetAddress> ips) {
    StringBuilder b = new StringBuilder("v=spf1");
    for (InetAddress ip : ips) {
      b.append(ip instanceof Inet4Address ? " ip4:" : " ip6:")
          .append(InetAddresses.toAddrString(ip));
    }
    return b.append(" -all").toString();
  }
}
