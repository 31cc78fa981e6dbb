package dev.mailwarden;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One logfmt line per evaluation, at INFO on the logger {@value #LOGGER} (SLF4J), for operators and
 * for {@code mailwarden logs}. On by default in every {@link MailWarden}; off with {@code
 * MailWarden.builder(runtime).decisionLog(DecisionLog.off())}. Example (one line):
 *
 * <pre>
 * evaluation=5c1f09a2-1 verdict=reject score=7.0 session=A1B2C3 client_ip=192.0.2.1 helo=mail.example.com
 * mail_from_domain=example.com check.zen=fail score.zen=5.0 check.helo=pass score.helo=0.0
 * dnsbl_hit=zen.spamhaus.org:127.0.0.2,127.0.0.4 decisive=zen elapsed_ms=12 dns_queries=4
 * </pre>
 *
 * <p>Keys, in this order: {@code evaluation} (an id unique to this log instance: random prefix,
 * counter), {@code verdict} ({@code accept}, {@code quarantine}, {@code reject}, {@code tempfail}),
 * {@code policy_verdict} (observe-only mode, when it differs), {@code score}, {@code session} (the
 * session's id, when set), {@code client_ip}, {@code helo}, {@code mail_from_domain} (empty for the
 * null sender), {@code mail_from} and {@code user} (only with {@link Builder#localParts}), then per
 * check {@code check.<name>=<outcome>} and {@code score.<name>=<contribution>} and, when the check
 * did not complete, {@code status.<name>} ({@code failed}, {@code timed_out}, {@code skipped});
 * then the results' {@linkplain CheckResult#logFields() facts}: {@code dnsbl_hit=<zone>:<codes>}
 * per listing, {@code dnsbl_error=<zone>} per list in ERROR, {@code limit=<limit>} when a rate
 * limit tripped; then {@code decisive}, {@code elapsed_ms}, {@code dns_queries}. Keys with no value
 * are left out.
 *
 * <p>Escaping: a value is written bare when it is non-empty and made only of printable ASCII other
 * than space, {@code "}, {@code =} and {@code \}; otherwise it is quoted, with {@code \"}, {@code
 * \\}, {@code \n}, {@code \r}, {@code \t} and {@code \}{@code uXXXX} for every other character
 * outside printable ASCII. So a hostile HELO can neither end the line nor add a key. Values longer
 * than {@value #MAX_VALUE} characters are cut and end in {@code ...}. Key characters outside
 * printable ASCII, and space, {@code =}, {@code "} and {@code \}, become {@code _}.
 */
public final class DecisionLog implements EvaluationListener {

  /** The logger name. */
  public static final String LOGGER = "dev.mailwarden.decision";

  /** Longest value written, in characters, before it is cut. */
  public static final int MAX_VALUE = 256;

  private static final Set<String> RESERVED =
      Set.of(
          "evaluation",
          "verdict",
          "policy_verdict",
          "score",
          "session",
          "client_ip",
          "helo",
          "mail_from_domain",
          "mail_from",
          "user",
          "decisive",
          "elapsed_ms",
          "dns_queries");

  private static final DecisionLog OFF = new DecisionLog(false, false, LOGGER, null);

  private final boolean enabled;
  private final boolean localParts;
  private final Logger logger;
  private final String loggerName;
  private final @Nullable Consumer<String>
      sink; // tests only: receives every line instead of the logger
  private final String idPrefix;
  private final AtomicLong counter = new AtomicLong();

  private DecisionLog(
      boolean enabled, boolean localParts, String loggerName, @Nullable Consumer<String> sink) {
    this.enabled = enabled;
    this.localParts = localParts;
    this.logger = LoggerFactory.getLogger(loggerName);
    this.loggerName = loggerName;
    this.sink = sink;
    this.idPrefix = String.format(Locale.ROOT, "%08x-", ThreadLocalRandom.current().nextInt());
  }

  /** The default: logger {@value #LOGGER}, local-parts left out. */
  public static DecisionLog standard() {
    return builder().build();
  }

  /** No decision line. */
  public static DecisionLog off() {
    return OFF;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** False for {@link #off()}. */
  public boolean enabled() {
    return enabled;
  }

  @Override
  public void onEvaluationComplete(Evaluation evaluation) {
    if (!enabled) {
      return;
    }
    if (sink != null) {
      sink.accept(format(evaluation, nextId()));
    } else if (logger.isInfoEnabled()) {
      logger.info(format(evaluation, nextId()));
    }
  }

  private String nextId() {
    return idPrefix + Long.toString(counter.incrementAndGet(), 36);
  }

  /** A log that hands every line to {@code sink} instead of SLF4J (for tests without a binding). */
  static DecisionLog toSink(Consumer<String> sink) {
    return new DecisionLog(true, false, LOGGER, requireNonNull(sink, "sink"));
  }

  /** The line this log writes for {@code evaluation}, with the given evaluation id. */
  public String format(Evaluation evaluation, String evaluationId) {
    requireNonNull(evaluation, "evaluation");
    requireNonNull(evaluationId, "evaluationId");
    StringBuilder b = new StringBuilder(256);
    field(b, "evaluation", evaluationId);
    field(b, "verdict", lower(evaluation.verdict().name()));
    if (evaluation.policyVerdict() != evaluation.verdict()) {
      field(b, "policy_verdict", lower(evaluation.policyVerdict().name()));
    }
    field(b, "score", number(evaluation.score()));
    MailSession s = evaluation.session();
    s.id().ifPresent(id -> field(b, "session", id));
    s.clientIp().ifPresent(ip -> field(b, "client_ip", ip.getHostAddress()));
    s.helo().ifPresent(h -> field(b, "helo", h));
    s.mailFrom()
        .ifPresent(
            from -> {
              int at = from.lastIndexOf('@');
              field(
                  b,
                  "mail_from_domain",
                  at < 0 ? "" : from.substring(at + 1).toLowerCase(Locale.ROOT));
              if (localParts) {
                field(b, "mail_from", from);
              }
            });
    if (localParts) {
      s.authenticatedUser().ifPresent(u -> field(b, "user", u));
    }
    for (CheckReport r : evaluation.checks()) {
      String name = key(r.name());
      field(b, "check." + name, r.outcome().token());
      field(b, "score." + name, number(r.score()));
      if (r.status() != CheckReport.Status.COMPLETED) {
        field(b, "status." + name, lower(r.status().name()));
      }
    }
    for (CheckReport r : evaluation.checks()) {
      if (r.status() == CheckReport.Status.SKIPPED) {
        continue;
      }
      List<Map.Entry<String, String>> facts;
      try {
        facts = r.result().logFields();
      } catch (RuntimeException e) {
        continue; // a broken result must not lose the line
      }
      for (Map.Entry<String, String> f : facts) {
        String k = key(f.getKey());
        if (!RESERVED.contains(k)
            && !k.startsWith("check.")
            && !k.startsWith("score.")
            && !k.startsWith("status.")) {
          field(b, k, f.getValue());
        }
      }
    }
    evaluation.decisiveCheck().ifPresent(d -> field(b, "decisive", key(d)));
    field(b, "elapsed_ms", Long.toString(evaluation.elapsed().toMillis()));
    field(b, "dns_queries", Integer.toString(evaluation.dns().queries()));
    return b.toString();
  }

  private static void field(StringBuilder b, String key, String value) {
    if (b.length() > 0) {
      b.append(' ');
    }
    b.append(key).append('=');
    appendValue(b, value);
  }

  /** Appends {@code value} bare or quoted and escaped, as the class comment says. */
  static void appendValue(StringBuilder b, String value) {
    String v = value.length() > MAX_VALUE ? value.substring(0, MAX_VALUE - 3) + "..." : value;
    if (isBare(v)) {
      b.append(v);
      return;
    }
    b.append('"');
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c >= 0x20 && c <= 0x7e) {
            b.append(c);
          } else {
            b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          }
        }
      }
    }
    b.append('"');
  }

  private static boolean isBare(String v) {
    if (v.isEmpty()) {
      return false;
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c <= 0x20 || c >= 0x7f || c == '"' || c == '=' || c == '\\') {
        return false;
      }
    }
    return true;
  }

  /** A key made safe: characters that could end the key or the line become {@code _}. */
  static String key(String raw) {
    String k = raw.length() > MAX_VALUE ? raw.substring(0, MAX_VALUE) : raw;
    StringBuilder out = null;
    for (int i = 0; i < k.length(); i++) {
      char c = k.charAt(i);
      if (c <= 0x20 || c >= 0x7f || c == '"' || c == '=' || c == '\\') {
        if (out == null) {
          out = new StringBuilder(k.substring(0, i));
        }
        out.append('_');
      } else if (out != null) {
        out.append(c);
      }
    }
    String s = out == null ? k : out.toString();
    return s.isEmpty() ? "_" : s;
  }

  private static String number(double d) {
    return Double.isFinite(d) ? BigDecimal.valueOf(d).toPlainString() : "0.0";
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return enabled
        ? "DecisionLog[" + loggerName + (localParts ? ", local-parts" : "") + "]"
        : "DecisionLog[off]";
  }

  /** Builds a {@link DecisionLog}. */
  public static final class Builder {
    private boolean localParts;
    private String loggerName = LOGGER;

    private Builder() {}

    /**
     * Also write the MAIL FROM address ({@code mail_from}) and the authenticated user ({@code
     * user}). Off by default: personal data stays out of the log unless you decide otherwise.
     */
    public Builder localParts(boolean include) {
      this.localParts = include;
      return this;
    }

    /** Another logger name (default {@value DecisionLog#LOGGER}). */
    public Builder loggerName(String name) {
      requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("logger name must not be blank");
      }
      this.loggerName = name;
      return this;
    }

    public DecisionLog build() {
      return new DecisionLog(true, localParts, loggerName, null);
    }
  }
}
