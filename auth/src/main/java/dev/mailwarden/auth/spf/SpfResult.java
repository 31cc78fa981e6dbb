package dev.mailwarden.auth.spf;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.AuthResult;
import dev.mailwarden.CheckResult;
import dev.mailwarden.Outcome;
import dev.mailwarden.SmtpReply;
import dev.mailwarden.auth.spf.internal.EngineResult;
import dev.mailwarden.auth.spf.internal.SpfRequest;
import dev.mailwarden.internal.HeaderFold;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The result of one SPF check: the outcome of {@code check_host()} (RFC 7208 section 2.6), which
 * identity and domain were checked, the mechanism that matched, the explanation of a fail, and the
 * DNS spent. Immutable.
 *
 * <p>Renders the {@code Received-SPF} header (RFC 7208 section 9.1), the {@code spf=} clause of
 * Authentication-Results (RFC 8601) and the SMTP reply of RFC 7208 section 8.
 */
public final class SpfResult implements CheckResult {
  /** Longest explanation kept; the rest is cut (it comes from DNS, so from the sender). */
  public static final int MAX_EXPLANATION_LENGTH = 300;

  private final Outcome outcome;
  private final SpfIdentity identity;
  private final String domain;
  private final @Nullable InetAddress clientIp;
  private final String sender;
  private final @Nullable String helo;
  private final @Nullable String mechanism;
  private final @Nullable String explanation;
  private final @Nullable String problem;
  private final int dnsQueries;
  private final int voidLookups;
  private final String engine;
  private final String failStatus;

  private SpfResult(Builder b, String failStatus) {
    this.outcome = b.outcome;
    this.identity = b.identity;
    this.domain = b.domain;
    this.clientIp = b.clientIp;
    this.sender = b.sender;
    this.helo = b.helo;
    this.mechanism = b.mechanism;
    this.explanation = b.explanation == null ? null : sanitizeKeepingSpaces(b.explanation);
    this.problem = b.problem == null ? null : SmtpReply.sanitize(b.problem, MAX_EXPLANATION_LENGTH);
    this.dnsQueries = b.dnsQueries;
    this.voidLookups = b.voidLookups;
    this.engine = b.engine;
    this.failStatus = failStatus;
  }

  /**
   * Control characters become spaces and the text is cut to {@link #MAX_EXPLANATION_LENGTH}; runs
   * of spaces stay as the domain wrote them (the explanation is the domain's own text).
   */
  private static String sanitizeKeepingSpaces(String text) {
    StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_EXPLANATION_LENGTH));
    for (int i = 0; i < text.length() && out.length() < MAX_EXPLANATION_LENGTH; i++) {
      char c = text.charAt(i);
      boolean control = c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029';
      out.append(control ? ' ' : c);
    }
    return out.toString().strip();
  }

  /** What an engine found for {@code request}. */
  static SpfResult of(SpfRequest request, EngineResult found, String engine) {
    return builder(found.outcome(), request)
        .mechanism(found.mechanism())
        .explanation(found.explanation())
        .problem(found.problem())
        .dnsQueries(found.dnsQueries())
        .voidLookups(found.voidLookups())
        .engine(engine)
        .build();
  }

  /** A builder for the checker: the outcome and the request it answers. */
  static Builder builder(Outcome outcome, SpfRequest request) {
    Builder b = new Builder(outcome, request.identity(), request.domain());
    b.clientIp = request.clientIp();
    b.sender = request.sender();
    b.helo = request.helo();
    return b;
  }

  /** A builder for a result with no request behind it (e.g. a temperror before evaluation). */
  static Builder builder(Outcome outcome, SpfIdentity identity, String domain) {
    return new Builder(outcome, identity, domain);
  }

  /** The outcome: pass, fail, softfail, neutral, none, temperror or permerror. */
  @Override
  public Outcome outcome() {
    return outcome;
  }

  /** Which identity was checked. */
  public SpfIdentity identity() {
    return identity;
  }

  /**
   * The domain checked: the MAIL FROM domain, or the HELO name for the HELO identity and the null
   * sender.
   */
  public String domain() {
    return domain;
  }

  /** The client address checked; empty only for a result made without a request. */
  public Optional<InetAddress> clientIp() {
    return Optional.ofNullable(clientIp);
  }

  /** The sender used ({@code postmaster@helo} for the null sender); empty string if unknown. */
  public String sender() {
    return sender;
  }

  /** The HELO name, if known. */
  public Optional<String> helo() {
    return Optional.ofNullable(helo);
  }

  /**
   * The text of the directive that decided the result, e.g. {@code -all} or {@code
   * ip4:192.0.2.0/24}.
   */
  public Optional<String> mechanism() {
    return Optional.ofNullable(mechanism);
  }

  /**
   * For a fail, the explanation: the domain's {@code exp=} text or the default, sanitised (no
   * control characters, at most {@link #MAX_EXPLANATION_LENGTH} characters).
   */
  public Optional<String> explanation() {
    return Optional.ofNullable(explanation);
  }

  /** For temperror and permerror, what went wrong. */
  public Optional<String> problem() {
    return Optional.ofNullable(problem);
  }

  /** DNS queries made (the record lookups, the mechanisms' lookups and exp=). */
  public int dnsQueries() {
    return dnsQueries;
  }

  /** Void lookups (NXDOMAIN or NODATA) counted against the limit of RFC 7208 section 4.6.4. */
  public int voidLookups() {
    return voidLookups;
  }

  /** The engine that produced the result ({@code native} or {@code jspf}). */
  public String engine() {
    return engine;
  }

  @Override
  public String reason() {
    String ip = clientIp == null ? "the client" : clientIp.getHostAddress();
    return switch (outcome) {
      case PASS -> domain + " designates " + ip + " as permitted sender" + via();
      case FAIL -> domain + " does not designate " + ip + " as permitted sender" + via();
      case SOFTFAIL ->
          domain + " does not designate " + ip + " as permitted sender (transitional)" + via();
      case NEUTRAL -> domain + " neither permits nor denies " + ip + via();
      case NONE -> "no SPF record for " + domain + (problem == null ? "" : ": " + problem);
      case TEMPERROR ->
          "temporary error checking SPF of " + domain + (problem == null ? "" : ": " + problem);
      case PERMERROR ->
          "permanent error in SPF of " + domain + (problem == null ? "" : ": " + problem);
      case POLICY -> "policy result for " + domain;
    };
  }

  private String via() {
    return mechanism == null ? "" : " (" + mechanism + ")";
  }

  @Override
  public Map<String, String> details() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("identity", identity.token());
    d.put("domain", domain);
    if (clientIp != null) {
      d.put("client-ip", clientIp.getHostAddress());
    }
    if (mechanism != null) {
      d.put("mechanism", mechanism);
    }
    if (explanation != null) {
      d.put("explanation", explanation);
    }
    if (problem != null) {
      d.put("problem", problem);
    }
    d.put("dns-queries", Integer.toString(dnsQueries));
    d.put("void-lookups", Integer.toString(voidLookups));
    d.put("engine", engine);
    return d;
  }

  /**
   * The {@code spf=} clause: {@code spf=pass smtp.mailfrom=example.com}, or {@code smtp.helo=} for
   * the HELO identity.
   */
  @Override
  public List<AuthResult> authResults() {
    AuthResult r =
        new AuthResult("spf", outcome.token(), Optional.empty(), Optional.empty(), List.of())
            .withProperty("smtp", identity == SpfIdentity.HELO ? "helo" : "mailfrom", domain);
    if (problem != null && (outcome == Outcome.PERMERROR || outcome == Outcome.TEMPERROR)) {
      r = r.withReason(problem);
    }
    return List.of(r);
  }

  /**
   * The reply of RFC 7208 section 8: fail is {@code 550 5.7.23} (or the status configured on the
   * checker, e.g. 5.7.1), temperror {@code 451 4.4.3}, permerror {@code 550 5.7.24}. Pass,
   * softfail, neutral and none ask for no reply.
   */
  @Override
  public Optional<SmtpReply> smtpReply() {
    return switch (outcome) {
      case FAIL ->
          Optional.of(
              SmtpReply.of(
                  550, failStatus, explanation != null ? explanation : "SPF fail: " + reason()));
      case TEMPERROR -> Optional.of(SmtpReply.of(451, "4.4.3", "SPF temporary error: " + reason()));
      case PERMERROR ->
          Optional.of(SmtpReply.of(550, "5.7.24", "SPF permanent error: " + reason()));
      default -> Optional.empty();
    };
  }

  /**
   * The {@code Received-SPF} header field of RFC 7208 section 9.1, without the trailing CRLF, e.g.
   * {@code Received-SPF: pass (mx.example.org: domain of a@example.com designates 192.0.2.1 as
   * permitted sender) receiver=mx.example.org; client-ip=192.0.2.1; envelope-from="a@example.com";
   * helo=mail.example.com; identity=mailfrom; mechanism="ip4:192.0.2.0/24";}. Values that are not
   * dot-atoms are quoted; data from DNS and the client is stripped of control and bidi characters
   * and cut to 200 characters per value. Folded at 78 columns (CRLF before whitespace); unfold by
   * removing each CRLF.
   */
  public String receivedSpf(String receiverName) {
    requireNonNull(receiverName, "receiverName");
    StringBuilder b = new StringBuilder("Received-SPF: ").append(outcome.token());
    b.append(" (").append(comment(receiverName)).append(')');
    appendPair(b, "receiver", receiverName);
    if (clientIp != null) {
      appendPair(b, "client-ip", clientIp.getHostAddress());
    }
    if (!sender.isEmpty()) {
      appendPair(b, "envelope-from", sender);
    }
    if (helo != null) {
      appendPair(b, "helo", helo);
    }
    appendPair(b, "identity", identity.token());
    if (mechanism != null) {
      appendPair(b, "mechanism", mechanism);
    }
    if (problem != null && (outcome == Outcome.PERMERROR || outcome == Outcome.TEMPERROR)) {
      appendPair(b, "problem", problem);
    }
    return HeaderFold.fold(b.toString());
  }

  private String comment(String receiverName) {
    String ip = clientIp == null ? "unknown" : clientIp.getHostAddress();
    String who = identity == SpfIdentity.HELO ? "domain of " + domain : "domain of " + sender;
    String text =
        switch (outcome) {
          case PASS -> who + " designates " + ip + " as permitted sender";
          case FAIL -> who + " does not designate " + ip + " as permitted sender";
          case SOFTFAIL ->
              "transitioning " + who + " does not designate " + ip + " as permitted sender";
          case NEUTRAL -> ip + " is neither permitted nor denied by " + who;
          case NONE -> who + " does not provide an SPF record";
          case TEMPERROR -> "error in processing during lookup of " + domain;
          case PERMERROR -> "error in SPF record of " + domain;
          case POLICY -> "policy result for " + domain;
        };
    String s = SmtpReply.sanitize(receiverName + ": " + text, 400);
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '(' || c == ')' || c == '\\') {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }

  private static void appendPair(StringBuilder b, String key, String rawValue) {
    String value = SmtpReply.sanitize(rawValue, 200);
    b.append(' ').append(key).append('=');
    if (isDotAtom(value)) {
      b.append(value);
    } else {
      b.append('"');
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c == '"' || c == '\\') {
          b.append('\\');
        }
        b.append(c);
      }
      b.append('"');
    }
    b.append(';');
  }

  /** RFC 5322 dot-atom-text: atext runs separated by single dots. */
  static boolean isDotAtom(String s) {
    if (s.isEmpty() || s.charAt(0) == '.' || s.charAt(s.length() - 1) == '.') {
      return false;
    }
    char prev = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '.') {
        if (prev == '.') {
          return false;
        }
      } else if (!isAtext(c)) {
        return false;
      }
      prev = c;
    }
    return true;
  }

  private static boolean isAtext(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0;
  }

  /** A copy whose fail reply uses another enhanced status code (e.g. 5.7.1). */
  SpfResult withFailStatus(String status) {
    if (status.equals(failStatus)) {
      return this;
    }
    Builder b = toBuilder();
    return new SpfResult(b, status);
  }

  private Builder toBuilder() {
    Builder b = new Builder(outcome, identity, domain);
    b.clientIp = clientIp;
    b.sender = sender;
    b.helo = helo;
    b.mechanism = mechanism;
    b.explanation = explanation;
    b.problem = problem;
    b.dnsQueries = dnsQueries;
    b.voidLookups = voidLookups;
    b.engine = engine;
    return b;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("spf=").append(outcome.token());
    b.append(' ').append(identity.token()).append('=').append(domain);
    if (clientIp != null) {
      b.append(" ip=").append(clientIp.getHostAddress());
    }
    if (mechanism != null) {
      b.append(" mechanism=").append(mechanism);
    }
    if (problem != null) {
      b.append(" problem=\"").append(problem).append('"');
    }
    b.append(" dns=").append(dnsQueries).append(" void=").append(voidLookups);
    return b.toString();
  }

  /** Builds an {@link SpfResult}; not public: only the checker makes results. */
  static final class Builder {
    private final Outcome outcome;
    private final SpfIdentity identity;
    private final String domain;
    private @Nullable InetAddress clientIp;
    private String sender = "";
    private @Nullable String helo;
    private @Nullable String mechanism;
    private @Nullable String explanation;
    private @Nullable String problem;
    private int dnsQueries;
    private int voidLookups;
    private String engine = "native";

    private Builder(Outcome outcome, SpfIdentity identity, String domain) {
      this.outcome = requireNonNull(outcome, "outcome");
      this.identity = requireNonNull(identity, "identity");
      this.domain = requireNonNull(domain, "domain");
    }

    Builder mechanism(@Nullable String text) {
      this.mechanism = text;
      return this;
    }

    Builder explanation(@Nullable String text) {
      this.explanation = text;
      return this;
    }

    Builder problem(@Nullable String text) {
      this.problem = text;
      return this;
    }

    Builder dnsQueries(int count) {
      this.dnsQueries = count;
      return this;
    }

    Builder voidLookups(int count) {
      this.voidLookups = count;
      return this;
    }

    Builder engine(String name) {
      this.engine = requireNonNull(name, "engine");
      return this;
    }

    SpfResult build() {
      return new SpfResult(this, "5.7.23");
    }
  }
}
