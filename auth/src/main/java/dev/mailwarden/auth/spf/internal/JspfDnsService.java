package dev.mailwarden.auth.spf.internal;

import dev.mailwarden.CheckContext;
import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsRecord;
import dev.mailwarden.dns.RecordType;
import dev.mailwarden.internal.DomainNames;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.james.jspf.core.DNSRequest;
import org.apache.james.jspf.core.DNSService;
import org.apache.james.jspf.core.exceptions.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * jSPF's {@link DNSService} over our resolver. jSPF is synchronous, so each lookup waits for our
 * future, at most until the evaluation's deadline. It also closes what jSPF leaves open: it counts
 * void lookups and MX names (jSPF enforces neither), notes DNS errors on address lookups (jSPF
 * takes an error in {@code exists:} as no match), never queries type SPF (99), and hands TXT bytes
 * over unchanged (ISO-8859-1, one char per byte) instead of dnsjava's escapes.
 *
 * <p>One instance serves every evaluation; the evaluation in progress on the current thread is held
 * in a thread-local, because jSPF's synchronous executor runs a whole check on one thread.
 */
final class JspfDnsService implements DNSService {
  @SuppressWarnings("ThreadLocalUsage") // per service: each jSPF engine instance has its own state
  private final ThreadLocal<State> current = new ThreadLocal<>();

  /**
   * The longest SPF term handed to jSPF. jSPF 1.0.5 parses a term with a regular expression that
   * recurses once per character, so a long term (about 1.5 KB on a 1 MB thread stack) ends in a
   * StackOverflowError, an outage-shaped temperror where the record is simply broken. Real terms
   * are a domain name and a few macros; 512 leaves room for both.
   */
  static final int MAX_TERM_OCTETS = 512;

  static final String CAP_TERM_OCTETS = "spf.term-octets";

  /**
   * Handed to jSPF instead of a record over {@link #MAX_TERM_OCTETS}: an unknown mechanism, which
   * jSPF answers with permerror (RFC 7208 section 5), the result the check then reports with our
   * reason.
   */
  private static final String OVER_CAP_RECORD = "v=spf1 over-cap";

  /** The length of the longest space-separated term of {@code record}. */
  static int longestTerm(String record) {
    int longest = 0;
    int run = 0;
    for (int i = 0; i < record.length(); i++) {
      run = record.charAt(i) == ' ' ? 0 : run + 1;
      longest = Math.max(longest, run);
    }
    return longest;
  }

  /** What one evaluation spent and noticed. */
  static final class State {
    final CheckContext context;
    final int voidLimit;
    int queries;
    int voids;
    @Nullable String overLimit;
    @Nullable String overLimitCap; // the CapExceeded name of overLimit, if it has one
    @Nullable String dnsError;
    boolean deadlinePassed;

    /** Names learned from MX and PTR answers: their address lookups are not "terms". */
    final Set<String> secondary = new HashSet<>();

    /** Names learned from PTR answers: errors on them are skipped (RFC 7208 section 5.5). */
    final Set<String> fromPtr = new HashSet<>();

    State(CheckContext context, int voidLimit) {
      this.context = context;
      this.voidLimit = voidLimit;
    }
  }

  void begin(State s) {
    current.set(s);
  }

  void end() {
    current.remove();
  }

  @Override
  public List<String> getRecords(DNSRequest request) throws TimeoutException {
    State s = current.get();
    if (s == null) {
      throw new IllegalStateException("jSPF DNS lookup outside an evaluation");
    }
    RecordType type =
        switch (request.getRecordType()) {
          case DNSRequest.A -> RecordType.A;
          case DNSRequest.AAAA -> RecordType.AAAA;
          case DNSRequest.MX -> RecordType.MX;
          case DNSRequest.PTR -> RecordType.PTR;
          case DNSRequest.TXT -> RecordType.TXT;
          default -> null; // type SPF (99): RFC 7208 section 3.1 says not to query it
        };
    if (type == null) {
      return null;
    }
    String name = DomainNames.stripDot(request.getHostname());
    String key = name.toLowerCase(Locale.ROOT);
    boolean secondary = s.secondary.contains(key);
    long remaining = s.context.deadlineNanos() - s.context.ticker().read();
    if (remaining <= 0) {
      s.deadlinePassed = true;
      throw new TimeoutException("SPF time bound reached");
    }
    s.queries++;
    DnsAnswer a;
    try {
      CompletableFuture<DnsAnswer> f = s.context.dns().lookup(name, type);
      a = f.get(remaining, TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      s.deadlinePassed = true;
      throw new TimeoutException("SPF time bound reached during " + name + " " + type);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      s.deadlinePassed = true;
      throw new TimeoutException("interrupted");
    } catch (ExecutionException | RuntimeException e) {
      noteError(s, type, secondary, name + " " + type + ": resolver failed");
      throw new TimeoutException("resolver failed for " + name);
    }
    if (a.isError() && (type == RecordType.PTR || s.fromPtr.contains(key))) {
      return null; // RFC 7208 section 5.5: a DNS error on the PTR path is no match, not temperror
    }
    if (a.isError()) {
      noteError(s, type, secondary, "DNS " + a.status() + " for " + name + " " + type);
      throw new TimeoutException("DNS " + a.status() + " for " + name);
    }
    if (a.isVoid()) {
      if (type != RecordType.TXT && !secondary) {
        s.voids++;
        if (s.voids > s.voidLimit && s.overLimit == null) {
          s.overLimit = "more than " + s.voidLimit + " void lookups (last: " + name + ")";
          s.overLimitCap = NativeEngine.CAP_VOID_LOOKUPS;
        }
      }
      return null;
    }
    List<String> out = new ArrayList<>(a.records().size());
    switch (type) {
      case A, AAAA -> {
        for (InetAddress ip : a.addresses()) {
          out.add(ip.getHostAddress());
        }
      }
      case MX -> {
        List<DnsRecord.Mx> mxs = a.mxs();
        if (mxs.size() > NativeEngine.MAX_NAMES && s.overLimit == null) {
          s.overLimit =
              name + " has " + mxs.size() + " MX records, more than " + NativeEngine.MAX_NAMES;
        }
        for (DnsRecord.Mx mx : mxs) {
          s.secondary.add(mx.exchange().toLowerCase(Locale.ROOT));
          out.add(mx.exchange() + ".");
        }
      }
      case PTR -> {
        for (String n : a.names()) {
          // names are case-insensitive (RFC 4343); jSPF compares them case-sensitively
          String lower = DomainNames.stripDot(n).toLowerCase(Locale.ROOT);
          s.secondary.add(lower);
          s.fromPtr.add(lower);
          out.add(lower);
        }
      }
      case TXT -> {
        for (DnsRecord.Txt t : a.txts()) {
          String text = new String(t.joined(), StandardCharsets.ISO_8859_1);
          if (!SpfRecord.isSpfRecord(t.joined())) {
            out.add(text);
            continue;
          }
          int longest = longestTerm(text);
          if (longest > MAX_TERM_OCTETS) {
            if (s.overLimit == null) {
              s.overLimit =
                  "an SPF term of "
                      + longest
                      + " octets at "
                      + name
                      + ", more than "
                      + MAX_TERM_OCTETS
                      + " (the jSPF engine's cap)";
              s.overLimitCap = CAP_TERM_OCTETS;
            }
            out.add(OVER_CAP_RECORD);
          } else {
            out.add(lowerCaseOutsideMacros(text));
          }
        }
      }
      default -> {}
    }
    return out;
  }

  /**
   * An error in an address lookup of a mechanism is temperror (RFC 7208 section 5); errors on names
   * from PTR answers are skipped (section 5.5) and TXT errors are handled by jSPF itself (record
   * lookups give temperror, exp= falls back to the default explanation).
   */
  private static void noteError(State s, RecordType type, boolean secondary, String problem) {
    if ((type == RecordType.A || type == RecordType.AAAA) && !secondary && s.dnsError == null) {
      s.dnsError = problem;
    }
  }

  /**
   * Domain names and mechanism names in a record are case-insensitive, but jSPF compares the {@code
   * ptr:} target with PTR names case-sensitively; lower-casing everything but the macros (whose
   * letter case selects URL escaping) closes that gap without changing the record's meaning.
   */
  static String lowerCaseOutsideMacros(String record) {
    StringBuilder b = new StringBuilder(record.length());
    int i = 0;
    while (i < record.length()) {
      char c = record.charAt(i);
      if (c == '%' && i + 1 < record.length()) {
        int end = record.charAt(i + 1) == '{' ? record.indexOf('}', i) : i + 1;
        end = end < 0 ? record.length() - 1 : end;
        b.append(record, i, end + 1);
        i = end + 1;
      } else {
        b.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
        i++;
      }
    }
    return b.toString();
  }

  @Override
  public CompletionStage<List<String>> getRecordsAsync(DNSRequest request) {
    try {
      return CompletableFuture.completedFuture(getRecords(request));
    } catch (TimeoutException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public List<String> getLocalDomainNames() {
    return List.of(); // never resolve the local host: it would leave our resolver
  }

  @Override
  public void setTimeOut(int timeOut) {
    // the evaluation's deadline bounds every lookup
  }

  @Override
  public int getRecordLimit() {
    return NativeEngine.MAX_NAMES;
  }

  @Override
  public void setRecordLimit(int recordLimit) {
    // fixed by RFC 7208
  }
}
