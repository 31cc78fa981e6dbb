package dev.mailwarden.auth.helo;

import dev.mailwarden.SmtpReply;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Every kind of finding of {@link Helo} and {@link Iprev}: a stable name for logs and metrics, a
 * default weight added to the score, what it means, the SMTP reply used when it rejects and the
 * least strict {@link HeloPolicy} under which it rejects by default. Weights, replies and rejection
 * can be changed per finding on the builders.
 */
public enum HeloFinding {
  /** No HELO/EHLO before MAIL FROM (RFC 5321 section 4.1.4). */
  MISSING(
      "missing",
      3.0,
      "no HELO/EHLO before the mail transaction",
      SmtpReply.of(503, "5.5.1", "Send HELO/EHLO first"),
      HeloPolicy.RFC,
      false),
  /** Not a Domain or address-literal of RFC 5321 section 4.1.2 (bad characters, labels, length). */
  INVALID(
      "invalid",
      4.0,
      "HELO is not a valid host name or address literal",
      SmtpReply.of(501, "5.5.2", "HELO/EHLO rejected: invalid host name"),
      HeloPolicy.RFC,
      false),
  /** A single label such as {@code mailserver}. */
  NOT_FQDN(
      "not-fqdn",
      2.0,
      "HELO is not a fully-qualified domain name",
      SmtpReply.of(504, "5.5.2", "HELO/EHLO rejected: need a fully-qualified host name"),
      HeloPolicy.RFC,
      false),
  /** An IP address without the brackets of an address literal. */
  BARE_IP(
      "bare-ip",
      2.5,
      "HELO is an IP address without brackets",
      SmtpReply.of(
          501,
          "5.5.2",
          "HELO/EHLO rejected: an address must be written as a literal, e.g. [192.0.2.1]"),
      HeloPolicy.RFC,
      false),
  /** An address literal (or bare IP) that is not the client's address. */
  LITERAL_MISMATCH(
      "literal-mismatch",
      1.5,
      "HELO address is not the client's address",
      SmtpReply.of(550, "5.7.1", "HELO/EHLO rejected: address literal does not match your address"),
      null,
      true),
  /** A private, loopback, link-local, shared, documentation (TEST-NET) or reserved address. */
  SPECIAL_ADDRESS(
      "special-address",
      3.0,
      "HELO address is private, loopback or reserved",
      SmtpReply.of(550, "5.7.1", "HELO/EHLO rejected: address is not globally routable"),
      HeloPolicy.STRICT,
      false),
  /** {@code localhost} or a name under {@code .local}, {@code .lan}, {@code .home} and the like. */
  LOCAL_NAME(
      "local-name",
      3.0,
      "HELO is a local-only name",
      SmtpReply.of(550, "5.7.1", "HELO/EHLO rejected: local host name"),
      HeloPolicy.STRICT,
      false),
  /** The client claims one of this server's own names or addresses. */
  IMPERSONATION(
      "impersonation",
      5.0,
      "HELO claims to be this server",
      SmtpReply.of(550, "5.7.1", "HELO/EHLO rejected: you are not me"),
      null,
      true),
  /**
   * The name is not under a public registry suffix ({@code mail.example}, {@code host.invalid}).
   */
  NO_REGISTRABLE_DOMAIN(
      "no-registrable-domain",
      2.0,
      "HELO has no registrable domain under a public suffix",
      SmtpReply.of(504, "5.5.2", "HELO/EHLO rejected: not a domain in the public DNS"),
      HeloPolicy.STRICT,
      false),
  /** The name has no A, AAAA or MX record (RFC 5321 section 2.3.5). */
  UNRESOLVABLE(
      "unresolvable",
      1.0,
      "HELO name does not resolve",
      SmtpReply.of(450, "4.7.1", "HELO/EHLO rejected: host not found"),
      HeloPolicy.RFC,
      false),
  /** The name resolves, but not to the client's address. */
  HELO_MISMATCH(
      "helo-mismatch",
      0.5,
      "HELO name does not resolve to the client's address",
      SmtpReply.of(550, "5.7.1", "HELO/EHLO rejected: host name does not match your address"),
      null,
      true),
  /** The HELO name looks generic or dynamic (client address embedded, dsl, pool, dyn, ...). */
  DYNAMIC_HELO(
      "dynamic-helo",
      2.0,
      "HELO looks like a dynamic or generic host name",
      SmtpReply.of(550, "5.7.1", "HELO/EHLO rejected: generic host name"),
      null,
      false),
  /** The client's reverse DNS name looks generic or dynamic. */
  DYNAMIC_RDNS(
      "dynamic-rdns",
      1.0,
      "reverse DNS looks like a dynamic or generic host name",
      SmtpReply.of(550, "5.7.1", "Client host rejected: generic reverse DNS name"),
      null,
      false),
  /** A big provider's HELO from an address whose confirmed reverse DNS is not that provider's. */
  PROVIDER_FORGERY(
      "provider-forgery",
      5.0,
      "HELO claims a big provider the client's reverse DNS does not belong to",
      SmtpReply.of(550, "5.7.1", "HELO/EHLO rejected: forged host name"),
      null,
      true),
  /** The client sent a different HELO earlier in the same connection. */
  HELO_CHANGED(
      "helo-changed",
      1.0,
      "HELO changed within the session",
      SmtpReply.of(550, "5.7.1", "HELO/EHLO rejected: host name changed"),
      null,
      false),
  /** iprev permerror: no PTR record for the client address (RFC 8601 section 3). */
  NO_PTR(
      "no-ptr",
      1.5,
      "client address has no reverse DNS",
      SmtpReply.of(450, "4.7.25", "Client host rejected: cannot find your reverse DNS name"),
      HeloPolicy.STRICT,
      false),
  /** iprev fail: no PTR name resolves back to the client address. */
  NOT_CONFIRMED(
      "not-confirmed",
      1.0,
      "reverse DNS is not forward-confirmed",
      SmtpReply.of(450, "4.7.25", "Client host rejected: reverse DNS does not match forward DNS"),
      HeloPolicy.STRICT,
      false),
  /**
   * iprev fail, but a PTR name resolves into the client's /24 (/64 for IPv6), or shares its
   * registrable domain with a HELO name that resolves to the client. Scored in place of {@link
   * #NOT_CONFIRMED} when relaxed matching is on.
   */
  RELAXED_MATCH(
      "relaxed-match",
      0.3,
      "reverse DNS only matches loosely (same network or registrable domain)",
      SmtpReply.of(450, "4.7.25", "Client host rejected: reverse DNS does not match forward DNS"),
      null,
      false);

  private final String token;
  private final double defaultWeight;
  private final String description;
  private final SmtpReply defaultReply;
  private final @Nullable HeloPolicy rejectsFrom;
  private final boolean rfc5321ForbidsRejecting;

  HeloFinding(
      String token,
      double defaultWeight,
      String description,
      SmtpReply defaultReply,
      @Nullable HeloPolicy rejectsFrom,
      boolean rfc5321ForbidsRejecting) {
    this.token = token;
    this.defaultWeight = defaultWeight;
    this.description = description;
    this.defaultReply = defaultReply;
    this.rejectsFrom = rejectsFrom;
    this.rfc5321ForbidsRejecting = rfc5321ForbidsRejecting;
  }

  /** The stable name used in details, logs and metrics, e.g. {@code "not-fqdn"}. */
  public String token() {
    return token;
  }

  /** The weight added to the score unless the builder sets another. */
  public double defaultWeight() {
    return defaultWeight;
  }

  /** What the finding means, in one phrase. */
  public String description() {
    return description;
  }

  /** The reply used when this finding rejects, unless the builder sets another. */
  public SmtpReply defaultReply() {
    return defaultReply;
  }

  /** The least strict policy under which this finding rejects by default; empty for never. */
  public Optional<HeloPolicy> rejectsFrom() {
    return Optional.ofNullable(rejectsFrom);
  }

  /**
   * True for findings that amount to "the HELO does not match the client", on which RFC 5321
   * section 4.1.4 says a server MUST NOT refuse a message: no policy rejects on them unless the
   * user names them with {@code rejectOn(...)}.
   */
  public boolean rfc5321ForbidsRejecting() {
    return rfc5321ForbidsRejecting;
  }

  /** The finding with this token; throws {@link IllegalArgumentException} if unknown. */
  public static HeloFinding fromToken(String token) {
    for (HeloFinding f : values()) {
      if (f.token.equalsIgnoreCase(token.trim())) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown HELO finding: '" + token + "'");
  }

  @Override
  public String toString() {
    return token;
  }
}
