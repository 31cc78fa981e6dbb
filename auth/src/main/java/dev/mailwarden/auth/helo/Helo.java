package dev.mailwarden.auth.helo;

import static java.util.Objects.requireNonNull;

import com.google.common.net.InetAddresses;
import dev.mailwarden.CheckContext;
import dev.mailwarden.CheckKey;
import dev.mailwarden.Checker;
import dev.mailwarden.MailSession;
import dev.mailwarden.Outcome;
import dev.mailwarden.SmtpReply;
import dev.mailwarden.Weights;
import dev.mailwarden.auth.helo.internal.EmbeddedIp;
import dev.mailwarden.auth.helo.internal.HeloParser;
import dev.mailwarden.auth.helo.internal.Lookups;
import dev.mailwarden.auth.helo.internal.ParsedHelo;
import dev.mailwarden.auth.helo.internal.ReverseDns;
import dev.mailwarden.auth.helo.internal.SpecialAddresses;
import dev.mailwarden.auth.internal.PublicSuffixes;
import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsResolver;
import dev.mailwarden.dns.RecordType;
import dev.mailwarden.internal.DomainNames;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * HELO/EHLO sanity: every way a HELO argument can be wrong or suspicious, each a named {@link
 * HeloFinding} with a weight and a reason, summed into the result's score.
 *
 * <pre>{@code
 * builder.check(Helo.check());                      // lenient: findings only score
 * builder.check(Helo.builder()
 *     .policy(HeloPolicy.RFC)                        // 501/504/450 for RFC 5321 violations
 *     .localNames("mx.example.org", ".example.org")  // "you are not me"
 *     .localAddresses(InetAddress.getByName("192.0.2.25"))
 *     .trustedNetworks("10.0.0.0/8")
 *     .build());
 * }</pre>
 *
 * <p>Checks, in order: missing HELO; syntax (RFC 5321 section 4.1.2, 255 octets, labels; U-labels
 * are accepted as their A-labels); bare IP; address literals that are special-use, ours, or not the
 * client; local names ({@code localhost}, {@code .local}, {@code .lan}, {@code .home}, ...); single
 * labels; our own names; names under no public suffix (Guava's {@code InternetDomainName}); then,
 * in DNS, names without A/AAAA/MX and names that resolve but not to the client;
 * generic/dynamic-looking HELO and reverse DNS (the client address embedded in the name, or
 * {@linkplain #DEFAULT_DYNAMIC_PATTERNS keywords}); big-provider forgery (the HELO is a provider's,
 * the client's forward-confirmed reverse DNS is not); and a HELO changed within the session. A
 * failed DNS lookup is never a finding; it makes the outcome {@code temperror}.
 *
 * <p>The reverse DNS comes from the {@link Iprev} result of the same evaluation when that check is
 * registered, otherwise from this checker's own lookups. Immutable and thread-safe.
 */
public final class Helo implements Checker<HeloResult> {
  /** The key of the HELO sanity check. */
  public static final CheckKey<HeloResult> KEY = CheckKey.of("helo", HeloResult.class);

  /**
   * Keywords of generic and dynamic host names, matched in the labels left of the registrable
   * domain (so {@code cable.co.uk} or {@code poolparty.com} themselves never match).
   */
  public static final Map<String, Pattern> DEFAULT_DYNAMIC_PATTERNS =
      patterns(
          "dsl", "(?:^|[^a-z])[asvxh]?dsl",
          "dynamic", "(?:^|[^a-z])dyn(?:amic|ip)?(?:[^a-z]|$)",
          "pool", "(?:^|[^a-z])pools?(?:[^a-z]|$)",
          "cable", "(?:^|[^a-z])cable(?:modem)?(?:[^a-z]|$)",
          "dhcp", "dhcp",
          "ppp", "(?:^|[^a-z])ppp(?:oe)?(?:[^a-z]|$)",
          "dialup", "(?:^|[^a-z])dial(?:-?up|in)?(?:[^a-z]|$)",
          "residential",
              "(?:^|[^a-z])(?:res|resi|residential|home|user|clients?|cust|customer|subscriber"
                  + "|broadband|bb|cpe|ftt[hbpx]|wifi|wlan|mobile|[345]g|lte|nat|cgnat)(?:[^a-z]|$)",
          "generic",
              "(?:^|[^a-z])(?:unknown|unassigned|generic|no-?reverse)(?:[^a-z]|$)"
                  + "|(?:^|[^a-z])(?:static|host|ip|node|addr)[-.]?[0-9]");

  /**
   * HELO domains of a few big providers and the reverse-DNS domains allowed to use them: a HELO at
   * or below a key from a client whose confirmed reverse DNS is under none of its values is {@link
   * HeloFinding#PROVIDER_FORGERY}.
   */
  public static final Map<String, Set<String>> DEFAULT_PROVIDERS = providers();

  /** Names only meaningful inside one network: these and anything below them. */
  public static final Set<String> LOCAL_SUFFIXES =
      Set.of(
          "localhost",
          "localdomain",
          "local",
          "lan",
          "home",
          "home.arpa",
          "internal",
          "intranet",
          "corp");

  private final FindingRules rules;
  private final Skips skips;
  private final Set<String> localNames;
  private final Set<String> localDomains;
  private final Set<InetAddress> localAddresses;
  private final Map<String, Pattern> dynamicPatterns;
  private final boolean embeddedIp;
  private final Map<String, Set<String>> providers;
  private final int maxPtrNames;

  private Helo(Builder b) {
    this.rules = b.rules.build();
    this.skips = b.skips.build();
    this.localNames = Set.copyOf(b.localNames);
    this.localDomains = Set.copyOf(b.localDomains);
    this.localAddresses = Set.copyOf(b.localAddresses);
    this.dynamicPatterns =
        Collections.unmodifiableMap(
            new LinkedHashMap<>(
                b.dynamicPatterns == null ? DEFAULT_DYNAMIC_PATTERNS : b.dynamicPatterns));
    this.embeddedIp = b.embeddedIp;
    Map<String, Set<String>> p =
        new LinkedHashMap<>(b.providers == null ? DEFAULT_PROVIDERS : b.providers);
    this.providers = Collections.unmodifiableMap(p);
    this.maxPtrNames = Iprev.MAX_NAMES;
  }

  /**
   * HELO sanity with the defaults: lenient (findings only score), built-in patterns and providers.
   */
  public static Helo check() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Registered without weights: {@link HeloWeights#perFinding()}. */
  @Override
  public Weights defaultWeights() {
    return HeloWeights.perFinding();
  }

  @Override
  public CheckKey<HeloResult> key() {
    return KEY;
  }

  /**
   * Applies once the client sent HELO/EHLO, or reached MAIL FROM without one (then the finding is
   * {@link HeloFinding#MISSING}).
   */
  @Override
  public boolean appliesTo(MailSession session) {
    return session.helo().isPresent() || session.mailFrom().isPresent();
  }

  @Override
  public CompletableFuture<HeloResult> check(CheckContext context) {
    requireNonNull(context, "context");
    MailSession session = context.session();
    String raw = session.helo().orElse(null);
    InetAddress client = session.clientIp().orElse(null);
    Optional<String> skip = skips.reason(session);
    if (skip.isPresent()) {
      return CompletableFuture.completedFuture(
          HeloResult.skipped(raw, client, rules.policy, skip.get()));
    }
    Run run = new Run(context, raw, client);
    return run.start();
  }

  /** The work of one check: findings known at once, then those that need DNS. */
  private final class Run {
    final CheckContext context;
    final DnsResolver dns;
    final @Nullable String raw;
    final @Nullable InetAddress client;
    final List<Finding> findings = new ArrayList<>();

    Run(CheckContext context, @Nullable String raw, @Nullable InetAddress client) {
      this.context = context;
      this.dns = context.dns();
      this.raw = raw;
      this.client = client;
    }

    CompletableFuture<HeloResult> start() {
      ParsedHelo parsed = HeloParser.parse(raw);
      String quoted = "'" + (raw == null ? "" : SmtpReply.sanitize(raw, 80)) + "'";
      if (raw != null) {
        changed(quoted);
      }
      ParsedHelo.Hostname checkedName = null;
      if (parsed instanceof ParsedHelo.Missing) {
        add(HeloFinding.MISSING, "no HELO/EHLO before MAIL FROM");
      } else if (parsed instanceof ParsedHelo.Invalid inv) {
        add(HeloFinding.INVALID, "HELO " + quoted + " is invalid: " + inv.problem());
      } else if (parsed instanceof ParsedHelo.BareIp ip) {
        add(HeloFinding.BARE_IP, "HELO " + quoted + " is an IP address without brackets");
        address(ip.address(), quoted);
      } else if (parsed instanceof ParsedHelo.Literal lit) {
        address(lit.address(), quoted);
      } else if (parsed instanceof ParsedHelo.Hostname h) {
        checkedName = name(h, quoted) ? h : null;
      }
      final ParsedHelo.Hostname hostname = checkedName;
      List<Finding> early = List.copyOf(findings); // the continuation may run on a DNS thread
      CompletableFuture<Partial> forward =
          hostname == null ? CompletableFuture.completedFuture(Partial.EMPTY) : forward(hostname);
      Optional<String> provider = hostname == null ? Optional.empty() : provider(hostname.ascii());
      boolean wantsReverse =
          client != null && (!dynamicPatterns.isEmpty() || embeddedIp || provider.isPresent());
      CompletableFuture<Partial> reverse =
          wantsReverse
              ? reverseDns().thenApply(rd -> reverse(rd, hostname, provider))
              : CompletableFuture.completedFuture(Partial.EMPTY);
      return forward.thenCombine(
          reverse,
          (f, r) -> {
            List<Finding> all = new ArrayList<>(early);
            all.addAll(f.findings());
            all.addAll(r.findings());
            all.sort(Comparator.comparing(Finding::type));
            List<String> problems = new ArrayList<>(f.problems());
            problems.addAll(r.problems());
            return HeloResult.of(raw, client, rules.policy, all, problems);
          });
    }

    private void add(HeloFinding type, String reason) {
      findings.add(rules.finding(type, reason));
    }

    private void changed(String quoted) {
      for (String previous : context.session().previousHelos()) {
        if (!previous.trim().equalsIgnoreCase(raw.trim())) {
          add(
              HeloFinding.HELO_CHANGED,
              "HELO changed from '" + SmtpReply.sanitize(previous, 80) + "' to " + quoted);
          return;
        }
      }
    }

    /** Address literal or bare IP: ours, special-use, or not the client. */
    private void address(InetAddress a, String quoted) {
      String ip = InetAddresses.toAddrString(a);
      if (localAddresses.contains(a) && !a.equals(client)) {
        add(HeloFinding.IMPERSONATION, "HELO " + quoted + " claims this server's address " + ip);
        return;
      }
      Optional<String> special = SpecialAddresses.describe(a);
      if (special.isPresent() && !a.equals(client)) {
        add(HeloFinding.SPECIAL_ADDRESS, "HELO " + quoted + " is a " + special.get() + " address");
        return;
      }
      if (client != null && !a.equals(client)) {
        add(
            HeloFinding.LITERAL_MISMATCH,
            "HELO "
                + quoted
                + " is not the client's address "
                + InetAddresses.toAddrString(client));
      }
    }

    /** The checks of a name that need no DNS; false when DNS checks make no sense for it. */
    private boolean name(ParsedHelo.Hostname h, String quoted) {
      String n = h.ascii();
      for (String suffix : LOCAL_SUFFIXES) {
        if (DomainNames.isAtOrBelow(n, suffix)) {
          add(HeloFinding.LOCAL_NAME, "HELO " + quoted + " is a local-only name (." + suffix + ")");
          return false;
        }
      }
      if (h.labels() < 2) {
        add(HeloFinding.NOT_FQDN, "HELO " + quoted + " is not a fully-qualified domain name");
        return false;
      }
      if (isOurName(n)) {
        add(HeloFinding.IMPERSONATION, "HELO " + quoted + " claims to be this server");
        return false;
      }
      Optional<String> registrable = PublicSuffixes.registrable(n);
      if (registrable.isEmpty()) {
        add(HeloFinding.NO_REGISTRABLE_DOMAIN, "HELO " + quoted + " is under no public suffix");
        return false;
      }
      dynamic(n, registrable)
          .ifPresent(why -> add(HeloFinding.DYNAMIC_HELO, "HELO " + quoted + " " + why));
      return true;
    }

    private boolean isOurName(String n) {
      if (localNames.contains(n)) {
        return true;
      }
      for (String d : localDomains) {
        if (DomainNames.isAtOrBelow(n, d)) {
          return true;
        }
      }
      return false;
    }

    /** A, AAAA, and MX when neither exists: unresolvable, or resolving elsewhere. */
    private CompletableFuture<Partial> forward(ParsedHelo.Hostname h) {
      String n = h.ascii();
      CompletableFuture<DnsAnswer> a = Lookups.lookup(dns, n, RecordType.A);
      CompletableFuture<DnsAnswer> aaaa = Lookups.lookup(dns, n, RecordType.AAAA);
      return a.thenCombine(aaaa, List::of)
          .thenCompose(
              answers -> {
                DnsAnswer v4 = answers.get(0);
                DnsAnswer v6 = answers.get(1);
                if (v4.isSuccess() || v6.isSuccess()) {
                  return CompletableFuture.completedFuture(matchClient(n, v4, v6));
                }
                if (v4.isError() || v6.isError()) {
                  DnsAnswer bad = v4.isError() ? v4 : v6;
                  return CompletableFuture.completedFuture(
                      Partial.problem(
                          bad.type() + " lookup of HELO " + n + " failed (" + bad.status() + ")"));
                }
                return Lookups.lookup(dns, n, RecordType.MX)
                    .thenApply(
                        mx -> {
                          if (mx.isSuccess()) {
                            return Partial
                                .EMPTY; // resolves as a mail domain; no address to compare
                          }
                          if (mx.isError()) {
                            return Partial.problem(
                                "MX lookup of HELO " + n + " failed (" + mx.status() + ")");
                          }
                          return Partial.of(
                              rules.finding(
                                  HeloFinding.UNRESOLVABLE,
                                  "HELO "
                                      + n
                                      + " has no A, AAAA or MX record ("
                                      + v4.status()
                                      + ")"));
                        });
              });
    }

    private Partial matchClient(String n, DnsAnswer v4, DnsAnswer v6) {
      if (client == null) {
        return Partial.EMPTY;
      }
      DnsAnswer sameFamily = client instanceof Inet4Address ? v4 : v6;
      if (sameFamily.addresses().contains(client)) {
        return Partial.EMPTY;
      }
      if (sameFamily.isError()) {
        return Partial.problem(
            sameFamily.type() + " lookup of HELO " + n + " failed (" + sameFamily.status() + ")");
      }
      List<String> addresses = new ArrayList<>();
      v4.addresses().forEach(x -> addresses.add(InetAddresses.toAddrString(x)));
      v6.addresses().forEach(x -> addresses.add(InetAddresses.toAddrString(x)));
      return Partial.of(
          rules.finding(
              HeloFinding.HELO_MISMATCH,
              "HELO "
                  + n
                  + " resolves to "
                  + String.join(" ", addresses)
                  + ", not to the client "
                  + InetAddresses.toAddrString(client)));
    }

    /** The reverse DNS of the client: the iprev check's, or looked up here. */
    private CompletableFuture<Optional<ReverseDns>> reverseDns() {
      return context
          .await(Iprev.KEY)
          .exceptionally(e -> Optional.empty())
          .thenCompose(
              iprev -> {
                if (iprev.isPresent()) {
                  Optional<ReverseDns> rd = iprev.get().reverseDns();
                  if (rd.isPresent() || iprev.get().outcome() == Outcome.TEMPERROR) {
                    return CompletableFuture.completedFuture(
                        rd); // empty: iprev failed or ran out of time
                  }
                }
                return ReverseDns.resolve(dns, client, maxPtrNames).thenApply(Optional::of);
              });
    }

    private Partial reverse(
        Optional<ReverseDns> maybe, ParsedHelo.@Nullable Hostname h, Optional<String> provider) {
      if (maybe.isEmpty()) {
        return Partial.problem(
            "reverse DNS of " + InetAddresses.toAddrString(client) + " is unavailable");
      }
      ReverseDns rd = maybe.get();
      List<Finding> out = new ArrayList<>(2);
      List<String> problems = new ArrayList<>(1);
      List<String> names = rd.confirmedNames().isEmpty() ? rd.ptrNames() : rd.confirmedNames();
      if (!names.isEmpty()) {
        String best = names.get(0);
        dynamic(best, PublicSuffixes.registrable(best))
            .ifPresent(
                why ->
                    out.add(
                        rules.finding(
                            HeloFinding.DYNAMIC_RDNS, "reverse DNS " + best + " " + why)));
      }
      if (provider.isPresent() && h != null) {
        Set<String> allowed = providers.get(provider.get());
        boolean ok =
            rd.confirmedNames().stream()
                .anyMatch(n -> allowed.stream().anyMatch(d -> DomainNames.isAtOrBelow(n, d)));
        if (!ok) {
          if (rd.status() == ReverseDns.Status.TEMPERROR) {
            problems.add(
                "reverse DNS of "
                    + InetAddresses.toAddrString(client)
                    + " failed; forgery not checked");
          } else {
            String seen =
                rd.confirmedNames().isEmpty()
                    ? "no confirmed reverse DNS"
                    : "reverse DNS " + rd.confirmedNames().get(0);
            out.add(
                rules.finding(
                    HeloFinding.PROVIDER_FORGERY,
                    "HELO "
                        + h.ascii()
                        + " belongs to "
                        + provider.get()
                        + " but the client has "
                        + seen
                        + " (allowed: "
                        + String.join(", ", allowed)
                        + ")"));
          }
        }
      }
      if (rd.status() == ReverseDns.Status.TEMPERROR && rd.ptrNames().isEmpty()) {
        problems.add(
            "PTR lookup of "
                + InetAddresses.toAddrString(client)
                + " failed ("
                + rd.ptrStatus()
                + ")");
      }
      return new Partial(out, problems);
    }

    /** Why the name looks generic or dynamic, or empty. */
    private Optional<String> dynamic(String n, Optional<String> registrable) {
      if (embeddedIp && client != null) {
        Optional<String> form = EmbeddedIp.find(n, client);
        if (form.isPresent()) {
          return Optional.of("embeds the client address as " + form.get());
        }
      }
      String host = PublicSuffixes.hostPart(n, registrable);
      if (host.isEmpty()) {
        return Optional.empty();
      }
      for (Map.Entry<String, Pattern> p : dynamicPatterns.entrySet()) {
        if (p.getValue().matcher(host).find()) {
          return Optional.of("matches the '" + p.getKey() + "' pattern");
        }
      }
      return Optional.empty();
    }
  }

  /** The provider whose HELO domain this name is at or below, if any. */
  private Optional<String> provider(String n) {
    for (String key : providers.keySet()) {
      if (DomainNames.isAtOrBelow(n, key)) {
        return Optional.of(key);
      }
    }
    return Optional.empty();
  }

  /** Findings and DNS problems from one asynchronous part. */
  private record Partial(List<Finding> findings, List<String> problems) {
    static final Partial EMPTY = new Partial(List.of(), List.of());

    static Partial of(Finding f) {
      return new Partial(List.of(f), List.of());
    }

    static Partial problem(String p) {
      return new Partial(List.of(), List.of(p));
    }
  }

  @Override
  public HeloResult temperror(String reason) {
    return HeloResult.temperror(reason);
  }

  @Override
  public String toString() {
    return "Helo["
        + rules
        + ", "
        + skips
        + (localNames.isEmpty() && localDomains.isEmpty()
            ? ""
            : ", localNames=" + (localNames.size() + localDomains.size()))
        + (localAddresses.isEmpty() ? "" : ", localAddresses=" + localAddresses.size())
        + ", dynamicPatterns="
        + dynamicPatterns.keySet()
        + (embeddedIp ? "+embedded-ip" : "")
        + ", providers="
        + providers.size()
        + "]";
  }

  private static Map<String, Pattern> patterns(String... nameThenRegex) {
    Map<String, Pattern> m = new LinkedHashMap<>();
    for (int i = 0; i < nameThenRegex.length; i += 2) {
      m.put(nameThenRegex[i], Pattern.compile(nameThenRegex[i + 1]));
    }
    return Collections.unmodifiableMap(m);
  }

  private static Map<String, Set<String>> providers() {
    Map<String, Set<String>> m = new LinkedHashMap<>();
    Set<String> google = Set.of("google.com");
    for (String d : List.of("google.com", "gmail.com", "googlemail.com")) {
      m.put(d, google);
    }
    Set<String> yahoo = Set.of("yahoo.com", "yahoo.net", "aol.com");
    for (String d :
        List.of(
            "yahoo.com",
            "yahoo.co.uk",
            "yahoo.fr",
            "yahoo.de",
            "ymail.com",
            "rocketmail.com",
            "aol.com")) {
      m.put(d, yahoo);
    }
    Set<String> microsoft = Set.of("outlook.com", "hotmail.com");
    for (String d : List.of("outlook.com", "hotmail.com", "live.com", "msn.com")) {
      m.put(d, microsoft);
    }
    Set<String> apple = Set.of("apple.com", "icloud.com", "me.com", "mac.com");
    for (String d : List.of("icloud.com", "me.com", "mac.com", "apple.com")) {
      m.put(d, apple);
    }
    m.put("amazon.com", Set.of("amazon.com", "amazonses.com"));
    return Collections.unmodifiableMap(m);
  }

  /** Builds a {@link Helo}. Not thread-safe; each setting once, lists add up. */
  public static final class Builder {
    private final FindingRules.Builder rules = new FindingRules.Builder();
    private final Skips.Builder skips = new Skips.Builder();
    private final Set<String> localNames = new LinkedHashSet<>();
    private final Set<String> localDomains = new LinkedHashSet<>();
    private final Set<InetAddress> localAddresses = new LinkedHashSet<>();
    private @Nullable Map<String, Pattern> dynamicPatterns;
    private boolean embeddedIp = true;
    private boolean embeddedIpSet;
    private @Nullable Map<String, Set<String>> providers;

    private Builder() {}

    /** Which findings reject on their own (default {@link HeloPolicy#LENIENT}: none). */
    public Builder policy(HeloPolicy policy) {
      rules.policy(policy);
      return this;
    }

    /** The reply used when a finding rejects. */
    public Builder reply(HeloFinding finding, SmtpReply reply) {
      rules.reply(finding, reply);
      return this;
    }

    /**
     * These findings reject whatever the policy, including those RFC 5321 section 4.1.4 says not to
     * reject on: naming them here is the user's explicit choice.
     */
    public Builder rejectOn(HeloFinding... findings) {
      rules.rejectOn(findings);
      return this;
    }

    /** These findings only score, whatever the policy. */
    public Builder scoreOnly(HeloFinding... findings) {
      rules.scoreOnly(findings);
      return this;
    }

    /**
     * This server's own host names: a HELO naming one is {@link HeloFinding#IMPERSONATION}. A name
     * starting with a dot ({@code .example.org}) covers that domain and every name below it.
     */
    public Builder localNames(String... names) {
      for (String n : names) {
        String c = DomainNames.canonical(requireNonNull(n, "name"));
        if (c.startsWith(".") && c.length() > 1) {
          localDomains.add(c.substring(1));
        } else if (!c.isEmpty() && !c.equals(".")) {
          localNames.add(c);
        } else {
          throw new IllegalArgumentException("empty local name");
        }
      }
      return this;
    }

    /**
     * This server's own addresses: a HELO literal with one is {@link HeloFinding#IMPERSONATION}.
     */
    public Builder localAddresses(InetAddress... addresses) {
      for (InetAddress a : addresses) {
        localAddresses.add(requireNonNull(a, "address"));
      }
      return this;
    }

    /**
     * Replaces the generic/dynamic name patterns (name to regex, matched with {@code find()} in the
     * lower-case labels left of the registrable domain). An empty map turns keyword matching off.
     * Default {@link Helo#DEFAULT_DYNAMIC_PATTERNS}.
     */
    public Builder dynamicPatterns(Map<String, Pattern> patterns) {
      if (dynamicPatterns != null) {
        throw new IllegalStateException("dynamic patterns were already set");
      }
      Map<String, Pattern> copy = new LinkedHashMap<>();
      requireNonNull(patterns, "patterns")
          .forEach((k, v) -> copy.put(requireNonNull(k, "name"), requireNonNull(v, "pattern")));
      dynamicPatterns = copy;
      return this;
    }

    /** Adds one pattern to the current set (the defaults unless replaced). */
    public Builder addDynamicPattern(String name, String regex) {
      requireNonNull(name, "name");
      requireNonNull(regex, "regex");
      if (dynamicPatterns == null) {
        dynamicPatterns = new LinkedHashMap<>(DEFAULT_DYNAMIC_PATTERNS);
      }
      try {
        dynamicPatterns.put(name, Pattern.compile(regex));
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("bad pattern '" + name + "': " + e.getDescription(), e);
      }
      return this;
    }

    /** Whether the client's IPv4 address spelled in a name marks it dynamic (default true). */
    public Builder embeddedIpDetection(boolean enabled) {
      if (embeddedIpSet) {
        throw new IllegalStateException("embedded-IP detection was already set");
      }
      embeddedIpSet = true;
      embeddedIp = enabled;
      return this;
    }

    /**
     * Replaces the big-provider map: HELO domain to the reverse-DNS domains allowed to use it.
     * Default {@link Helo#DEFAULT_PROVIDERS}; an empty map turns the check off.
     */
    public Builder providers(Map<String, Set<String>> heloToRdnsDomains) {
      if (providers != null) {
        throw new IllegalStateException("providers were already set");
      }
      providers = new LinkedHashMap<>();
      requireNonNull(heloToRdnsDomains, "providers")
          .forEach((k, v) -> provider(k, v.toArray(String[]::new)));
      return this;
    }

    /** Adds one provider to the current map (the defaults unless replaced). */
    public Builder provider(String heloDomain, String... rdnsDomains) {
      if (providers == null) {
        providers = new LinkedHashMap<>(DEFAULT_PROVIDERS);
      }
      if (rdnsDomains.length == 0) {
        throw new IllegalArgumentException(
            "provider " + heloDomain + " needs at least one reverse-DNS domain");
      }
      Set<String> allowed = new LinkedHashSet<>();
      for (String d : rdnsDomains) {
        allowed.add(DomainNames.canonical(requireNonNull(d, "rdnsDomain")));
      }
      providers.put(
          DomainNames.canonical(requireNonNull(heloDomain, "heloDomain")), Set.copyOf(allowed));
      return this;
    }

    /** Whether sessions with an authenticated user are skipped (default true). */
    public Builder skipAuthenticated(boolean skip) {
      skips.skipAuthenticated(skip);
      return this;
    }

    /** Clients in this network (CIDR, e.g. {@code 10.0.0.0/8}, or one address) are skipped. */
    public Builder trustedNetwork(String cidr) {
      skips.trustedNetwork(cidr);
      return this;
    }

    /** {@link #trustedNetwork} for each. */
    public Builder trustedNetworks(String... cidrs) {
      for (String c : cidrs) {
        trustedNetwork(c);
      }
      return this;
    }

    public Helo build() {
      return new Helo(this);
    }
  }
}
