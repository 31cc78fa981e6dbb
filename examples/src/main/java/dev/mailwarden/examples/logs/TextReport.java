package dev.mailwarden.examples.logs;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The report as plain text for a terminal. */
public final class TextReport {
  private TextReport() {}

  /** Writes the report; lists are cut at {@code top} entries (0: all). */
  public static void write(LogReport r, int top, PrintWriter out) {
    LogReport.Totals t = r.totals();
    out.println("Grand totals (counted as pflogsumm 1.1.5 counts)");
    out.println("messages");
    line(out, t.received(), "received");
    line(out, t.delivered(), "delivered");
    line(out, t.forwarded(), "forwarded");
    line(out, t.deferred(), "deferred");
    line(out, t.bounced(), "bounced");
    line(out, t.rejected(), "rejected");
    line(out, t.rejectWarnings(), "reject warnings");
    line(out, t.held(), "held");
    line(out, t.discarded(), "discarded");
    out.println();
    line(out, t.bytesReceived(), "bytes received");
    line(out, t.bytesDelivered(), "bytes delivered");
    line(out, t.senders(), "senders");
    line(out, t.sendingHosts(), "sending hosts/domains");
    line(out, t.recipients(), "recipients");
    line(out, t.recipientHosts(), "recipient hosts/domains");

    title(out, "Per-hour traffic (summed over " + r.days() + (r.days() == 1 ? " day)" : " days)"));
    out.println("  hour        received  delivered   deferred    bounced   rejected");
    for (LogReport.Hour h : r.hourly()) {
      out.printf(
          Locale.ROOT,
          "  %02d00-%02d00 %10d %10d %10d %10d %10d%n",
          h.hour(),
          h.hour() + 1,
          h.received(),
          h.delivered(),
          h.deferred(),
          h.bounced(),
          h.rejected());
    }

    title(out, "Rejects by reason");
    counts(out, r.rejects(), top);

    title(out, "Top senders");
    for (LogReport.Count c : cut(r.topSenders(), top)) {
      line(out, c.count(), c.key());
    }

    title(out, "SASL users");
    if (r.saslUsers().isEmpty()) {
      out.println("  none");
    }
    for (LogReport.SaslUser u : cut(r.saslUsers(), top)) {
      out.printf(
          Locale.ROOT,
          "  %-30s %6d messages %6d recipients %4d client IPs %5.1f%% rejected remotely%s%n",
          u.user(),
          u.messages(),
          u.recipients(),
          u.clientIps(),
          100 * u.remoteRejectedShare(),
          u.flags().isEmpty() ? "" : "  ALARM");
      for (LogReport.Flag f : u.flags()) {
        out.println("      " + f.kind() + ": " + f.reason());
        for (String l : f.lines()) {
          out.println("        " + l);
        }
      }
    }

    title(out, "SASL authentication failures by client IP");
    if (r.authFailures().isEmpty()) {
      out.println("  none");
    }
    for (LogReport.Count c : cut(r.authFailures(), top)) {
      line(out, c.count(), c.key());
    }

    title(out, "Remote servers saying we are listed");
    if (r.listed().isEmpty()) {
      out.println("  none");
    }
    for (LogReport.Listed l : cut(r.listed(), top)) {
      out.printf(Locale.ROOT, "  %6d  %s at %s: %s%n", l.count(), l.listed(), l.relay(), l.reply());
    }

    LogReport.Decisions d = r.decisions();
    title(out, "mailwarden decisions");
    if (d.lines() == 0) {
      out.println("  no decision lines");
    } else {
      line(out, d.lines(), "evaluations");
      d.verdicts().forEach((v, n) -> line(out, n, "verdict " + v));
      d.checks()
          .forEach(
              (check, outcomes) -> {
                long total = outcomes.values().stream().mapToLong(Long::longValue).sum();
                StringBuilder sb = new StringBuilder();
                outcomes.forEach(
                    (o, n) ->
                        sb.append(String.format(Locale.ROOT, " %s %.1f%%", o, 100.0 * n / total)));
                out.println("  check " + check + ":" + sb);
              });
      d.dnsblErrors().forEach((zone, n) -> line(out, n, "DNS list in ERROR: " + zone));
      out.printf(
          Locale.ROOT,
          "  %.1f ms and %.1f DNS queries per evaluation on average%n",
          d.averageElapsedMs(),
          d.averageDnsQueries());
    }
    if (r.caps().any()) {
      LogReport.CapsHit c = r.caps();
      title(out, "Caps reached (some numbers are lower bounds or approximate)");
      out.printf(
          Locale.ROOT,
          "  truncated lines %d, queue ids forgotten %d, users not tracked %d, capped %s, approximate %s%n",
          c.truncatedLines(),
          c.queueIdsForgotten(),
          c.usersNotTracked(),
          c.distinctTablesCapped(),
          c.approximateTables());
    }
    out.flush();
  }

  private static void counts(PrintWriter out, Map<String, Long> m, int top) {
    if (m.isEmpty()) {
      out.println("  none");
    }
    int i = 0;
    for (Map.Entry<String, Long> e : m.entrySet()) {
      if (top > 0 && i++ >= top) {
        break;
      }
      line(out, e.getValue(), e.getKey());
    }
  }

  private static <T> List<T> cut(List<T> list, int top) {
    return top > 0 && list.size() > top ? list.subList(0, top) : list;
  }

  private static void line(PrintWriter out, long n, String what) {
    out.printf(Locale.ROOT, "  %8d  %s%n", n, what);
  }

  private static void title(PrintWriter out, String title) {
    out.println();
    out.println(title);
  }
}
