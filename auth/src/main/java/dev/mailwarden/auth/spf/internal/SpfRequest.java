package dev.mailwarden.auth.spf.internal;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.auth.spf.SpfIdentity;
import java.net.InetAddress;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What one {@code check_host()} evaluation needs (RFC 7208 section 4.1), derived by {@code Spf}
 * from the session: the client address, the identity and its domain, the full sender (with {@code
 * postmaster} as local part when there is none, RFC 7208 section 4.3), the HELO name for the {@code
 * %{h}} macro, and the settings of the checker.
 *
 * @param clientIp the SMTP client's address (IPv4-mapped IPv6 already unmapped)
 * @param identity MAIL FROM or HELO
 * @param sender {@code local-part@domain} used by the {@code %{s}}, {@code %{l}}, {@code %{o}}
 *     macros
 * @param domain the domain checked first
 * @param helo the HELO/EHLO argument, or null when unknown
 * @param receiver the receiving host's name, for the {@code %{r}} macro
 * @param defaultExplanation the explanation of a fail without a usable {@code exp=}
 * @param voidLookupLimit the void lookups allowed before permerror (2 in RFC 7208)
 * @param maxMacroExpansion the octet budget of one macro expansion; over it is permerror
 */
public record SpfRequest(
    InetAddress clientIp,
    SpfIdentity identity,
    String sender,
    String domain,
    @Nullable String helo,
    String receiver,
    String defaultExplanation,
    int voidLookupLimit,
    int maxMacroExpansion) {

  /**
   * The default octet budget of one macro expansion (see {@code Spf.Builder#maxMacroExpansion}).
   */
  public static final int DEFAULT_MAX_MACRO_EXPANSION = 4096;

  /** A request with the default macro expansion budget. */
  public SpfRequest(
      InetAddress clientIp,
      SpfIdentity identity,
      String sender,
      String domain,
      @Nullable String helo,
      String receiver,
      String defaultExplanation,
      int voidLookupLimit) {
    this(
        clientIp,
        identity,
        sender,
        domain,
        helo,
        receiver,
        defaultExplanation,
        voidLookupLimit,
        DEFAULT_MAX_MACRO_EXPANSION);
  }

  public SpfRequest {
    requireNonNull(clientIp, "clientIp");
    requireNonNull(identity, "identity");
    requireNonNull(sender, "sender");
    requireNonNull(domain, "domain");
    requireNonNull(receiver, "receiver");
    requireNonNull(defaultExplanation, "defaultExplanation");
    if (voidLookupLimit < 0) {
      throw new IllegalArgumentException(
          "voidLookupLimit must not be negative: " + voidLookupLimit);
    }
    if (maxMacroExpansion < 253) {
      throw new IllegalArgumentException(
          "maxMacroExpansion must be at least 253: " + maxMacroExpansion);
    }
  }

  /** The HELO name, if known. */
  public Optional<String> heloName() {
    return Optional.ofNullable(helo);
  }

  /** The local part of {@link #sender()}. */
  public String localPart() {
    int at = sender.lastIndexOf('@');
    return at < 0 ? "postmaster" : sender.substring(0, at);
  }

  /** The domain part of {@link #sender()}. */
  public String senderDomain() {
    int at = sender.lastIndexOf('@');
    return at < 0 ? sender : sender.substring(at + 1);
  }
}
