package dev.mailwarden.auth.dmarc;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One DMARC aggregate report (RFC 7489 §7.2 and Appendix C; RFC 9990): who reports, the policy
 * published by one domain, and one row per (source IP, disposition, results) with a message count.
 * Produced by {@link ReportAccumulator}, rendered and parsed by {@link AggregateReports}.
 *
 * @param metadata who reports and for which period
 * @param policy the policy published by the domain the report is about
 * @param rows the records, in a stable order
 */
public record AggregateReport(Metadata metadata, PolicyPublished policy, List<Row> rows) {
  public AggregateReport {
    requireNonNull(metadata, "metadata");
    requireNonNull(policy, "policy");
    rows = List.copyOf(rows);
  }

  /** The total number of messages in the report. */
  public long messageCount() {
    return rows.stream().mapToLong(Row::count).sum();
  }

  /**
   * {@code report_metadata}.
   *
   * @param orgName the reporting organisation
   * @param email its contact address
   * @param reportId unique per report from this reporter
   * @param begin start of the period (inclusive)
   * @param end end of the period
   * @param errors errors met while producing the report; usually empty
   */
  public record Metadata(
      String orgName,
      String email,
      String reportId,
      Instant begin,
      Instant end,
      List<String> errors) {
    public Metadata {
      requireNonNull(orgName, "orgName");
      requireNonNull(email, "email");
      requireNonNull(reportId, "reportId");
      requireNonNull(begin, "begin");
      requireNonNull(end, "end");
      errors = List.copyOf(errors);
    }
  }

  /**
   * {@code policy_published}: the record as the reporter saw it.
   *
   * @param domain the policy domain
   * @param dkimAlignment {@code adkim}
   * @param spfAlignment {@code aspf}
   * @param policy {@code p}
   * @param subdomainPolicy {@code sp}, null when not published
   * @param nonExistentPolicy {@code np} (RFC 9989), null when not published
   * @param percent {@code pct} (RFC 7489)
   * @param testing {@code t=y} (RFC 9989)
   * @param failureOptions {@code fo}
   */
  public record PolicyPublished(
      String domain,
      Alignment dkimAlignment,
      Alignment spfAlignment,
      Policy policy,
      @Nullable Policy subdomainPolicy,
      @Nullable Policy nonExistentPolicy,
      int percent,
      boolean testing,
      String failureOptions) {
    public PolicyPublished {
      requireNonNull(domain, "domain");
      requireNonNull(dkimAlignment, "dkimAlignment");
      requireNonNull(spfAlignment, "spfAlignment");
      requireNonNull(policy, "policy");
      requireNonNull(failureOptions, "failureOptions");
    }

    /** The published policy of a parsed record. */
    public static PolicyPublished of(String domain, DmarcRecord r) {
      return new PolicyPublished(
          domain,
          r.dkimAlignment(),
          r.spfAlignment(),
          r.policy(),
          r.subdomainPolicy().orElse(null),
          r.nonExistentPolicy().orElse(null),
          r.percent(),
          r.testing(),
          r.failureOptions());
    }
  }

  /**
   * One {@code record}: a group of messages that share source, disposition and results.
   *
   * @param sourceIp the sending IP address, as text
   * @param count how many messages
   * @param disposition what the receiver applied
   * @param dkimAligned {@code policy_evaluated/dkim}: pass when an aligned DKIM signature passed
   * @param spfAligned {@code policy_evaluated/spf}: pass when SPF passed and aligned
   * @param overrides {@code policy_evaluated/reason/type} values (e.g. {@code sampled_out}), each
   *     optionally followed by a space and the reason's {@code comment}
   * @param headerFrom the From domain
   * @param envelopeFrom the MAIL FROM domain, empty when unknown
   * @param dkim every DKIM result
   * @param spf the SPF results
   */
  public record Row(
      String sourceIp,
      long count,
      Policy disposition,
      boolean dkimAligned,
      boolean spfAligned,
      List<String> overrides,
      String headerFrom,
      String envelopeFrom,
      List<DkimAuthResult> dkim,
      List<SpfAuthResult> spf) {
    public Row {
      requireNonNull(sourceIp, "sourceIp");
      requireNonNull(disposition, "disposition");
      requireNonNull(headerFrom, "headerFrom");
      requireNonNull(envelopeFrom, "envelopeFrom");
      if (count < 0) {
        throw new IllegalArgumentException("negative count: " + count);
      }
      overrides = List.copyOf(overrides);
      dkim = List.copyOf(dkim);
      spf = List.copyOf(spf);
    }

    /** DMARC passed for these messages: DKIM or SPF aligned. */
    public boolean dmarcPass() {
      return dkimAligned || spfAligned;
    }

    /** The same row with another count. */
    public Row withCount(long newCount) {
      return new Row(
          sourceIp,
          newCount,
          disposition,
          dkimAligned,
          spfAligned,
          overrides,
          headerFrom,
          envelopeFrom,
          dkim,
          spf);
    }
  }

  /** {@code auth_results/dkim}: domain, selector and result word (e.g. {@code pass}). */
  public record DkimAuthResult(String domain, String selector, String result) {
    public DkimAuthResult {
      requireNonNull(domain, "domain");
      requireNonNull(selector, "selector");
      requireNonNull(result, "result");
    }
  }

  /** {@code auth_results/spf}: domain, scope ({@code mfrom} or {@code helo}) and result word. */
  public record SpfAuthResult(String domain, String scope, String result) {
    public SpfAuthResult {
      requireNonNull(domain, "domain");
      requireNonNull(scope, "scope");
      requireNonNull(result, "result");
    }
  }
}
