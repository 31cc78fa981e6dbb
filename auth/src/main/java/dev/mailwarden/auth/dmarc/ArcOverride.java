package dev.mailwarden.auth.dmarc;

import dev.mailwarden.CheckContext;
import dev.mailwarden.Outcome;
import dev.mailwarden.auth.arc.Arc;
import dev.mailwarden.auth.arc.ArcResult;
import dev.mailwarden.auth.arc.ArcSet;
import dev.mailwarden.auth.arc.ArcStatus;
import dev.mailwarden.auth.arc.internal.ArcHeaders;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The local-policy override for mail through trusted ARC sealers (RFC 8617 section 7.2): a DMARC
 * fail whose disposition would act is lifted when the ARC chain passed and a trusted sealer's
 * ARC-Authentication-Results recorded a pass for the author's domain.
 */
final class ArcOverride {
  private static final List<String> PREFERENCE = List.of("dmarc", "dkim", "spf");

  private ArcOverride() {}

  static CompletableFuture<DmarcResult> apply(
      CheckContext context, DmarcResult r, Set<String> trusted) {
    if (r.outcome() != Outcome.FAIL || r.disposition() == Policy.NONE || r.fromDomain().isEmpty()) {
      return CompletableFuture.completedFuture(r);
    }
    return context.await(Arc.KEY).thenApply(arc -> arc.map(a -> decide(r, a, trusted)).orElse(r));
  }

  static DmarcResult decide(DmarcResult r, ArcResult arc, Set<String> trusted) {
    if (arc.status() != ArcStatus.PASS || r.fromDomain().isEmpty()) {
      return r;
    }
    String from = r.fromDomain().get().toLowerCase(Locale.ROOT);
    String org = r.organizationalDomain().orElse(from).toLowerCase(Locale.ROOT);
    List<ArcSet> sets = arc.sets();
    for (int k = sets.size() - 1; k >= 0; k--) { // the newest trusted sealer speaks first
      ArcSet s = sets.get(k);
      if (!trusted.contains(s.sealDomain().toLowerCase(Locale.ROOT))) {
        continue;
      }
      List<String> clauses = ArcHeaders.parse("x; " + s.authResults()).results();
      for (String method : PREFERENCE) { // a DMARC pass says most; report it when there is one
        String what = null;
        for (int c = 0; c < clauses.size() && what == null; c++) {
          what =
              clauses.get(c).regionMatches(true, 0, method + "=", 0, method.length() + 1)
                  ? passFor(clauses.get(c), from, org)
                  : null;
        }
        if (what != null) {
          return r.withLocalPolicyOverride(
              "arc=pass, trusted ARC sealer "
                  + s.sealDomain()
                  + " (i="
                  + s.instance()
                  + ") recorded "
                  + what);
        }
      }
    }
    return r;
  }

  /** {@code dmarc=pass header.from=...} and the like, when the clause is a pass for the author. */
  private static @Nullable String passFor(String clause, String from, String org) {
    String[] words = clause.split(" ");
    int eq = words[0].indexOf('=');
    if (eq < 0 || !words[0].substring(eq + 1).equalsIgnoreCase("pass")) {
      return null;
    }
    String method = words[0].substring(0, eq).toLowerCase(Locale.ROOT);
    String property =
        switch (method) {
          case "dmarc" -> "header.from=";
          case "dkim" -> "header.d=";
          case "spf" -> "smtp.mailfrom=";
          default -> null;
        };
    if (property == null) {
      return null;
    }
    for (String w : words) {
      if (w.regionMatches(true, 0, property, 0, property.length())) {
        String v = w.substring(property.length()).toLowerCase(Locale.ROOT);
        v = v.substring(v.lastIndexOf('@') + 1);
        boolean ok =
            method.equals("dmarc") ? v.equals(from) : v.equals(org) || v.endsWith("." + org);
        if (ok) {
          return method + "=pass " + property + v;
        }
      }
    }
    return null;
  }
}
