package dev.mailwarden.dnsbl;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.CheckResult;
import dev.mailwarden.Outcome;
import dev.mailwarden.SmtpReply;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The result of a DNS-list check: one {@link ListResult} per list and subject, and the outcome they
 * add up to.
 *
 * <p>Outcome mapping: a blocklist listing gives {@link Outcome#FAIL}; otherwise an allowlist
 * listing gives {@link Outcome#PASS}; otherwise any list error (including a skipped unhealthy list)
 * gives {@link Outcome#TEMPERROR}; otherwise {@link Outcome#NONE}. An error is never a listing;
 * each error is also reported to the listener as a {@link ListErrorEvent}. What the listings score
 * is decided at registration ({@link DnsblWeights}); {@link #smtpReply()} is a 550 5.7.1 naming the
 * first listing blocklist and its sanitized TXT reason.
 */
public final class DnsblResult implements CheckResult {
  private final Outcome outcome;
  private final String reason;
  private final List<ListResult> lists;
  private final Map<String, String> details;
  private final Optional<SmtpReply> reply;

  private DnsblResult(Outcome outcome, String reason, List<ListResult> lists) {
    this.outcome = outcome;
    this.reason = reason;
    this.lists = List.copyOf(lists);
    this.details = buildDetails(this.lists);
    this.reply = buildReply(outcome, this.lists);
  }

  /** The result of these list answers, with the outcome mapping described above. */
  static DnsblResult of(List<ListResult> lists) {
    requireNonNull(lists, "lists");
    ListResult block = null;
    ListResult allow = null;
    ListResult error = null;
    int errors = 0;
    for (ListResult r : lists) {
      if (r.isListed()) {
        if (!r.allowlist() && block == null) {
          block = r;
        } else if (r.allowlist() && allow == null) {
          allow = r;
        }
      } else if (r.isError()) {
        errors++;
        if (error == null) {
          error = r;
        }
      }
    }
    Outcome outcome;
    String reason;
    if (block != null) {
      outcome = Outcome.FAIL;
      reason = describeListing(block, "listed in");
    } else if (allow != null) {
      outcome = Outcome.PASS;
      reason = describeListing(allow, "allowlisted by");
    } else if (error != null) {
      outcome = Outcome.TEMPERROR;
      reason =
          error.list()
              + " "
              + error.error().orElseThrow().name().toLowerCase(java.util.Locale.ROOT)
              + ": "
              + error.detail()
              + (errors > 1 ? " (and " + (errors - 1) + " more list errors)" : "");
    } else if (lists.isEmpty()) {
      outcome = Outcome.NONE;
      reason = "nothing to look up";
    } else {
      outcome = Outcome.NONE;
      reason =
          lists.size() == 1
              ? lists.get(0).subject() + " not listed in " + lists.get(0).list()
              : "not listed in any of " + lists.size() + " list lookups";
    }
    return new DnsblResult(outcome, reason, lists);
  }

  /** A temperror result with no list answers (the check failed or missed the deadline). */
  public static DnsblResult temperror(String reason) {
    return new DnsblResult(Outcome.TEMPERROR, requireNonNull(reason, "reason"), List.of());
  }

  /** A result that looked nothing up, with a reason (e.g. no usable domain). */
  public static DnsblResult none(String reason) {
    return new DnsblResult(Outcome.NONE, requireNonNull(reason, "reason"), List.of());
  }

  private static String describeListing(ListResult r, String verb) {
    StringBuilder b = new StringBuilder(r.subject());
    if (!r.source().equals("ip")) {
      b.append(" (").append(r.source()).append(')');
    }
    b.append(' ')
        .append(verb)
        .append(' ')
        .append(shownName(r))
        .append(' ')
        .append(String.join(",", r.codes()));
    if (!r.categories().isEmpty()) {
      b.append(" (").append(String.join(",", r.categories())).append(')');
    }
    return b.toString();
  }

  /** The list's name without a postscreen filter suffix (a reply reads better without it). */
  private static String shownName(ListResult r) {
    int eq = r.list().indexOf('=');
    return eq > 0 ? r.list().substring(0, eq) : r.list();
  }

  private static Map<String, String> buildDetails(List<ListResult> lists) {
    Map<String, String> d = new LinkedHashMap<>();
    for (ListResult r : lists) {
      String p = r.source().equals("ip") ? r.list() : r.list() + "[" + r.subject() + "]";
      d.put(p + ".zone", r.zone());
      if (!r.query().isEmpty()) {
        d.put(p + ".query", r.query());
      }
      d.put(p + ".status", r.status().name());
      if (!r.codes().isEmpty()) {
        d.put(p + ".codes", String.join(",", r.codes()));
      }
      if (!r.categories().isEmpty()) {
        d.put(p + ".categories", String.join(",", r.categories()));
      }
      r.error().ifPresent(e -> d.put(p + ".error", e.name()));
      if (r.isError()) {
        d.put(p + ".detail", r.detail());
      }
      r.reason().ifPresent(t -> d.put(p + ".reason", t));
    }
    return Collections.unmodifiableMap(d);
  }

  private static Optional<SmtpReply> buildReply(Outcome outcome, List<ListResult> lists) {
    if (outcome != Outcome.FAIL) {
      return Optional.empty();
    }
    for (ListResult r : lists) {
      if (r.isListed() && !r.allowlist()) {
        StringBuilder b = new StringBuilder();
        if (r.source().equals("ip")) {
          b.append("Service unavailable; client [").append(r.subject()).append("] blocked using ");
        } else {
          b.append("Service unavailable; ")
              .append(r.source())
              .append(" domain ")
              .append(r.subject())
              .append(" blocked using ");
        }
        b.append(shownName(r));
        if (!r.categories().isEmpty()) {
          b.append(" (").append(String.join(",", r.categories())).append(')');
        }
        r.reason().ifPresent(t -> b.append("; ").append(t));
        return Optional.of(SmtpReply.of(550, "5.7.1", b.toString()));
      }
    }
    return Optional.empty();
  }

  @Override
  public Outcome outcome() {
    return outcome;
  }

  @Override
  public String reason() {
    return reason;
  }

  /** Every list answer, in list order (and, for domain lists, subject order). */
  public List<ListResult> lists() {
    return lists;
  }

  /** The listings only. */
  public List<ListResult> listings() {
    List<ListResult> out = new ArrayList<>();
    for (ListResult r : lists) {
      if (r.isListed()) {
        out.add(r);
      }
    }
    return out;
  }

  /** The answers with errors only. */
  public List<ListResult> errors() {
    List<ListResult> out = new ArrayList<>();
    for (ListResult r : lists) {
      if (r.isError()) {
        out.add(r);
      }
    }
    return out;
  }

  /** Per list: {@code <list>.zone}, {@code .query}, {@code .status}, {@code .codes}, ... */
  @Override
  public Map<String, String> details() {
    return details;
  }

  @Override
  public Optional<SmtpReply> smtpReply() {
    return reply;
  }

  /**
   * For the decision line: {@code dnsbl_hit=<zone>:<codes>} per blocklist listing, {@code
   * dnswl_hit=<zone>:<codes>} per allowlist listing, {@code dnsbl_error=<zone>} per list in ERROR;
   * each once per zone and codes. Zones only (DQS key redacted), never the subject.
   */
  @Override
  public List<Map.Entry<String, String>> logFields() {
    if (lists.isEmpty()) {
      return List.of();
    }
    List<Map.Entry<String, String>> out = new ArrayList<>();
    for (ListResult r : lists) {
      Map.Entry<String, String> f;
      if (r.isListed()) {
        f =
            Map.entry(
                r.allowlist() ? "dnswl_hit" : "dnsbl_hit",
                r.zone() + ":" + String.join(",", r.codes()));
      } else if (r.isError()) {
        f = Map.entry("dnsbl_error", r.zone());
      } else {
        continue;
      }
      if (!out.contains(f)) {
        out.add(f);
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return outcome.token() + " (" + reason + ")";
  }
}
