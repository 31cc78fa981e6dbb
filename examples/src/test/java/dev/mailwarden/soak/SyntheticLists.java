package dev.mailwarden.soak;

import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsRecord;
import dev.mailwarden.dns.DnsResolver;
import dev.mailwarden.dns.RecordType;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Two DNS blocklists that list a fixed pseudo-random share of every address space, answered in
 * memory without storing anything per address (a zone file cannot hold 10 million names).
 *
 * <p>Whether an address is listed is a hash of its RFC 5782 query label (reversed octets or
 * nibbles). The resolver derives it from the query name the library sends; the tests derive it from
 * the client address with their own label builder ({@link #label}). If the library built a wrong
 * query name, the two would disagree and the tests would fail.
 *
 * <ul>
 *   <li>{@value #BLOCK_ZONE}: about 1 address in 16 listed with 127.0.0.2;
 *   <li>{@value #POLICY_ZONE}: about 1 in 8 listed with 127.0.0.10, independently;
 *   <li>the RFC 5782 test points (127.0.0.2 listed, 127.0.0.1 not) answer correctly on both, so the
 *       lists' health probes find them healthy.
 * </ul>
 *
 * <p>With an executor, a fixed share of the names is answered asynchronously on it (like a network
 * resolver), the others at once.
 */
final class SyntheticLists implements DnsResolver {
  static final String BLOCK_ZONE = "bl.soak.test";
  static final String POLICY_ZONE = "pbl.soak.test";
  static final long TTL_SECONDS = 300;

  private static final String BLOCK_SUFFIX = "." + BLOCK_ZONE;
  private static final String POLICY_SUFFIX = "." + POLICY_ZONE;
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final String POSITIVE_V4 = "2.0.0.127";
  private static final String NEGATIVE_V4 = "1.0.0.127";
  // the IPv6 test points are ::ffff:127.0.0.2 and ::ffff:127.0.0.1 spelled as 32 nibbles
  private static final String POSITIVE_V6 = label(mappedLoopback(2));
  private static final String NEGATIVE_V6 = label(mappedLoopback(1));

  private final DnsRecord.Address blockCode = new DnsRecord.Address(address("127.0.0.2"));
  private final DnsRecord.Address policyCode = new DnsRecord.Address(address("127.0.0.10"));
  private final DnsRecord.Txt reason = DnsRecord.Txt.of("listed by the soak test");
  private final Executor async;
  private final int asyncOneIn;
  private final AtomicLong queries = new AtomicLong();
  private final AtomicLong unexpected = new AtomicLong();

  private SyntheticLists(Executor async, int asyncOneIn) {
    this.async = async;
    this.asyncOneIn = asyncOneIn;
  }

  /** Every answer at once (completed futures). */
  static SyntheticLists immediate() {
    return new SyntheticLists(null, 1);
  }

  /** About one answer in {@code oneIn} (by name) completed later on {@code executor}. */
  static SyntheticLists partlyAsync(Executor executor, int oneIn) {
    return new SyntheticLists(executor, oneIn);
  }

  @Override
  public CompletableFuture<DnsAnswer> lookup(String name, RecordType type) {
    queries.incrementAndGet();
    DnsAnswer answer = answer(name.toLowerCase(Locale.ROOT), type);
    if (async != null && Long.remainderUnsigned(mix(name.hashCode()), asyncOneIn) == 0) {
      return CompletableFuture.supplyAsync(() -> answer, async);
    }
    return CompletableFuture.completedFuture(answer);
  }

  private DnsAnswer answer(String name, RecordType type) {
    String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    boolean block = n.endsWith(BLOCK_SUFFIX);
    boolean policy = !block && n.endsWith(POLICY_SUFFIX);
    if (!block && !policy) {
      unexpected.incrementAndGet();
      return DnsAnswer.nxdomain(name, type, TTL_SECONDS);
    }
    String label = n.substring(0, n.length() - (block ? BLOCK_SUFFIX : POLICY_SUFFIX).length());
    boolean listed = block ? isBlockListed(label) : isPolicyListed(label);
    if (!listed) {
      return DnsAnswer.nxdomain(name, type, TTL_SECONDS);
    }
    return switch (type) {
      case A -> DnsAnswer.of(name, type, List.of(block ? blockCode : policyCode), TTL_SECONDS);
      case TXT -> DnsAnswer.of(name, type, List.of(reason), TTL_SECONDS);
      default -> DnsAnswer.nodata(name, type, TTL_SECONDS);
    };
  }

  /** Queries received (including those for names outside both zones). */
  long queries() {
    return queries.get();
  }

  /** Queries for names outside both zones: the library should never send any. */
  long unexpectedQueries() {
    return unexpected.get();
  }

  /** Whether {@code label} (reversed octets or nibbles, lower case) is on {@value #BLOCK_ZONE}. */
  static boolean isBlockListed(String label) {
    if (label.equals(POSITIVE_V4) || label.equals(POSITIVE_V6)) {
      return true;
    }
    if (label.equals(NEGATIVE_V4) || label.equals(NEGATIVE_V6)) {
      return false;
    }
    return (mix(label.hashCode()) & 15) == 0;
  }

  /** Whether {@code label} is on {@value #POLICY_ZONE}. */
  static boolean isPolicyListed(String label) {
    if (label.equals(POSITIVE_V4) || label.equals(POSITIVE_V6)) {
      return true;
    }
    if (label.equals(NEGATIVE_V4) || label.equals(NEGATIVE_V6)) {
      return false;
    }
    return ((mix(label.hashCode()) >>> 8) & 7) == 0;
  }

  /**
   * The RFC 5782 query label of an address, written here independently of the library: IPv4 as its
   * four octets reversed, IPv6 as its 32 nibbles reversed, lower-case hex.
   */
  static String label(InetAddress ip) {
    return label(ip.getAddress());
  }

  /** {@link #label(InetAddress)} of 4 or 16 address bytes. */
  static String label(byte[] a) {
    StringBuilder b = new StringBuilder(a.length == 4 ? 15 : 63);
    if (a.length == 4) {
      for (int i = 3; i >= 0; i--) {
        b.append(a[i] & 0xff);
        if (i > 0) {
          b.append('.');
        }
      }
    } else {
      for (int i = 15; i >= 0; i--) {
        b.append(HEX[a[i] & 0xf]).append('.').append(HEX[(a[i] >>> 4) & 0xf]);
        if (i > 0) {
          b.append('.');
        }
      }
    }
    return b.toString();
  }

  /** A 64-bit finalizer (SplitMix64's): spreads a hash so that its low bits are usable. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  private static byte[] mappedLoopback(int last) {
    byte[] b = new byte[16];
    b[10] = (byte) 0xff;
    b[11] = (byte) 0xff;
    b[12] = 127;
    b[15] = (byte) last;
    return b;
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public String toString() {
    return "SyntheticLists["
        + BLOCK_ZONE
        + ", "
        + POLICY_ZONE
        + (async == null ? "" : ", partly async")
        + "]";
  }
}
