package dev.mailwarden.examples.logs;

import dev.mailwarden.testing.Environment;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the real pflogsumm (Debian {@code pflogsumm}) on log text and reads its report: the grand
 * totals, the per-hour table and the reject detail, as printed (numbers above 512k are printed in k
 * or m, so ours are printed the same way before comparing).
 */
public final class Pflogsumm {
  private static final Pattern TOTAL =
      Pattern.compile("^\\s*(\\d+)([ km])\\s+(.+?)(?:\\s+\\(.*\\))?\\s*$");
  private static final Pattern HOUR = Pattern.compile("^\\s+(\\d\\d)00-\\d{4}\\s+(.*)$");
  private static final Pattern HOUR_VALUE = Pattern.compile("(\\d+)([ km])");
  private static final Pattern REASON = Pattern.compile("^    (\\S.*) \\(total: (\\d+)\\)$");

  /** label ("received", "bytes received", ...) → number as printed ("7019k", "221"). */
  public final Map<String, String> totals = new LinkedHashMap<>();

  /** hour → [received, delivered, deferred, bounced, rejected] as printed. */
  final Map<Integer, String[]> hourly = new LinkedHashMap<>();

  /** "RCPT / blocked using zen.spamhaus.org" → total. */
  final Map<String, Long> rejectDetail = new LinkedHashMap<>();

  final String output;

  private Pflogsumm(String output) {
    this.output = output;
  }

  public static Pflogsumm run(String logText) {
    Path binary = Environment.requireBinary("pflogsumm", "pflogsumm");
    try {
      Process p = new ProcessBuilder(binary.toString()).redirectErrorStream(false).start();
      Thread writer =
          new Thread(
              () -> {
                try (OutputStream in = p.getOutputStream()) {
                  in.write(logText.getBytes(StandardCharsets.ISO_8859_1));
                } catch (IOException ignored) {
                  // pflogsumm ended early; its exit status tells
                }
              });
      writer.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      p.getErrorStream().readAllBytes();
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new AssertionError("pflogsumm failed: " + out);
      }
      writer.join();
      return parse(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static Pflogsumm parse(String out) {
    Pflogsumm r = new Pflogsumm(out);
    String section = "";
    String type = "";
    for (String line : out.split("\n")) {
      if (line.matches("^[A-Za-z].*") && !line.startsWith("messages")) {
        section = line.trim();
        continue;
      }
      if (section.equals("Grand Totals")) {
        Matcher m = TOTAL.matcher(line);
        if (m.matches()) {
          r.totals.put(m.group(3), m.group(1) + m.group(2).trim());
        }
      } else if (section.startsWith("Per-Hour Traffic")) {
        Matcher m = HOUR.matcher(line);
        if (m.matches()) {
          Matcher v = HOUR_VALUE.matcher(m.group(2));
          String[] values = new String[5];
          for (int i = 0; i < 5 && v.find(); i++) {
            values[i] = v.group(1) + v.group(2).trim();
          }
          r.hourly.put(Integer.parseInt(m.group(1)), values);
        }
      } else if (section.equals("message reject detail")) {
        if (line.matches("^  \\S.*") && !line.contains("(total:")) {
          type = line.trim();
        }
        Matcher m = REASON.matcher(line);
        if (m.matches()) {
          r.rejectDetail.merge(type + " / " + m.group(1), Long.parseLong(m.group(2)), Long::sum);
        }
      }
    }
    if (r.totals.size() != 15) {
      throw new AssertionError(
          "could not read pflogsumm's 15 grand totals: " + r.totals + "\n" + out);
    }
    return r;
  }

  /** Our totals under pflogsumm's labels, printed as pflogsumm prints them. */
  public static Map<String, String> printed(LogReport.Totals t) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("received", printed(t.received()));
    m.put("delivered", printed(t.delivered()));
    m.put("forwarded", printed(t.forwarded()));
    m.put("deferred", printed(t.deferred()));
    m.put("bounced", printed(t.bounced()));
    m.put("rejected", printed(t.rejected()));
    m.put("reject warnings", printed(t.rejectWarnings()));
    m.put("held", printed(t.held()));
    m.put("discarded", printed(t.discarded()));
    m.put("bytes received", printed(t.bytesReceived()));
    m.put("bytes delivered", printed(t.bytesDelivered()));
    m.put("senders", printed(t.senders()));
    m.put("sending hosts/domains", printed(t.sendingHosts()));
    m.put("recipients", printed(t.recipients()));
    m.put("recipient hosts/domains", printed(t.recipientHosts()));
    return m;
  }

  /** A number printed the way pflogsumm prints it (k above 512k, m above 512m, truncated). */
  static String printed(long value) {
    if (value > 536870912L) {
      return (value / 1048576) + "m";
    }
    if (value > 524288L) {
      return (value / 1024) + "k";
    }
    return Long.toString(value);
  }

  /** Per-hour values are averaged over pflogsumm's day count and rounded. */
  static String printedHour(long value, int days) {
    return printed((long) ((double) value / days + 0.5));
  }
}
