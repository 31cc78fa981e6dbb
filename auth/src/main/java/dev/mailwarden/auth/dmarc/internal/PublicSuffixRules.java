package dev.mailwarden.auth.dmarc.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.net.IDN;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A Public Suffix List read from a {@code public_suffix_list.dat} file the user supplies (Guava's
 * {@code InternetDomainName} only knows its bundled copy). Rules of both the ICANN and the PRIVATE
 * section apply, as in the list's own test file. The algorithm of publicsuffix.org: the longest
 * matching rule wins, an exception rule ({@code !x}) beats every other rule and makes its parent
 * the suffix, a wildcard ({@code *.x}) matches exactly one more label, and an unlisted TLD is a
 * public suffix by the implicit rule {@code *}.
 */
public final class PublicSuffixRules {
  private final Set<String> rules;
  private final Set<String> wildcards; // "x" for the rule "*.x"
  private final Set<String> exceptions; // "www.ck" for the rule "!www.ck"
  private final int ruleCount;

  private PublicSuffixRules(Set<String> rules, Set<String> wildcards, Set<String> exceptions) {
    this.rules = Set.copyOf(rules);
    this.wildcards = Set.copyOf(wildcards);
    this.exceptions = Set.copyOf(exceptions);
    this.ruleCount = rules.size() + wildcards.size() + exceptions.size();
  }

  /** Reads the list format: one rule per line, {@code //} comments, rules in UTF-8 or A-labels. */
  public static PublicSuffixRules parse(Reader in) throws IOException {
    Set<String> rules = new HashSet<>();
    Set<String> wildcards = new HashSet<>();
    Set<String> exceptions = new HashSet<>();
    BufferedReader r = in instanceof BufferedReader br ? br : new BufferedReader(in);
    for (String line = r.readLine(); line != null; line = r.readLine()) {
      String t = line.strip();
      if (t.isEmpty() || t.startsWith("//")) {
        continue;
      }
      int ws = indexOfWhitespace(t);
      String rule = ws < 0 ? t : t.substring(0, ws);
      if (rule.startsWith("!")) {
        add(exceptions, rule.substring(1));
      } else if (rule.startsWith("*.")) {
        add(wildcards, rule.substring(2));
      } else {
        add(rules, rule);
      }
    }
    if (rules.isEmpty() && wildcards.isEmpty()) {
      throw new IOException("no public suffix rules found");
    }
    return new PublicSuffixRules(rules, wildcards, exceptions);
  }

  /** Parses list text (for tests). */
  public static PublicSuffixRules parse(String text) {
    try {
      return parse(new StringReader(text));
    } catch (IOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  public int ruleCount() {
    return ruleCount;
  }

  /**
   * The registrable domain (public suffix plus one label) of {@code name}, lower-cased, in the form
   * it was given (Unicode labels stay Unicode); {@code null} when the name is itself a public
   * suffix or is not a valid domain (empty labels, a leading dot).
   */
  public @Nullable String registrableDomain(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".")) {
      lower = lower.substring(0, lower.length() - 1);
    }
    if (lower.isEmpty()) {
      return null;
    }
    String[] labels = lower.split("\\.", -1);
    String[] ascii = new String[labels.length];
    for (int i = 0; i < labels.length; i++) {
      if (labels[i].isEmpty()) {
        return null;
      }
      String a = toAscii(labels[i]);
      if (a == null) {
        return null;
      }
      ascii[i] = a;
    }
    int suffixLabels = publicSuffixLabels(ascii);
    if (labels.length <= suffixLabels) {
      return null;
    }
    return String.join(
        ".", java.util.Arrays.copyOfRange(labels, labels.length - suffixLabels - 1, labels.length));
  }

  /** How many labels, counted from the right, form the public suffix of {@code asciiLabels}. */
  int publicSuffixLabels(String[] asciiLabels) {
    int n = asciiLabels.length;
    String[] suffixes = new String[n];
    StringBuilder b = new StringBuilder();
    for (int i = n - 1; i >= 0; i--) {
      if (i < n - 1) {
        b.insert(0, '.');
      }
      b.insert(0, asciiLabels[i]);
      suffixes[i] = b.toString();
    }
    // an exception rule wins over everything; its public suffix is the rule minus its first label
    for (int i = 0; i < n; i++) {
      if (exceptions.contains(suffixes[i])) {
        return n - i - 1;
      }
    }
    int best = 1; // the implicit rule "*"
    for (int i = 0; i < n; i++) {
      int len = n - i;
      if (rules.contains(suffixes[i])) {
        best = Math.max(best, len);
      }
      if (i > 0 && wildcards.contains(suffixes[i])) {
        best = Math.max(best, len + 1);
      }
    }
    return best;
  }

  private static void add(Set<String> set, String rule) {
    String[] labels = rule.toLowerCase(Locale.ROOT).split("\\.", -1);
    StringBuilder b = new StringBuilder();
    for (String l : labels) {
      String a = toAscii(l);
      if (a == null || a.isEmpty()) {
        return; // a rule we cannot represent is skipped rather than failing the whole list
      }
      if (b.length() > 0) {
        b.append('.');
      }
      b.append(a);
    }
    set.add(b.toString());
  }

  private static @Nullable String toAscii(String label) {
    if (label.chars().allMatch(c -> c < 0x80)) {
      return label;
    }
    try {
      return IDN.toASCII(label, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static int indexOfWhitespace(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isWhitespace(s.charAt(i))) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public String toString() {
    return "PublicSuffixRules[" + ruleCount + " rules]";
  }
}
