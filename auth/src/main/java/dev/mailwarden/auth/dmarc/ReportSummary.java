package dev.mailwarden.auth.dmarc;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Received aggregate reports summarised per source IP: messages, DMARC pass/fail and dispositions.
 * {@link #render()} is the text the CLI prints.
 */
public final class ReportSummary {

  /**
   * One source IP across all reports.
   *
   * @param sourceIp the sending address
   * @param messages total messages
   * @param dmarcPass messages where DKIM or SPF aligned
   * @param dmarcFail the others
   * @param dispositions messages per disposition applied
   * @param headerFroms the From domains seen, sorted
   */
  public record SourceRow(
      String sourceIp,
      long messages,
      long dmarcPass,
      long dmarcFail,
      Map<Policy, Long> dispositions,
      Set<String> headerFroms) {
    public SourceRow {
      requireNonNull(sourceIp, "sourceIp");
      dispositions = Collections.unmodifiableMap(new EnumMap<>(dispositions));
      headerFroms = Collections.unmodifiableSet(new TreeSet<>(headerFroms));
    }
  }

  private final int reportCount;
  private final List<SourceRow> sources;
  private final List<String> problems;

  private ReportSummary(int reportCount, List<SourceRow> sources, List<String> problems) {
    this.reportCount = reportCount;
    this.sources = List.copyOf(sources);
    this.problems = List.copyOf(problems);
  }

  /** Summarises {@code reports}; {@code problems} lists inputs that could not be read. */
  public static ReportSummary of(Collection<AggregateReport> reports, List<String> problems) {
    Map<String, long[]> counts = new LinkedHashMap<>(); // messages, pass, fail
    Map<String, EnumMap<Policy, Long>> dispositions = new LinkedHashMap<>();
    Map<String, Set<String>> froms = new LinkedHashMap<>();
    for (AggregateReport r : reports) {
      for (AggregateReport.Row row : r.rows()) {
        long[] c = counts.computeIfAbsent(row.sourceIp(), k -> new long[3]);
        c[0] += row.count();
        c[row.dmarcPass() ? 1 : 2] += row.count();
        dispositions
            .computeIfAbsent(row.sourceIp(), k -> new EnumMap<>(Policy.class))
            .merge(row.disposition(), row.count(), Long::sum);
        froms.computeIfAbsent(row.sourceIp(), k -> new TreeSet<>()).add(row.headerFrom());
      }
    }
    List<SourceRow> rows = new ArrayList<>();
    counts.forEach(
        (ip, c) ->
            rows.add(new SourceRow(ip, c[0], c[1], c[2], dispositions.get(ip), froms.get(ip))));
    rows.sort(
        Comparator.comparingLong(SourceRow::messages)
            .reversed()
            .thenComparing(SourceRow::sourceIp));
    return new ReportSummary(reports.size(), rows, problems);
  }

  /** How many reports were summarised. */
  public int reportCount() {
    return reportCount;
  }

  /** One row per source IP, most messages first. */
  public List<SourceRow> sources() {
    return sources;
  }

  /** Inputs that could not be read, with the reason. */
  public List<String> problems() {
    return problems;
  }

  /** Total messages over all sources. */
  public long messageCount() {
    return sources.stream().mapToLong(SourceRow::messages).sum();
  }

  /** A fixed-width text table, one line per source IP, then any problems. */
  public String render() {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            "%d report(s), %d message(s), %d source IP(s)%n",
            reportCount, messageCount(), sources.size()));
    b.append(
        String.format(
            "%-39s %9s %9s %9s %9s %11s %9s  %s%n",
            "source_ip",
            "messages",
            "pass",
            "fail",
            "none",
            "quarantine",
            "reject",
            "header_from"));
    for (SourceRow r : sources) {
      b.append(
          String.format(
              "%-39s %9d %9d %9d %9d %11d %9d  %s%n",
              clean(r.sourceIp()),
              r.messages(),
              r.dmarcPass(),
              r.dmarcFail(),
              r.dispositions().getOrDefault(Policy.NONE, 0L),
              r.dispositions().getOrDefault(Policy.QUARANTINE, 0L),
              r.dispositions().getOrDefault(Policy.REJECT, 0L),
              clean(String.join(",", r.headerFroms()))));
    }
    for (String p : problems) {
      b.append("skipped ").append(clean(p)).append(System.lineSeparator());
    }
    return b.toString();
  }

  /** Report content is untrusted: no control characters reach the terminal. */
  private static String clean(String s) {
    return dev.mailwarden.SmtpReply.sanitize(s, 400);
  }

  @Override
  public String toString() {
    return "ReportSummary["
        + reportCount
        + " reports, "
        + sources.size()
        + " sources, "
        + problems.size()
        + " problems]";
  }
}
