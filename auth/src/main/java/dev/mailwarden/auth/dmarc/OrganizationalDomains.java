package dev.mailwarden.auth.dmarc;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.auth.dmarc.internal.PublicSuffixRules;
import dev.mailwarden.auth.internal.PublicSuffixes;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How DMARC finds the organisational domain of a name, used for the policy fallback and for relaxed
 * alignment.
 *
 * <ul>
 *   <li>{@link #treeWalk()} (default): RFC 9989 §4.10, a walk up the DNS tree over {@code _dmarc}
 *       records with the {@code psd=} tag; no list to keep current, costs up to 8 queries.
 *   <li>{@link #publicSuffixList()}: RFC 7489 §3.2 with Guava's bundled Public Suffix List (ICANN
 *       and PRIVATE sections); only the From domain and its organisational domain are queried.
 *   <li>{@link #publicSuffixList(Path)}: RFC 7489 with a {@code public_suffix_list.dat} you keep up
 *       to date yourself.
 * </ul>
 *
 * <p>With a list, a name that is itself a public suffix is its own organisational domain.
 */
public final class OrganizationalDomains {
  private static final OrganizationalDomains TREE_WALK =
      new OrganizationalDomains(null, "tree-walk");
  private static final OrganizationalDomains GUAVA =
      new OrganizationalDomains(PublicSuffixes::organizational, "psl(bundled)");

  private interface Lookup {
    @Nullable String registrable(String asciiLowerName);
  }

  private final @Nullable Lookup psl;
  private final String description;

  private OrganizationalDomains(@Nullable Lookup psl, String description) {
    this.psl = psl;
    this.description = description;
  }

  /** RFC 9989 DNS tree walk (the default). */
  public static OrganizationalDomains treeWalk() {
    return TREE_WALK;
  }

  /** RFC 7489 with the Public Suffix List bundled in Guava. */
  public static OrganizationalDomains publicSuffixList() {
    return GUAVA;
  }

  /**
   * RFC 7489 with the list in {@code file} (the publicsuffix.org format), read now.
   *
   * @throws UncheckedIOException if the file cannot be read or holds no rules
   */
  public static OrganizationalDomains publicSuffixList(Path file) {
    requireNonNull(file, "file");
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      PublicSuffixRules rules = PublicSuffixRules.parse(r);
      return new OrganizationalDomains(
          rules::registrableDomain,
          "psl(" + file.getFileName() + ", " + rules.ruleCount() + " rules)");
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read public suffix list " + file + ": " + e.getMessage(), e);
    }
  }

  /** True for the RFC 9989 tree walk, false for a Public Suffix List. */
  public boolean isTreeWalk() {
    return psl == null;
  }

  /**
   * With a Public Suffix List: the organisational domain of {@code domain} (lower case, A-labels as
   * given), the name itself when it is a public suffix. Empty for the tree walk, which needs DNS.
   */
  public Optional<String> organizationalDomain(String domain) {
    if (psl == null) {
      return Optional.empty();
    }
    String d = domain.toLowerCase(Locale.ROOT);
    String reg = psl.registrable(d);
    return Optional.of(reg == null ? d : reg);
  }

  @Override
  public String toString() {
    return "OrganizationalDomains[" + description + "]";
  }
}
