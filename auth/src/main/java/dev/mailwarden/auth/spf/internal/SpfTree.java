package dev.mailwarden.auth.spf.internal;

import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsRecord;
import dev.mailwarden.dns.DnsResolver;
import dev.mailwarden.dns.DnsStatus;
import dev.mailwarden.dns.RecordType;
import dev.mailwarden.internal.DomainNames;
import dev.mailwarden.internal.ReverseNames;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * The SPF record tree of a domain, read statically: every record reachable through {@code include:}
 * and {@code redirect=}, parsed with {@link SpfRecord}, and the worst case a receiver meets when no
 * mechanism matches — the DNS-querying terms it evaluates (RFC 7208 section 4.6.4: at most 10), the
 * void lookups among them (at most 2; a, mx, exists, and ptr for the client address), {@code mx}
 * names over 10, include loops. Used by the doctor; the evaluation itself is {@link
 * NativeEngine}'s.
 *
 * <p>The records come from strangers, so the walk is bounded: at most {@link #MAX_RECORDS} distinct
 * records and {@link #MAX_PROBES} a/mx/exists probes are fetched, and the worst case is expanded
 * with an explicit stack over at most {@link #MAX_EXPANDED} record visits (an include loop or a
 * wide tree ends the count as "at least N"). Macros are expanded for the given client address and
 * sender, as a receiver would.
 */
public final class SpfTree {
  /** Distinct SPF records fetched at most (a tree within the RFC's limits has at most 11). */
  public static final int MAX_RECORDS = 40;

  /** a/mx/exists targets probed for void answers at most. */
  public static final int MAX_PROBES = 60;

  /** Record visits counted at most when expanding the worst case. */
  public static final int MAX_EXPANDED = 1_000;

  /** How the TXT lookup of one domain ended. */
  public enum Status {
    /** Exactly one SPF record that parses. */
    RECORD,
    /** No SPF record (NXDOMAIN, NODATA or only other TXT records). */
    NONE,
    /** More than one SPF record: permerror (RFC 7208 section 4.5). */
    MULTIPLE,
    /** One SPF record that does not parse: permerror. */
    SYNTAX,
    /** SERVFAIL, TIMEOUT or REFUSED: temperror. */
    DNS_ERROR,
    /** Not fetched: the record cap was reached. */
    NOT_FETCHED
  }

  /**
   * One domain's SPF record.
   *
   * @param domain the domain queried
   * @param status how its lookup ended
   * @param record the parsed record for {@link Status#RECORD}
   * @param texts the SPF records' texts as published (one for RECORD and SYNTAX)
   * @param problem what went wrong, empty for RECORD
   */
  public record Node(
      String domain,
      Status status,
      @Nullable SpfRecord record,
      List<String> texts,
      String problem) {
    public Node {
      texts = List.copyOf(texts);
    }
  }

  /**
   * The worst case over the tree.
   *
   * @param root the record of the domain asked for
   * @param nodes every record fetched, by domain (the root first)
   * @param lookups DNS-querying terms a receiver evaluates when nothing matches (include, a, mx,
   *     ptr, exists, redirect), over the whole tree
   * @param capped true when a cap stopped the walk: {@code lookups} and the void count are lower
   *     bounds
   * @param voidNames a/mx/exists/ptr lookups that answered NXDOMAIN or NODATA, one entry per
   *     evaluation
   * @param loops include/redirect cycles, as {@code a.example -> b.example -> a.example}
   * @param wideMx {@code mx} targets with more than 10 MX names
   * @param ptrUses domains whose record uses the {@code ptr} mechanism
   * @param dnsErrors lookups that failed (SERVFAIL, TIMEOUT, REFUSED)
   * @param invalidTargets include/redirect targets that are not valid domain names after expansion
   */
  public record Analysis(
      Node root,
      Map<String, Node> nodes,
      int lookups,
      boolean capped,
      List<String> voidNames,
      List<String> loops,
      List<String> wideMx,
      List<String> ptrUses,
      List<String> dnsErrors,
      List<String> invalidTargets) {
    public Analysis {
      nodes = Collections.unmodifiableMap(new LinkedHashMap<>(nodes));
      voidNames = List.copyOf(voidNames);
      loops = List.copyOf(loops);
      wideMx = List.copyOf(wideMx);
      ptrUses = List.copyOf(ptrUses);
      dnsErrors = List.copyOf(dnsErrors);
      invalidTargets = List.copyOf(invalidTargets);
    }
  }

  private SpfTree() {}

  /**
   * Fetches the tree of {@code domain} and analyses its worst case for {@code client} and {@code
   * sender}. The analysis runs on {@code executor}; the future never fails for DNS trouble.
   */
  public static CompletableFuture<Analysis> analyse(
      DnsResolver dns, String domain, InetAddress client, String sender, Executor executor) {
    Walk walk = new Walk(dns, client, sender);
    walk.fetch(DomainNames.stripDot(domain).toLowerCase(Locale.ROOT));
    return walk.done.thenApplyAsync(
        v -> walk.expand(DomainNames.stripDot(domain).toLowerCase(Locale.ROOT)), executor);
  }

  /** A probe of an a/mx/exists target: its answer status and, for MX, the number of names. */
  private record Probe(DnsStatus status, int names, String detail) {}

  /** The fetch phase: records and probes, all in flight at once; then the count. */
  private static final class Walk {
    final DnsResolver dns;
    final InetAddress client;
    final String sender;
    final boolean v4;
    final CompletableFuture<Void> done = new CompletableFuture<>();
    // guarded by this: completions arrive on resolver threads
    final Map<String, Node> nodes = new LinkedHashMap<>();
    final Map<String, Probe> probes = new HashMap<>();
    final List<String> dnsErrors = new ArrayList<>();
    int pending;
    int probeCount;
    boolean probesCapped;

    Walk(DnsResolver dns, InetAddress client, String sender) {
      this.dns = dns;
      this.client = client;
      this.sender = sender;
      this.v4 = client instanceof Inet4Address;
    }

    void fetch(String domain) {
      synchronized (this) {
        if (nodes.containsKey(domain)) {
          return;
        }
        if (nodes.size() >= MAX_RECORDS) {
          nodes.put(
              domain,
              new Node(
                  domain,
                  Status.NOT_FETCHED,
                  null,
                  List.of(),
                  "not fetched: more than " + MAX_RECORDS + " records in the tree"));
          return;
        }
        nodes.put(domain, new Node(domain, Status.NOT_FETCHED, null, List.of(), "pending"));
        pending++;
      }
      lookup(domain, RecordType.TXT)
          .thenAccept(
              a -> {
                try {
                  Node node = node(domain, a);
                  synchronized (this) {
                    nodes.put(domain, node);
                    if (node.status == Status.DNS_ERROR) {
                      dnsErrors.add(node.problem);
                    }
                  }
                  if (node.record != null) {
                    follow(node);
                  }
                } finally {
                  finishOne(); // after follow() counted the children, so the walk cannot end early
                }
              });
    }

    private void follow(Node node) {
      SpfRecord r = node.record;
      for (SpfRecord.Directive d : r.directives) {
        if (d.kind == SpfRecord.Kind.PTR) {
          probe(ReverseNames.of(client.getAddress()), RecordType.PTR); // void without a PTR record
          continue;
        }
        String target =
            d.kind == SpfRecord.Kind.INCLUDE
                    || d.kind == SpfRecord.Kind.A
                    || d.kind == SpfRecord.Kind.MX
                    || d.kind == SpfRecord.Kind.EXISTS
                ? target(d.domainSpec, node.domain)
                : null;
        if (target == null) {
          continue;
        }
        switch (d.kind) {
          case INCLUDE -> fetch(target);
          case A -> probe(target, v4 ? RecordType.A : RecordType.AAAA);
          case MX -> probe(target, RecordType.MX);
          case EXISTS -> probe(target, RecordType.A);
          default -> {}
        }
      }
      if (r.redirect != null && !hasAll(r)) {
        String target = target(r.redirect, node.domain);
        if (target != null) {
          fetch(target);
        }
      }
    }

    private void probe(String name, RecordType type) {
      String key = type + " " + name;
      synchronized (this) {
        if (probes.containsKey(key)) {
          return;
        }
        if (probeCount >= MAX_PROBES) {
          probesCapped = true;
          return;
        }
        probeCount++;
        probes.put(key, new Probe(DnsStatus.NOERROR, 0, "pending"));
        pending++;
      }
      lookup(name, type)
          .thenAccept(
              a -> {
                try {
                  synchronized (this) {
                    probes.put(
                        key,
                        new Probe(
                            a.status(), type == RecordType.MX ? a.mxs().size() : 0, describe(a)));
                    if (a.isError()) {
                      dnsErrors.add(describe(a));
                    }
                  }
                } finally {
                  finishOne();
                }
              });
    }

    private void finishOne() {
      boolean last;
      synchronized (this) {
        last = --pending == 0;
      }
      if (last) {
        done.complete(null);
      }
    }

    private CompletableFuture<DnsAnswer> lookup(String name, RecordType type) {
      CompletableFuture<DnsAnswer> f;
      try {
        f = dns.lookup(name, type);
      } catch (RuntimeException e) {
        return CompletableFuture.completedFuture(
            DnsAnswer.error(name, type, DnsStatus.SERVFAIL, "resolver failed: " + e));
      }
      return f.exceptionally(
          e -> DnsAnswer.error(name, type, DnsStatus.SERVFAIL, "resolver failed: " + e));
    }

    /** The same record selection as {@code check_host()}: exactly one {@code v=spf1} TXT. */
    private static Node node(String domain, DnsAnswer a) {
      if (a.isError()) {
        return new Node(domain, Status.DNS_ERROR, null, List.of(), describe(a));
      }
      List<byte[]> found = new ArrayList<>(1);
      for (DnsRecord.Txt t : a.txts()) {
        byte[] bytes = t.joined();
        if (SpfRecord.isSpfRecord(bytes)) {
          found.add(bytes);
        }
      }
      List<String> texts = new ArrayList<>(found.size());
      for (byte[] b : found) {
        texts.add(printable(b));
      }
      if (found.isEmpty()) {
        return new Node(
            domain,
            Status.NONE,
            null,
            texts,
            "no SPF record at " + domain + " (" + a.status() + ")");
      }
      if (found.size() > 1) {
        return new Node(
            domain, Status.MULTIPLE, null, texts, found.size() + " SPF records at " + domain);
      }
      try {
        return new Node(domain, Status.RECORD, SpfRecord.parse(found.get(0)), texts, "");
      } catch (SpfSyntaxException e) {
        return new Node(domain, Status.SYNTAX, null, texts, e.getMessage());
      }
    }

    private static String describe(DnsAnswer a) {
      return a.name()
          + " "
          + a.type()
          + " "
          + a.status()
          + a.detail().map(d -> " (" + d + ")").orElse("");
    }

    /** The query name of a domain-spec in the record of {@code domain}; null when invalid. */
    private @Nullable String target(@Nullable MacroString spec, String domain) {
      if (spec == null) {
        return domain;
      }
      String expanded = spec.expand(new Values(domain));
      String name = DomainNames.lookupName(expanded);
      return name == null ? null : name.toLowerCase(Locale.ROOT);
    }

    /** Macro values of a receiver checking {@link #client} and {@link #sender}. */
    private final class Values implements MacroString.MacroValues {
      final String domain;

      Values(String domain) {
        this.domain = domain;
      }

      @Override
      public String value(char letter) {
        int at = sender.lastIndexOf('@');
        return switch (letter) {
          case 's' -> sender;
          case 'l' -> at < 0 ? "postmaster" : sender.substring(0, at);
          case 'o' -> at < 0 ? sender : sender.substring(at + 1);
          case 'd' -> domain;
          case 'i' -> Ip.macroForm(client.getAddress());
          case 'p' -> "unknown";
          case 'v' -> v4 ? "in-addr" : "ip6";
          case 'h' -> "unknown";
          case 'c' -> Ip.readable(client);
          case 'r' -> "unknown";
          case 't' -> "0";
          default -> throw new IllegalArgumentException("macro letter " + letter);
        };
      }
    }

    // ---- the worst case --------------------------------------------------------------------

    /** One record visit: its domain and the visit that included it (for loop detection). */
    private record Visit(String domain, @Nullable Visit parent) {
      boolean onPath(String d) {
        for (Visit v = this; v != null; v = v.parent) {
          if (v.domain.equals(d)) {
            return true;
          }
        }
        return false;
      }

      String path(String last) {
        List<String> names = new ArrayList<>();
        for (Visit v = this; v != null; v = v.parent) {
          names.add(0, v.domain);
        }
        names.add(last);
        return String.join(" -> ", names);
      }
    }

    Analysis expand(String rootDomain) {
      Map<String, Node> snapshot;
      Map<String, Probe> probeSnapshot;
      List<String> errors;
      boolean capped;
      synchronized (this) {
        capped = probesCapped;
        snapshot = new LinkedHashMap<>(nodes);
        probeSnapshot = new HashMap<>(probes);
        errors = new ArrayList<>(dnsErrors);
      }
      int lookups = 0;
      List<String> voids = new ArrayList<>();
      List<String> loops = new ArrayList<>();
      List<String> wideMx = new ArrayList<>();
      List<String> ptr = new ArrayList<>();
      List<String> invalid = new ArrayList<>();
      Deque<Visit> stack = new ArrayDeque<>();
      stack.push(new Visit(rootDomain, null));
      int visits = 0;
      while (!stack.isEmpty()) {
        if (++visits > MAX_EXPANDED) {
          capped = true;
          break;
        }
        Visit v = stack.pop();
        Node node = snapshot.get(v.domain);
        if (node == null || node.record == null) {
          capped |= node != null && node.status == Status.NOT_FETCHED;
          continue;
        }
        SpfRecord r = node.record;
        boolean sawAll = false;
        for (SpfRecord.Directive d : r.directives) {
          if (d.kind == SpfRecord.Kind.ALL) {
            sawAll = true;
            break; // nothing after 'all' is evaluated
          }
          if (d.kind == SpfRecord.Kind.IP4 || d.kind == SpfRecord.Kind.IP6) {
            continue;
          }
          lookups++;
          String target = target(d.domainSpec, v.domain);
          switch (d.kind) {
            case INCLUDE -> {
              if (target == null) {
                invalid.add(
                    "include:"
                        + (d.domainSpec == null ? "" : d.domainSpec.text())
                        + " in "
                        + v.domain);
              } else if (v.onPath(target)) {
                loops.add(v.path(target));
              } else {
                stack.push(new Visit(target, v));
              }
            }
            case A, EXISTS -> {
              RecordType type =
                  d.kind == SpfRecord.Kind.EXISTS || v4 ? RecordType.A : RecordType.AAAA;
              Probe p = target == null ? null : probeSnapshot.get(type + " " + target);
              if (p != null && p.status.isVoid()) {
                voids.add(
                    d.text + " in " + v.domain + " (" + target + " " + type + " " + p.status + ")");
              }
            }
            case MX -> {
              Probe p = target == null ? null : probeSnapshot.get(RecordType.MX + " " + target);
              if (p != null && p.status.isVoid()) {
                voids.add(d.text + " in " + v.domain + " (" + target + " MX " + p.status + ")");
              } else if (p != null && p.names > NativeEngine.MAX_NAMES) {
                wideMx.add(d.text + " in " + v.domain + " (" + p.names + " MX names)");
              }
            }
            case PTR -> {
              ptr.add(v.domain);
              String reverse = ReverseNames.of(client.getAddress());
              Probe p = probeSnapshot.get(RecordType.PTR + " " + reverse);
              if (p != null && p.status.isVoid()) {
                voids.add(d.text + " in " + v.domain + " (" + reverse + " PTR " + p.status + ")");
              }
            }
            default -> {}
          }
        }
        if (!sawAll && r.redirect != null) {
          lookups++;
          String target = target(r.redirect, v.domain);
          if (target == null) {
            invalid.add("redirect=" + r.redirect.text() + " in " + v.domain);
          } else if (v.onPath(target)) {
            loops.add(v.path(target));
          } else {
            stack.push(new Visit(target, v));
          }
        }
      }
      Node root = snapshot.get(rootDomain);
      return new Analysis(
          root,
          snapshot,
          lookups,
          capped,
          voids,
          dedupe(loops),
          dedupe(wideMx),
          dedupe(ptr),
          dedupe(errors),
          dedupe(invalid));
    }

    private static boolean hasAll(SpfRecord r) {
      for (SpfRecord.Directive d : r.directives) {
        if (d.kind == SpfRecord.Kind.ALL) {
          return true;
        }
      }
      return false;
    }

    private static List<String> dedupe(List<String> in) {
      return List.copyOf(new java.util.LinkedHashSet<>(in));
    }

    private static String printable(byte[] b) {
      StringBuilder s = new StringBuilder(b.length);
      for (byte x : b) {
        int c = x & 0xff;
        s.append(c >= 0x20 && c < 0x7f ? (char) c : '?');
      }
      return s.toString();
    }
  }
}
