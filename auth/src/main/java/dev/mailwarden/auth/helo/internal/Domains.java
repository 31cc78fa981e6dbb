package dev.mailwarden.auth.helo.internal;

import com.google.common.net.InternetDomainName;
import java.util.Locale;
import java.util.Optional;

/** Public-suffix questions, answered by Guava's {@link InternetDomainName} (the PSL). */
public final class Domains {
  private Domains() {}

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
   * The labels left of the registrable domain ({@code mail.eu} for {@code mail.eu.example.com}).
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

  /** True when {@code name} equals {@code domain} or is a subdomain of it (both lower case). */
  public static boolean isAtOrBelow(String name, String domain) {
    return name.equals(domain)
        || (name.length() > domain.length()
            && name.endsWith(domain)
            && name.charAt(name.length() - domain.length() - 1) == '.');
  }

  /** Lower case, no trailing dot. */
  public static String canonical(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    return n.endsWith(".") && n.length() > 1 ? n.substring(0, n.length() - 1) : n;
  }
}
