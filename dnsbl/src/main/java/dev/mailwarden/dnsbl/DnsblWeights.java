package dev.mailwarden.dnsbl;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.CheckResult;
import dev.mailwarden.Weights;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How DNS-list listings score, given at registration: each listed list adds its weight; errors and
 * non-listings add nothing. A list listed for several subjects (an RHSBL hit on HELO and MAIL FROM)
 * counts once. Lists not named here score the default: {@code +1} for a blocklist, {@code -1} for
 * an allowlist (postscreen's default weight). Immutable.
 *
 * <pre>{@code
 * builder.check(Dnsbl.check(Dnsbl.spamhausZen(), Dnswl.dnswlOrg()),
 *     DnsblWeights.builder().list("zen.spamhaus.org", 5.0).list("list.dnswl.org", -2.0).build());
 * builder.check(Dnsbl.check(Dnsbl.list("bl.example.net")), DnsblWeights.listed(2.0));
 * }</pre>
 */
public final class DnsblWeights implements Weights {
  private static final DnsblWeights DEFAULTS = new DnsblWeights(Map.of(), 1.0, -1.0);

  private final Map<String, Double> byList;
  private final double blocklist;
  private final double allowlist;

  private DnsblWeights(Map<String, Double> byList, double blocklist, double allowlist) {
    this.byList = Map.copyOf(byList);
    this.blocklist = blocklist;
    this.allowlist = allowlist;
  }

  /** +1 per listing blocklist, -1 per listing allowlist: the default of {@link Dnsbl#check}. */
  public static DnsblWeights defaults() {
    return DEFAULTS;
  }

  /**
   * Every listing blocklist scores {@code weight}, every listing allowlist {@code -weight} (so
   * {@code listed(5.0)} on ZEN rejects on one listing).
   */
  public static DnsblWeights listed(double weight) {
    requireFinite(weight, "weight");
    return new DnsblWeights(Map.of(), weight, -Math.abs(weight));
  }

  public static Builder builder() {
    return new Builder();
  }

  /** What a listing on {@code list} scores: its weight by name, else by zone, else the default. */
  public double weight(ListResult list) {
    Double w = byList.get(list.list());
    if (w == null) {
      w = byList.get(list.zone());
    }
    return w != null ? w : list.allowlist() ? allowlist : blocklist;
  }

  @Override
  public double score(CheckResult result) {
    if (!(result instanceof DnsblResult r)) {
      return 0.0;
    }
    List<ListResult> lists = r.lists();
    int n = lists.size();
    double sum = 0;
    // a list with several subjects (RHSBL: one result per domain) counts once; few results are
    // compared pairwise, which allocates nothing on the hot path, many go through a set
    Set<String> counted = n > SMALL ? new HashSet<>() : null;
    for (int i = 0; i < n; i++) {
      ListResult l = lists.get(i);
      if (!l.isListed()) {
        continue;
      }
      boolean seen = counted != null ? !counted.add(l.list()) : listedBefore(lists, i, l.list());
      if (!seen) {
        sum += weight(l);
      }
    }
    return sum;
  }

  private static final int SMALL = 16;

  private static boolean listedBefore(List<ListResult> lists, int end, String list) {
    for (int j = 0; j < end; j++) {
      ListResult other = lists.get(j);
      if (other.isListed() && other.list().equals(list)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "DnsblWeights["
        + (byList.isEmpty() ? "" : byList + ", ")
        + "blocklists="
        + blocklist
        + ", allowlists="
        + allowlist
        + "]";
  }

  private static void requireFinite(double w, String what) {
    if (!Double.isFinite(w)) {
      throw new IllegalArgumentException(what + " must be finite: " + w);
    }
  }

  /** Builds {@link DnsblWeights}; each list once. */
  public static final class Builder {
    private final Map<String, Double> byList = new LinkedHashMap<>();
    private double blocklist = 1.0;
    private double allowlist = -1.0;

    private Builder() {}

    /**
     * What a listing on {@code list} scores: a list's {@linkplain DnsList#name() name} (e.g. {@code
     * bl.example.net=127.0.0.[2..11]}) or its zone ({@code bl.example.net}, every list on it that
     * is not named here). Positive pushes towards reject, negative (allowlists, {@link Dnswl})
     * towards accept.
     */
    public Builder list(String list, double weight) {
      requireNonNull(list, "list");
      requireFinite(weight, "weight of " + list);
      if (byList.putIfAbsent(list, weight) != null) {
        throw new IllegalStateException("weight of " + list + " was already set");
      }
      return this;
    }

    /** What a listing on a blocklist not named with {@link #list} scores (default +1). */
    public Builder otherBlocklists(double weight) {
      requireFinite(weight, "weight");
      this.blocklist = weight;
      return this;
    }

    /** What a listing on an allowlist not named with {@link #list} scores (default -1). */
    public Builder otherAllowlists(double weight) {
      requireFinite(weight, "weight");
      this.allowlist = weight;
      return this;
    }

    public DnsblWeights build() {
      return new DnsblWeights(byList, blocklist, allowlist);
    }
  }
}
