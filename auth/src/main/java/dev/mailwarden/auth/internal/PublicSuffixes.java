package dev.mailwarden.auth.internal;

import com.google.common.net.InternetDomainName;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Public-suffix questions, answered by Guava's {@link InternetDomainName} and the list bundled in
 * it. HELO and DMARC ask different ones on purpose: HELO wants the registry's domain (ICANN section
 * only: {@code blogspot.com} names belong to Google), DMARC the organisational domain of RFC 7489
 * (ICANN and PRIVATE sections, an unlisted TLD counts as a suffix). The domain-name primitives that
 * need no list are core's {@code dev.mailwarden.internal.DomainNames}.
 */
public final class PublicSuffixes {
  private PublicSuffixes() {}

  /**
   * The registrable domain (one label below a registry suffix) of an ASCII host name, e.g. {@code
   * example.co.uk} for {@code mail.example.co.uk}; empty when the name is not under a public
   * registry suffix (e.g. {@code host.invalid}, {@code co.uk} itself).
   */
  public static Optional<String> registrable(String asciiName) {
    String n = asciiName.toLowerCase(Locale.ROOT);
    if (n.endsWith(".")) {
      n = n.substring(0, n.length() - 1);
    }
    try { // from() validates; one pass instead of isValid() and from()
      InternetDomainName d = InternetDomainName.from(n);
      if (!d.isUnderRegistrySuffix()) {
        return Optional.empty();
      }
      return Optional.of(d.topDomainUnderRegistrySuffix().toString());
    } catch (IllegalArgumentException | IllegalStateException e) {
      return Optional.empty();
    }
  }

  /**
   * The labels left of the registrable domain ({@code mail.eu} for {@code mail.eu.example.com});
   * without one, every label but the last.
   */
  public static String hostPart(String asciiName, Optional<String> registrable) {
    if (registrable.isEmpty()) {
      int dot = asciiName.lastIndexOf('.');
      return dot < 0 ? asciiName : asciiName.substring(0, dot);
    }
    String r = registrable.get();
    return asciiName.length() > r.length()
        ? asciiName.substring(0, asciiName.length() - r.length() - 1)
        : "";
  }

  /**
   * The RFC 7489 organisational domain of a lower-case ASCII name by the bundled list: one label
   * below its public suffix (ICANN or PRIVATE), the last two labels under a TLD the list does not
   * know; null when the name is itself a public suffix or not a valid name.
   */
  public static @Nullable String organizational(String name) {
    try {
      InternetDomainName n = InternetDomainName.from(name);
      if (!n.hasPublicSuffix()) {
        // an unlisted TLD: the list's implicit rule "*" makes the last label the suffix
        List<String> parts = n.parts();
        return parts.size() < 2
            ? null
            : parts.get(parts.size() - 2) + "." + parts.get(parts.size() - 1);
      }
      return n.isUnderPublicSuffix() ? n.topPrivateDomain().toString() : null;
    } catch (IllegalArgumentException | IllegalStateException e) {
      return null;
    }
  }
}
