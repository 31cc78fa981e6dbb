package dev.mailwarden.auth.dmarc;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.Evaluation;
import dev.mailwarden.EvaluationListener;
import dev.mailwarden.MailSession;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Collects DMARC evaluations for aggregate reports (the guide's "monitor" advice): one counter per
 * (policy domain, source IP, disposition, results). Thread-safe; {@link #record} is cheap and never
 * blocks on I/O. Call {@link #drain} once per reporting period (e.g. daily) and send each report
 * with {@link AggregateReports#gzip} under {@link AggregateReports#fileName}.
 *
 * <pre>{@code
 * ReportAccumulator reports = ReportAccumulator.create();
 * MailWarden inbound = MailWarden.builder(runtime)...listener(reports.listener()).build();
 * // or by hand after each evaluation:
 * ev.result(Dmarc.KEY).ifPresent(r -> reports.record(session, r));
 * // once a day:
 * for (AggregateReport r : reports.drain(reporter, dayStart, dayEnd)) {
 *   byte[] gz = AggregateReports.gzip(r, AggregateReports.Format.RFC7489);
 *   send(AggregateReports.fileName(reporter.receiverDomain(), r), gz);
 * }
 * }</pre>
 */
public final class ReportAccumulator {

  /**
   * Who reports.
   *
   * @param orgName the organisation name in the reports
   * @param email the contact address in the reports
   * @param receiverDomain the reporting domain, used in report IDs and file names
   */
  public record Reporter(String orgName, String email, String receiverDomain) {
    public Reporter {
      requireNonNull(orgName, "orgName");
      requireNonNull(email, "email");
      requireNonNull(receiverDomain, "receiverDomain");
    }
  }

  private record Key(String policyDomain, AggregateReport.Row row) {}

  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private ConcurrentHashMap<Key, LongAdder> counts = new ConcurrentHashMap<>();
  private ConcurrentHashMap<String, AggregateReport.PolicyPublished> policies =
      new ConcurrentHashMap<>();

  private ReportAccumulator() {}

  public static ReportAccumulator create() {
    return new ReportAccumulator();
  }

  /**
   * A listener that records the DMARC result of every evaluation, for {@code
   * MailWarden.builder(runtime).listener(...)}. Cheap; never throws.
   */
  public EvaluationListener listener() {
    return new EvaluationListener() {
      @Override
      public void onEvaluationComplete(Evaluation evaluation) {
        try {
          evaluation.result(Dmarc.KEY).ifPresent(r -> record(evaluation.session(), r));
        } catch (RuntimeException e) {
          // a listener must not throw; a lost report row is the lesser harm
        }
      }

      @Override
      public String toString() {
        return "ReportAccumulator.listener";
      }
    };
  }

  /** Records one evaluation; sessions without a client IP are not recorded. */
  public void record(MailSession session, DmarcResult result) {
    requireNonNull(session, "session");
    requireNonNull(result, "result");
    session.clientIp().ifPresent(ip -> record(ip, result));
  }

  /**
   * Records one evaluation from {@code sourceIp}. Results without a policy record (none, permerror,
   * temperror) are not reported (there is no one to send them to) and are ignored.
   */
  public void record(InetAddress sourceIp, DmarcResult result) {
    requireNonNull(sourceIp, "sourceIp");
    requireNonNull(result, "result");
    if (result.record().isEmpty()
        || result.policyDomain().isEmpty()
        || result.fromDomain().isEmpty()) {
      return;
    }
    String policyDomain = result.policyDomain().get();
    DmarcInputs in = result.inputs();
    List<AggregateReport.DkimAuthResult> dkim = new ArrayList<>();
    for (DmarcInputs.DkimAuth d : in.dkim()) {
      dkim.add(
          new AggregateReport.DkimAuthResult(
              DmarcEvaluation.normalize(d.domain()), d.selector(), d.outcome().token()));
    }
    List<AggregateReport.SpfAuthResult> spf = new ArrayList<>();
    String envelopeFrom = "";
    if (in.spf().isPresent()) {
      DmarcInputs.SpfAuth s = in.spf().get();
      String domain = DmarcEvaluation.normalize(s.domain());
      spf.add(
          new AggregateReport.SpfAuthResult(
              domain, s.heloIdentity() ? "helo" : "mfrom", s.outcome().token()));
      if (!s.heloIdentity()) {
        envelopeFrom = domain;
      }
    } else {
      // both report schemas require one spf element; SPF was not evaluated
      spf.add(new AggregateReport.SpfAuthResult(result.fromDomain().get(), "mfrom", "none"));
    }
    AggregateReport.Row row =
        new AggregateReport.Row(
            sourceIp.getHostAddress(),
            0,
            result.disposition(),
            result.dkimAligned(),
            result.spfAligned(),
            // "type comment": ReportXml writes the comment after the first space as <comment>
            result
                .dispositionOverride()
                .map(o -> List.of(o + result.overrideComment().map(c -> " " + c).orElse("")))
                .orElse(List.of()),
            result.fromDomain().get(),
            envelopeFrom,
            dkim,
            spf);
    lock.readLock().lock();
    try {
      policies.put(
          policyDomain, AggregateReport.PolicyPublished.of(policyDomain, result.record().get()));
      counts.computeIfAbsent(new Key(policyDomain, row), k -> new LongAdder()).increment();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** The reports for everything recorded so far, one per policy domain, without resetting. */
  public List<AggregateReport> snapshot(Reporter reporter, Instant begin, Instant end) {
    lock.writeLock().lock();
    try {
      return build(reporter, begin, end, counts, policies);
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** The reports for everything recorded so far, and starts a new period. */
  public List<AggregateReport> drain(Reporter reporter, Instant begin, Instant end) {
    lock.writeLock().lock();
    try {
      List<AggregateReport> out = build(reporter, begin, end, counts, policies);
      counts = new ConcurrentHashMap<>();
      policies = new ConcurrentHashMap<>();
      return out;
    } finally {
      lock.writeLock().unlock();
    }
  }

  private static List<AggregateReport> build(
      Reporter reporter,
      Instant begin,
      Instant end,
      Map<Key, LongAdder> counts,
      Map<String, AggregateReport.PolicyPublished> policies) {
    requireNonNull(reporter, "reporter");
    if (end.isBefore(begin)) {
      throw new IllegalArgumentException("end " + end + " is before begin " + begin);
    }
    Map<String, List<AggregateReport.Row>> byDomain = new TreeMap<>();
    counts.forEach(
        (k, n) ->
            byDomain
                .computeIfAbsent(k.policyDomain(), d -> new ArrayList<>())
                .add(k.row().withCount(n.sum())));
    List<AggregateReport> out = new ArrayList<>();
    byDomain.forEach(
        (domain, rows) -> {
          rows.sort(
              Comparator.comparingLong(AggregateReport.Row::count)
                  .reversed()
                  .thenComparing(AggregateReport.Row::sourceIp)
                  .thenComparing(r -> r.disposition().ordinal()));
          String id =
              domain
                  + "."
                  + begin.getEpochSecond()
                  + "."
                  + end.getEpochSecond()
                  + "@"
                  + reporter.receiverDomain();
          AggregateReport.Metadata meta =
              new AggregateReport.Metadata(
                  reporter.orgName(), reporter.email(), id, begin, end, List.of());
          out.add(new AggregateReport(meta, policies.get(domain), rows));
        });
    return out;
  }

  @Override
  public String toString() {
    return "ReportAccumulator[" + counts.size() + " rows]";
  }
}
