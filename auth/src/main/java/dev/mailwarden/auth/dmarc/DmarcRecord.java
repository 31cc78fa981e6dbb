package dev.mailwarden.auth.dmarc;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A parsed DMARC policy record ({@code v=DMARC1; p=...}), immutable.
 *
 * <p>{@link #parse} follows RFC 7489 §6.3/§6.6.3 with the RFC 9989 tags: {@code v=DMARC1} must be
 * the first tag (else the TXT record is not a DMARC record); tag names are case-insensitive, values
 * of {@code p}, {@code sp}, {@code np} too; unknown tags are ignored; a bad value of an optional
 * tag falls back to its default and is listed in {@link #warnings()}. A missing or invalid {@code
 * p=} (or an invalid {@code sp=}) makes the record unusable unless it has a valid {@code rua=}, in
 * which case it is read as {@code p=none} (RFC 7489 §6.6.3).
 */
public final class DmarcRecord {

  /** How parsing a TXT string ended. */
  public enum Status {
    /** A usable DMARC record. */
    VALID,
    /** Not a DMARC record ({@code v=DMARC1} is not the first tag): discard it. */
    NOT_DMARC,
    /** A DMARC record without a usable policy: no DMARC processing (RFC 7489 §6.6.3). */
    INVALID
  }

  /** {@code psd=} (RFC 9989): whether the domain is a public suffix domain. */
  public enum PublicSuffixDomain {
    YES,
    NO,
    UNKNOWN
  }

  /**
   * The outcome of {@link #parse}: a status, the record when {@link Status#VALID}, and the problem
   * when not.
   */
  public record Parsed(Status status, Optional<DmarcRecord> record, String problem) {
    public Parsed {
      requireNonNull(status, "status");
      requireNonNull(record, "record");
      requireNonNull(problem, "problem");
      if ((status == Status.VALID) != record.isPresent()) {
        throw new IllegalArgumentException("a record goes with VALID and only with it");
      }
    }

    public boolean isValid() {
      return status == Status.VALID;
    }
  }

  /** Longest record text parsed; longer TXT data is refused as INVALID. */
  public static final int MAX_LENGTH = 8192;

  private final String text;
  private final Policy policy;
  private final @Nullable Policy subdomainPolicy;
  private final @Nullable Policy nonExistentPolicy;
  private final Alignment dkimAlignment;
  private final Alignment spfAlignment;
  private final int percent;
  private final boolean testing;
  private final PublicSuffixDomain psd;
  private final List<String> rua;
  private final List<String> ruf;
  private final String failureOptions;
  private final long reportInterval;
  private final boolean policyDefaulted;
  private final List<String> warnings;

  private DmarcRecord(Builder b) {
    this.text = b.text;
    this.policy = requireNonNull(b.policy);
    this.subdomainPolicy = b.subdomainPolicy;
    this.nonExistentPolicy = b.nonExistentPolicy;
    this.dkimAlignment = b.dkimAlignment;
    this.spfAlignment = b.spfAlignment;
    this.percent = b.percent;
    this.testing = b.testing;
    this.psd = b.psd;
    this.rua = List.copyOf(b.rua);
    this.ruf = List.copyOf(b.ruf);
    this.failureOptions = b.failureOptions;
    this.reportInterval = b.reportInterval;
    this.policyDefaulted = b.policyDefaulted;
    this.warnings = List.copyOf(b.warnings);
  }

  /** Parses one TXT record's text (character-strings already joined). Never throws. */
  public static Parsed parse(String text) {
    requireNonNull(text, "text");
    if (text.length() > MAX_LENGTH) {
      return new Parsed(Status.INVALID, Optional.empty(), "record longer than " + MAX_LENGTH);
    }
    String[] parts = text.split(";", -1);
    Tag first = Tag.of(parts[0]);
    if (first == null || !first.name.equals("v")) {
      return new Parsed(Status.NOT_DMARC, Optional.empty(), "v=DMARC1 is not the first tag");
    }
    // RFC 7489 ABNF: the version value is %x44.4d.41.52.43.31, exact case.
    if (!first.value.equals("DMARC1")) {
      return new Parsed(Status.NOT_DMARC, Optional.empty(), "unsupported version v=" + first.value);
    }
    Builder b = new Builder(text);
    boolean pSeen = false;
    boolean pInvalid = false;
    boolean spInvalid = false;
    Set<String> seen = new HashSet<>();
    for (int i = 1; i < parts.length; i++) {
      if (parts[i].isBlank()) {
        continue;
      }
      Tag tag = Tag.of(parts[i]);
      if (tag == null) {
        b.warnings.add("ignored malformed tag '" + shorten(parts[i].trim()) + "'");
        continue;
      }
      if (!seen.add(tag.name)) {
        b.warnings.add("ignored repeated tag " + tag.name);
        continue;
      }
      String v = tag.value;
      switch (tag.name) {
        case "v" -> b.warnings.add("ignored repeated tag v");
        case "p" -> {
          pSeen = true;
          Optional<Policy> p = Policy.parse(v);
          if (p.isPresent()) {
            b.policy = p.get();
          } else {
            pInvalid = true;
          }
        }
        case "sp" -> {
          Optional<Policy> p = Policy.parse(v);
          if (p.isPresent()) {
            b.subdomainPolicy = p.get();
          } else {
            spInvalid = true;
          }
        }
        case "np" ->
            Policy.parse(v).ifPresentOrElse(p -> b.nonExistentPolicy = p, () -> b.bad("np", v));
        case "adkim" ->
            b.dkimAlignment = alignment(v).orElseGet(() -> b.bad("adkim", v, Alignment.RELAXED));
        case "aspf" ->
            b.spfAlignment = alignment(v).orElseGet(() -> b.bad("aspf", v, Alignment.RELAXED));
        case "pct" -> b.percent = percent(v).orElseGet(() -> b.bad("pct", v, 100));
        case "t" -> b.testing = yesNo(v).orElseGet(() -> b.bad("t", v, Boolean.FALSE));
        case "psd" -> b.psd = psd(v).orElseGet(() -> b.bad("psd", v, PublicSuffixDomain.UNKNOWN));
        case "rua" -> b.rua = uris(v, "rua", b.warnings);
        case "ruf" -> b.ruf = uris(v, "ruf", b.warnings);
        case "fo" -> b.failureOptions = failureOptions(v).orElseGet(() -> b.bad("fo", v, "0"));
        case "rf" -> {
          if (!isAfrfList(v)) {
            b.bad("rf", v);
          }
        }
        case "ri" -> b.reportInterval = unsigned32(v).orElseGet(() -> b.bad("ri", v, 86400L));
        default -> {
          // RFC 7489 §6.3: unknown tags MUST be ignored
        }
      }
    }
    if (!pSeen || pInvalid || spInvalid) {
      String problem = !pSeen ? "no p= tag" : pInvalid ? "invalid p= value" : "invalid sp= value";
      if (b.rua.isEmpty()) {
        return new Parsed(Status.INVALID, Optional.empty(), problem + " and no valid rua=");
      }
      // RFC 7489 §6.6.3: act as if the record said p=none, keep reporting
      b.policy = Policy.NONE;
      b.subdomainPolicy = null;
      b.policyDefaulted = true;
      b.warnings.add(problem + "; treated as p=none because rua= is valid");
    }
    return new Parsed(Status.VALID, Optional.of(new DmarcRecord(b)), "");
  }

  /** The record text as published. */
  public String text() {
    return text;
  }

  /** {@code p=}: the policy for the domain itself. */
  public Policy policy() {
    return policy;
  }

  /** {@code sp=}: the policy for subdomains, when given. */
  public Optional<Policy> subdomainPolicy() {
    return Optional.ofNullable(subdomainPolicy);
  }

  /** {@code np=} (RFC 9989): the policy for non-existent subdomains, when given. */
  public Optional<Policy> nonExistentPolicy() {
    return Optional.ofNullable(nonExistentPolicy);
  }

  /** {@code adkim=}, relaxed by default. */
  public Alignment dkimAlignment() {
    return dkimAlignment;
  }

  /** {@code aspf=}, relaxed by default. */
  public Alignment spfAlignment() {
    return spfAlignment;
  }

  /** {@code pct=} (RFC 7489), 0–100, 100 by default. */
  public int percent() {
    return percent;
  }

  /** {@code t=y} (RFC 9989 testing mode). */
  public boolean testing() {
    return testing;
  }

  /** {@code psd=} (RFC 9989), {@link PublicSuffixDomain#UNKNOWN} by default. */
  public PublicSuffixDomain publicSuffixDomain() {
    return psd;
  }

  /** {@code rua=}: aggregate report URIs that parsed as URIs (with any {@code !size} suffix). */
  public List<String> aggregateReportUris() {
    return rua;
  }

  /** {@code ruf=}: failure report URIs that parsed as URIs. */
  public List<String> failureReportUris() {
    return ruf;
  }

  /** {@code fo=}, {@code "0"} by default. */
  public String failureOptions() {
    return failureOptions;
  }

  /** {@code ri=} in seconds, 86400 by default. */
  public long reportInterval() {
    return reportInterval;
  }

  /** True when {@code p=} was missing or invalid and the record is read as {@code p=none}. */
  public boolean policyDefaulted() {
    return policyDefaulted;
  }

  /** Problems that were tolerated (bad optional values, malformed tags), in record order. */
  public List<String> warnings() {
    return warnings;
  }

  /** The policy for a message, given which tag applies; {@code sp}/{@code np} fall back. */
  public Policy policyFor(PolicyTag tag) {
    return switch (tag) {
      case P -> policy;
      case SP -> subdomainPolicy != null ? subdomainPolicy : policy;
      case NP ->
          nonExistentPolicy != null
              ? nonExistentPolicy
              : subdomainPolicy != null ? subdomainPolicy : policy;
    };
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("DmarcRecord[p=").append(policy.token());
    if (subdomainPolicy != null) {
      b.append(" sp=").append(subdomainPolicy.token());
    }
    if (nonExistentPolicy != null) {
      b.append(" np=").append(nonExistentPolicy.token());
    }
    b.append(" adkim=")
        .append(dkimAlignment.letter())
        .append(" aspf=")
        .append(spfAlignment.letter());
    if (percent != 100) {
      b.append(" pct=").append(percent);
    }
    if (testing) {
      b.append(" t=y");
    }
    if (psd != PublicSuffixDomain.UNKNOWN) {
      b.append(" psd=").append(psd == PublicSuffixDomain.YES ? "y" : "n");
    }
    return b.append(']').toString();
  }

  private record Tag(String name, String value) {
    static @Nullable Tag of(String part) {
      int eq = part.indexOf('=');
      if (eq < 0) {
        return null;
      }
      String name = part.substring(0, eq).strip().toLowerCase(Locale.ROOT);
      if (name.isEmpty()
          || !name.chars()
              .allMatch(c -> (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
        return null;
      }
      return new Tag(name, part.substring(eq + 1).strip());
    }
  }

  private static Optional<Alignment> alignment(String v) {
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "r" -> Optional.of(Alignment.RELAXED);
      case "s" -> Optional.of(Alignment.STRICT);
      default -> Optional.empty();
    };
  }

  private static Optional<Integer> percent(String v) {
    if (v.isEmpty() || v.length() > 3 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return Optional.empty();
    }
    int n = Integer.parseInt(v);
    return n <= 100 ? Optional.of(n) : Optional.empty();
  }

  private static Optional<Long> unsigned32(String v) {
    if (v.isEmpty() || v.length() > 10 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return Optional.empty();
    }
    long n = Long.parseLong(v);
    return n <= 0xffff_ffffL ? Optional.of(n) : Optional.empty();
  }

  private static Optional<Boolean> yesNo(String v) {
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "y" -> Optional.of(Boolean.TRUE);
      case "n" -> Optional.of(Boolean.FALSE);
      default -> Optional.empty();
    };
  }

  private static Optional<PublicSuffixDomain> psd(String v) {
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "y" -> Optional.of(PublicSuffixDomain.YES);
      case "n" -> Optional.of(PublicSuffixDomain.NO);
      case "u" -> Optional.of(PublicSuffixDomain.UNKNOWN);
      default -> Optional.empty();
    };
  }

  private static Optional<String> failureOptions(String v) {
    String[] opts = v.split(":", -1);
    for (String o : opts) {
      String t = o.strip().toLowerCase(Locale.ROOT);
      if (!(t.equals("0") || t.equals("1") || t.equals("d") || t.equals("s"))) {
        return Optional.empty();
      }
    }
    return Optional.of(v.toLowerCase(Locale.ROOT).replace(" ", ""));
  }

  private static boolean isAfrfList(String v) {
    for (String k : v.split(":", -1)) {
      if (!k.strip().equalsIgnoreCase("afrf")) {
        return false;
      }
    }
    return true;
  }

  /** Most {@code rua}/{@code ruf} URIs kept per tag. */
  public static final int MAX_URIS = 10;

  /** RFC 7489 §6.4: dmarc-uri = URI [ "!" 1*DIGIT [ "k" / "m" / "g" / "t" ] ]. */
  private static List<String> uris(String v, String tag, List<String> warnings) {
    List<String> out = new ArrayList<>();
    for (String raw : v.split(",", -1)) {
      String u = raw.strip();
      if (u.isEmpty()) {
        continue;
      }
      if (out.size() >= MAX_URIS) {
        // RFC 7489 section 6.2 lets receivers limit the URIs they send to (at least two)
        warnings.add("ignored " + tag + " URIs after the first " + MAX_URIS + " (the cap)");
        break;
      }
      String uri = u;
      int bang = u.lastIndexOf('!');
      if (bang > 0 && u.substring(bang + 1).matches("[0-9]{1,15}[kmgtKMGT]?")) {
        uri = u.substring(0, bang);
      }
      if (isAbsoluteUri(uri)) {
        out.add(u);
      } else {
        warnings.add("ignored invalid " + tag + " URI '" + shorten(u) + "'");
      }
    }
    return out;
  }

  private static boolean isAbsoluteUri(String s) {
    try {
      URI uri = new URI(s);
      return uri.getScheme() != null
          && uri.getSchemeSpecificPart() != null
          && !uri.getSchemeSpecificPart().isEmpty();
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private static String shorten(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }

  private static final class Builder {
    final String text;
    @Nullable Policy policy;
    @Nullable Policy subdomainPolicy;
    @Nullable Policy nonExistentPolicy;
    Alignment dkimAlignment = Alignment.RELAXED;
    Alignment spfAlignment = Alignment.RELAXED;
    int percent = 100;
    boolean testing;
    PublicSuffixDomain psd = PublicSuffixDomain.UNKNOWN;
    List<String> rua = List.of();
    List<String> ruf = List.of();
    String failureOptions = "0";
    long reportInterval = 86400;
    boolean policyDefaulted;
    final List<String> warnings = new ArrayList<>();

    Builder(String text) {
      this.text = text;
    }

    void bad(String tag, String value) {
      warnings.add("ignored invalid " + tag + "=" + shorten(value));
    }

    <T> T bad(String tag, String value, T fallback) {
      bad(tag, value);
      return fallback;
    }
  }
}
