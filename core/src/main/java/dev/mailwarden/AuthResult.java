package dev.mailwarden;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * One {@code resinfo} of an Authentication-Results header (RFC 8601 section 2.2), for example
 * {@code spf=pass smtp.mailfrom=example.com}. Checkers return these; {@link Evaluation} renders
 * them with correct quoting.
 *
 * @param method the method name, e.g. {@code spf}, {@code dkim}, {@code dmarc}, {@code iprev}
 * @param result the result word, usually {@link Outcome#token()}
 * @param comment text for a comment after the result, e.g. {@code p=reject dis=none}; empty for
 *     none
 * @param reason an optional human reason, rendered as {@code reason="..."}
 * @param properties the {@code ptype.property=value} items in order
 */
public record AuthResult(
    String method,
    String result,
    Optional<String> comment,
    Optional<String> reason,
    List<Property> properties) {

  public AuthResult {
    requireNonNull(method, "method");
    requireNonNull(result, "result");
    requireNonNull(comment, "comment");
    requireNonNull(reason, "reason");
    properties = List.copyOf(properties);
    if (!AuthResultsFormat.isToken(method) || !AuthResultsFormat.isToken(result)) {
      throw new IllegalArgumentException(
          "method and result must be tokens: " + method + "=" + result);
    }
  }

  /** A clause with no comment, reason or properties. */
  public static AuthResult of(String method, Outcome outcome) {
    return new AuthResult(method, outcome.token(), Optional.empty(), Optional.empty(), List.of());
  }

  /** A copy with one more property appended. */
  public AuthResult withProperty(String ptype, String property, String value) {
    var list = new java.util.ArrayList<>(properties);
    list.add(new Property(ptype, property, value));
    return new AuthResult(method, result, comment, reason, list);
  }

  /** A copy with the given comment (sanitized and rendered inside parentheses). */
  public AuthResult withComment(String text) {
    return new AuthResult(method, result, Optional.of(text), reason, properties);
  }

  /** A copy with the given reason. */
  public AuthResult withReason(String text) {
    return new AuthResult(method, result, comment, Optional.of(text), properties);
  }

  /** The clause as it appears in the header, e.g. {@code spf=pass smtp.mailfrom=example.com}. */
  public String render() {
    return AuthResultsFormat.render(this);
  }

  /** One {@code propspec}: {@code ptype.property=value}, e.g. {@code smtp.mailfrom=example.com}. */
  public record Property(String ptype, String property, String value) {
    public Property {
      requireNonNull(ptype, "ptype");
      requireNonNull(property, "property");
      requireNonNull(value, "value");
      if (!AuthResultsFormat.isToken(ptype) || !AuthResultsFormat.isDotAtomText(property)) {
        throw new IllegalArgumentException("bad property name: " + ptype + "." + property);
      }
    }
  }
}
