package dev.mailwarden.examples.logs;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One mailwarden decision line (logger {@code dev.mailwarden.decision}): logfmt {@code key=value}
 * pairs, a value in double quotes when it holds spaces or quotes, with {@code \"} and {@code \\}
 * escapes. Whatever precedes the pairs (syslog or logback prefix) is skipped: words without {@code
 * =} are ignored. The first occurrence of a key wins, and quoted values are read as one value, so a
 * hostile HELO cannot add or override a key. Keys read: {@code evaluation}, {@code verdict}, {@code
 * score}, {@code client_ip}, {@code helo}, {@code mail_from_domain}, {@code elapsed_ms}, {@code
 * dns_queries}, {@code check.<name>=<outcome>} and {@code dnsbl_error=<zone>} (repeatable). Kept in
 * this one class so it can follow the decision line's final format.
 */
public final class DecisionLine {
  private static final int MAX_PAIRS = 256;

  private final Map<String, String> fields;
  private final Map<String, String> checks;
  private final List<String> dnsblErrors;

  private DecisionLine(
      Map<String, String> fields, Map<String, String> checks, List<String> dnsblErrors) {
    this.fields = fields;
    this.checks = checks;
    this.dnsblErrors = dnsblErrors;
  }

  /** True when the line looks like a decision line (cheap test before {@link #parse}). */
  public static boolean looksLikeDecision(String line) {
    return line.contains("dev.mailwarden.decision")
        || (line.contains("evaluation=") && line.contains("verdict="));
  }

  /** The pairs of a decision line, or null when it has no {@code verdict}. */
  public static @Nullable DecisionLine parse(String line) {
    Map<String, String> fields = new LinkedHashMap<>();
    Map<String, String> checks = new LinkedHashMap<>();
    List<String> errors = new ArrayList<>();
    int n = line.length();
    int i = 0;
    int pairs = 0;
    StringBuilder value = new StringBuilder();
    while (i < n && pairs < MAX_PAIRS) {
      while (i < n && SyslogLine.space(line.charAt(i))) {
        i++;
      }
      int keyStart = i;
      while (i < n
          && line.charAt(i) != '='
          && line.charAt(i) != '"'
          && !SyslogLine.space(line.charAt(i))) {
        i++;
      }
      if (i >= n || line.charAt(i) != '=' || i == keyStart) {
        // a word without '=' (prefix text) or a stray quote: skip to the next space
        i = skipWord(line, i);
        continue;
      }
      String key = line.substring(keyStart, i);
      i++; // '='
      value.setLength(0);
      if (i < n && line.charAt(i) == '"') {
        i++;
        while (i < n && line.charAt(i) != '"') {
          char c = line.charAt(i);
          if (c == '\\' && i + 1 < n) {
            i++;
            c = line.charAt(i);
          }
          value.append(c);
          i++;
        }
        i++; // closing quote (or end)
      } else {
        while (i < n && !SyslogLine.space(line.charAt(i))) {
          value.append(line.charAt(i++));
        }
      }
      pairs++;
      String v = value.toString();
      if (key.startsWith("check.") && key.length() > 6) {
        checks.putIfAbsent(key.substring(6), v);
      } else if (key.equals("dnsbl_error")) {
        errors.add(v);
      } else {
        fields.putIfAbsent(key, v);
      }
    }
    if (!fields.containsKey("verdict")) {
      return null;
    }
    return new DecisionLine(
        Collections.unmodifiableMap(fields),
        Collections.unmodifiableMap(checks),
        List.copyOf(errors));
  }

  private static int skipWord(String line, int i) {
    int n = line.length();
    if (i < n && line.charAt(i) == '"') {
      i++;
      while (i < n && line.charAt(i) != '"') {
        i += line.charAt(i) == '\\' ? 2 : 1;
      }
      return i + 1;
    }
    while (i < n && !SyslogLine.space(line.charAt(i))) {
      i++;
    }
    return i;
  }

  public String verdict() {
    return fields.get("verdict");
  }

  public @Nullable String get(String key) {
    return fields.get(key);
  }

  /** check name → outcome, in line order. */
  public Map<String, String> checks() {
    return checks;
  }

  /** DNS lists that answered ERROR for this evaluation. */
  public List<String> dnsblErrors() {
    return dnsblErrors;
  }

  /** {@code elapsed_ms} as a number, or -1. */
  public double elapsedMs() {
    return number(fields.get("elapsed_ms"));
  }

  /** {@code dns_queries} as a number, or -1. */
  public double dnsQueries() {
    return number(fields.get("dns_queries"));
  }

  private static double number(@Nullable String s) {
    if (s == null) {
      return -1;
    }
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
