package dev.mailwarden.examples.logs;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report as one self-contained HTML page: charts are inline SVG, styles inline, no script, and
 * a Content-Security-Policy that forbids every fetch, so it opens the same without network. Every
 * text from the log is escaped.
 */
public final class HtmlReport {
  private static final String RECEIVED = "#3b6ea5";
  private static final String DELIVERED = "#4d9a5b";
  private static final String REJECTED = "#c0504d";

  private HtmlReport() {}

  /** The page; lists are cut at {@code top} entries (0: all, charts show at most 15 bars). */
  public static String render(LogReport r, int top) {
    StringBuilder h = new StringBuilder(32 * 1024);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
        .append(
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n")
        .append("<title>mailwarden logs report</title>\n<style>\n")
        .append("body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1100px}")
        .append("h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}")
        .append(
            "table{border-collapse:collapse;font-size:13px}td,th{padding:3px 10px;text-align:left;border-bottom:1px solid #eee}")
        .append(
            "td.n{text-align:right;font-variant-numeric:tabular-nums}.grid{display:flex;flex-wrap:wrap;gap:12px}")
        .append(
            ".card{border:1px solid #ddd;border-radius:6px;padding:8px 14px;min-width:120px}.card b{display:block;font-size:20px}")
        .append(
            ".alarm{color:#b00;font-weight:bold}.card.alarm{border-color:#b00;background:#fff4f4}code{font-size:11px;color:#555;word-break:break-all}svg text{font-size:11px;fill:#333}")
        .append("\n</style></head><body>\n<h1>mailwarden logs report</h1>\n");
    LogReport.Input in = r.input();
    h.append("<p>")
        .append(esc(String.join(", ", in.files())))
        .append(": ")
        .append(in.lines())
        .append(" lines, ")
        .append(in.bytes())
        .append(" bytes, ")
        .append(r.days())
        .append(r.days() == 1 ? " day" : " days")
        .append(".</p>\n");

    long flagged = r.saslUsers().stream().filter(u -> !u.flags().isEmpty()).count();
    long errors = r.decisions().dnsblErrors().values().stream().mapToLong(Long::longValue).sum();
    h.append("<div class=\"grid\" id=\"alarms\">");
    alarm(h, "SASL users flagged", flagged);
    alarm(h, "IPs guessing passwords", r.authFailures().size());
    alarm(
        h,
        "remote replies saying we are listed",
        r.listed().stream().mapToLong(LogReport.Listed::count).sum());
    alarm(h, "DNS list errors", errors);
    h.append("</div>\n");

    LogReport.Totals t = r.totals();
    h.append("<h2>Grand totals</h2>\n<div class=\"grid\" id=\"totals\">");
    card(h, "received", t.received());
    card(h, "delivered", t.delivered());
    card(h, "forwarded", t.forwarded());
    card(h, "deferred", t.deferred());
    card(h, "bounced", t.bounced());
    card(h, "rejected", t.rejected());
    card(h, "reject warnings", t.rejectWarnings());
    card(h, "held", t.held());
    card(h, "discarded", t.discarded());
    card(h, "bytes received", t.bytesReceived());
    card(h, "bytes delivered", t.bytesDelivered());
    card(h, "senders", t.senders());
    card(h, "sending hosts/domains", t.sendingHosts());
    card(h, "recipients", t.recipients());
    card(h, "recipient hosts/domains", t.recipientHosts());
    h.append("</div>\n");

    h.append("<h2>Traffic per hour</h2>\n");
    hourlyChart(h, r.hourly());

    h.append("<h2>Rejects by reason</h2>\n");
    List<String[]> reasons = new ArrayList<>();
    for (Map.Entry<String, Long> e : r.rejects().entrySet()) {
      reasons.add(new String[] {e.getKey(), Long.toString(e.getValue())});
    }
    barChart(h, "rejects-chart", "Rejects by reason", reasons, REJECTED);

    h.append("<h2>Top senders</h2>\n");
    List<String[]> senders = new ArrayList<>();
    for (LogReport.Count c : r.topSenders()) {
      senders.add(new String[] {c.key(), Long.toString(c.count())});
    }
    barChart(h, "senders-chart", "Top senders by messages", senders, RECEIVED);

    h.append("<h2>SASL users</h2>\n");
    if (r.saslUsers().isEmpty()) {
      h.append("<p>No authenticated submissions.</p>\n");
    } else {
      h.append(
              "<table id=\"sasl-users\"><tr><th>user</th><th>messages</th><th>recipients</th><th>client IPs</th>")
          .append("<th>rejected remotely</th><th>alarm</th></tr>\n");
      for (LogReport.SaslUser u : cut(r.saslUsers(), top)) {
        h.append("<tr><td>")
            .append(esc(u.user()))
            .append("</td><td class=\"n\">")
            .append(u.messages())
            .append("</td><td class=\"n\">")
            .append(u.recipients())
            .append("</td><td class=\"n\">")
            .append(u.clientIps())
            .append("</td><td class=\"n\">")
            .append(String.format(Locale.ROOT, "%.1f%%", 100 * u.remoteRejectedShare()))
            .append("</td><td>");
        for (LogReport.Flag f : u.flags()) {
          h.append("<div class=\"alarm\">")
              .append(esc(f.kind()))
              .append(": ")
              .append(esc(f.reason()))
              .append("</div>");
          for (String l : f.lines()) {
            h.append("<code>").append(esc(l)).append("</code><br>");
          }
        }
        h.append("</td></tr>\n");
      }
      h.append("</table>\n");
    }

    h.append("<h2>SASL authentication failures by client IP</h2>\n");
    countTable(h, "auth-failures", "client IP", "failures", cut(r.authFailures(), top));

    h.append("<h2>Remote servers saying we are listed</h2>\n");
    if (r.listed().isEmpty()) {
      h.append("<p>None.</p>\n");
    } else {
      h.append(
          "<table id=\"listed\"><tr><th>listed</th><th>remote</th><th>count</th><th>reply</th></tr>\n");
      for (LogReport.Listed l : cut(r.listed(), top)) {
        h.append("<tr><td>")
            .append(esc(l.listed()))
            .append("</td><td>")
            .append(esc(l.relay()))
            .append("</td><td class=\"n\">")
            .append(l.count())
            .append("</td><td><code>")
            .append(esc(l.reply()))
            .append("</code></td></tr>\n");
      }
      h.append("</table>\n");
    }

    LogReport.Decisions d = r.decisions();
    h.append("<h2>mailwarden decisions</h2>\n");
    if (d.lines() == 0) {
      h.append("<p>No decision lines.</p>\n");
    } else {
      h.append("<table id=\"decisions\"><tr><th>what</th><th>count</th></tr>\n");
      h.append("<tr><td>evaluations</td><td class=\"n\">").append(d.lines()).append("</td></tr>\n");
      d.verdicts()
          .forEach(
              (v, n) ->
                  h.append("<tr><td>verdict ")
                      .append(esc(v))
                      .append("</td><td class=\"n\">")
                      .append(n)
                      .append("</td></tr>\n"));
      d.checks()
          .forEach(
              (c, outcomes) ->
                  outcomes.forEach(
                      (o, n) ->
                          h.append("<tr><td>check ")
                              .append(esc(c))
                              .append(' ')
                              .append(esc(o))
                              .append("</td><td class=\"n\">")
                              .append(n)
                              .append("</td></tr>\n")));
      d.dnsblErrors()
          .forEach(
              (z, n) ->
                  h.append("<tr><td class=\"alarm\">DNS list in ERROR: ")
                      .append(esc(z))
                      .append("</td><td class=\"n\">")
                      .append(n)
                      .append("</td></tr>\n"));
      h.append("</table>\n");
    }
    if (r.caps().any()) {
      LogReport.CapsHit c = r.caps();
      h.append("<p class=\"alarm\">Caps reached: ")
          .append(c.truncatedLines())
          .append(" truncated lines, ")
          .append(c.queueIdsForgotten())
          .append(" queue ids forgotten, lower bounds: ")
          .append(esc(String.join(", ", c.distinctTablesCapped())))
          .append("; approximate: ")
          .append(esc(String.join(", ", c.approximateTables())))
          .append(".</p>\n");
    }
    h.append("</body></html>\n");
    return h.toString();
  }

  private static void alarm(StringBuilder h, String label, long value) {
    h.append("<div class=\"card")
        .append(value > 0 ? " alarm" : "")
        .append("\"><b>")
        .append(value)
        .append("</b>")
        .append(esc(label))
        .append("</div>");
  }

  private static void card(StringBuilder h, String label, long value) {
    h.append("<div class=\"card\"><b>")
        .append(value)
        .append("</b>")
        .append(esc(label))
        .append("</div>");
  }

  private static void hourlyChart(StringBuilder h, List<LogReport.Hour> hours) {
    int width = 960;
    int height = 260;
    int left = 48;
    int bottom = 30;
    int plotH = height - bottom - 20;
    long max = 1;
    for (LogReport.Hour x : hours) {
      max = Math.max(max, Math.max(x.received(), Math.max(x.delivered(), x.rejected())));
    }
    double groupW = (width - left - 10) / 24.0;
    double barW = groupW / 4;
    h.append("<svg id=\"hourly-chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(width)
        .append("\" height=\"")
        .append(height)
        .append("\" role=\"img\" aria-label=\"Traffic per hour\">\n");
    // axis with the maximum
    h.append("<line x1=\"")
        .append(left)
        .append("\" y1=\"20\" x2=\"")
        .append(left)
        .append("\" y2=\"")
        .append(height - bottom)
        .append("\" stroke=\"#999\"/>");
    h.append("<line x1=\"")
        .append(left)
        .append("\" y1=\"")
        .append(height - bottom)
        .append("\" x2=\"")
        .append(width - 10)
        .append("\" y2=\"")
        .append(height - bottom)
        .append("\" stroke=\"#999\"/>");
    h.append("<text x=\"")
        .append(left - 6)
        .append("\" y=\"24\" text-anchor=\"end\">")
        .append(max)
        .append("</text>");
    h.append("<text x=\"")
        .append(left - 6)
        .append("\" y=\"")
        .append(height - bottom)
        .append("\" text-anchor=\"end\">0</text>\n");
    for (LogReport.Hour x : hours) {
      double gx = left + 4 + x.hour() * groupW;
      bar(
          h,
          gx,
          barW,
          x.received(),
          max,
          plotH,
          height - bottom,
          RECEIVED,
          x.hour() + ":00 received");
      bar(
          h,
          gx + barW,
          barW,
          x.delivered(),
          max,
          plotH,
          height - bottom,
          DELIVERED,
          x.hour() + ":00 delivered");
      bar(
          h,
          gx + 2 * barW,
          barW,
          x.rejected(),
          max,
          plotH,
          height - bottom,
          REJECTED,
          x.hour() + ":00 rejected");
      h.append("<text x=\"")
          .append(fmt(gx + 1.5 * barW))
          .append("\" y=\"")
          .append(height - bottom + 14)
          .append("\" text-anchor=\"middle\">")
          .append(String.format(Locale.ROOT, "%02d", x.hour()))
          .append("</text>\n");
    }
    legend(
        h,
        width - 300,
        12,
        new String[] {"received", "delivered", "rejected"},
        new String[] {RECEIVED, DELIVERED, REJECTED});
    h.append("</svg>\n");
  }

  private static void bar(
      StringBuilder h,
      double x,
      double w,
      long v,
      long max,
      int plotH,
      int baseY,
      String color,
      String title) {
    double bh = (double) v / max * plotH;
    h.append("<rect class=\"bar\" x=\"")
        .append(fmt(x))
        .append("\" y=\"")
        .append(fmt(baseY - bh))
        .append("\" width=\"")
        .append(fmt(w))
        .append("\" height=\"")
        .append(fmt(bh))
        .append("\" fill=\"")
        .append(color)
        .append("\" data-value=\"")
        .append(v)
        .append("\"><title>")
        .append(esc(title))
        .append(": ")
        .append(v)
        .append("</title></rect>");
  }

  private static void legend(StringBuilder h, int x, int y, String[] names, String[] colors) {
    for (int i = 0; i < names.length; i++) {
      h.append("<rect x=\"")
          .append(x + i * 100)
          .append("\" y=\"")
          .append(y - 9)
          .append("\" width=\"10\" height=\"10\" fill=\"")
          .append(colors[i])
          .append("\"/><text x=\"")
          .append(x + i * 100 + 14)
          .append("\" y=\"")
          .append(y)
          .append("\">")
          .append(names[i])
          .append("</text>");
    }
    h.append('\n');
  }

  /** Horizontal bars, label left, value right of the bar. */
  private static void barChart(
      StringBuilder h, String id, String label, List<String[]> rows, String color) {
    if (rows.isEmpty()) {
      h.append("<p>None.</p>\n");
      return;
    }
    List<String[]> shown = rows.size() > 15 ? rows.subList(0, 15) : rows;
    long max = 1;
    for (String[] row : shown) {
      max = Math.max(max, Long.parseLong(row[1]));
    }
    int rowH = 22;
    int labelW = 330;
    int barMax = 520;
    int height = shown.size() * rowH + 10;
    h.append("<svg id=\"")
        .append(id)
        .append("\" xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(labelW + barMax + 80)
        .append("\" height=\"")
        .append(height)
        .append("\" role=\"img\" aria-label=\"")
        .append(esc(label))
        .append("\">\n");
    int y = 5;
    for (String[] row : shown) {
      long v = Long.parseLong(row[1]);
      double w = Math.max(1, (double) v / max * barMax);
      String name = row[0].length() > 52 ? row[0].substring(0, 50) + "…" : row[0];
      h.append("<text x=\"")
          .append(labelW - 8)
          .append("\" y=\"")
          .append(y + 15)
          .append("\" text-anchor=\"end\">")
          .append(esc(name))
          .append("</text>");
      h.append("<rect class=\"bar\" x=\"")
          .append(labelW)
          .append("\" y=\"")
          .append(y + 3)
          .append("\" width=\"")
          .append(fmt(w))
          .append("\" height=\"16\" fill=\"")
          .append(color)
          .append("\" data-value=\"")
          .append(v)
          .append("\"><title>")
          .append(esc(row[0]))
          .append(": ")
          .append(v)
          .append("</title></rect>");
      h.append("<text x=\"")
          .append(fmt(labelW + w + 6))
          .append("\" y=\"")
          .append(y + 15)
          .append("\">")
          .append(v)
          .append("</text>\n");
      y += rowH;
    }
    h.append("</svg>\n");
  }

  private static void countTable(
      StringBuilder h, String id, String keyName, String countName, List<LogReport.Count> rows) {
    if (rows.isEmpty()) {
      h.append("<p>None.</p>\n");
      return;
    }
    h.append("<table id=\"")
        .append(id)
        .append("\"><tr><th>")
        .append(keyName)
        .append("</th><th>")
        .append(countName)
        .append("</th></tr>\n");
    for (LogReport.Count c : rows) {
      h.append("<tr><td>")
          .append(esc(c.key()))
          .append("</td><td class=\"n\">")
          .append(c.count())
          .append("</td></tr>\n");
    }
    h.append("</table>\n");
  }

  private static <T> List<T> cut(List<T> list, int top) {
    return top > 0 && list.size() > top ? list.subList(0, top) : list;
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  /** Escapes text for HTML element content and attribute values. */
  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c < 0x20 && c != '\t' ? '\uFFFD' : c);
      }
    }
    return b.toString();
  }
}
