package dev.mailwarden.examples.policyd;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One policy delegation request: the {@code name=value} attributes Postfix sent, ended by an empty
 * line. Unknown attributes are kept but ignored.
 */
public record PolicyRequest(Map<String, String> attributes) {

  public PolicyRequest {
    attributes = Map.copyOf(attributes);
  }

  /** An attribute's value, absent when missing or empty (Postfix sends empty values). */
  public Optional<String> get(String name) {
    String v = attributes.get(name);
    return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v);
  }

  /** {@code protocol_state} in upper case, e.g. {@code RCPT} or {@code END-OF-MESSAGE}. */
  public String protocolState() {
    return get("protocol_state").map(s -> s.toUpperCase(Locale.ROOT)).orElse("");
  }

  /** True for {@code request=smtpd_access_policy}, the only request type Postfix defines. */
  public boolean isAccessPolicy() {
    return "smtpd_access_policy".equals(attributes.get("request"));
  }
}
