package dev.mailwarden.dnsbl.internal;

import dev.mailwarden.CheckContext;
import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.RecordType;
import dev.mailwarden.dnsbl.ListHealthEvent;
import dev.mailwarden.internal.ReverseNames;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The health of one zone for one address family, probed per RFC 5782 section 5: the positive test
 * point must be listed with a non-error code, the negative one must not be listed. No thread of its
 * own: a lookup that finds a probe due starts it (at most one in flight), using the lookup's
 * resolver and ticker. DNS errors on a probe are inconclusive and retried sooner.
 */
public final class Health {
  public enum Family {
    IPV4("IPv4"),
    IPV6("IPv6"),
    DOMAIN("domain");

    final String label;

    Family(String label) {
      this.label = label;
    }
  }

  private static final long PROBE_TIMEOUT_SECONDS = 30;

  private final ListSpec spec;
  private final Family family;
  private final AtomicBoolean probing = new AtomicBoolean();
  private volatile boolean healthy = true;
  private volatile String problem = "";
  private volatile boolean probed;
  private volatile long nextProbeNanos;

  public Health(ListSpec spec, Family family) {
    this.spec = spec;
    this.family = family;
  }

  /** A snapshot for operators. */
  public dev.mailwarden.dnsbl.ListHealth snapshot() {
    return new dev.mailwarden.dnsbl.ListHealth(
        spec.name(), spec.displayZone(), family.label, healthy, problem);
  }

  public boolean isHealthy() {
    return healthy;
  }

  public String problem() {
    return problem;
  }

  /**
   * True when lookups should skip the zone now. Only with probes on: without them nothing could
   * tell that the list recovered.
   */
  public boolean skip() {
    return !healthy && spec.skipUnhealthy() && spec.probes();
  }

  /** Starts a probe if one is due; cheap when none is (two volatile reads). */
  public void probeIfDue(CheckContext ctx, long now) {
    if (!spec.probes() || (probed && now - nextProbeNanos < 0)) {
      return;
    }
    if (!probing.compareAndSet(false, true)) {
      return;
    }
    probed = true;
    nextProbeNanos = now + (healthy ? spec.probeIntervalNanos() : spec.retryIntervalNanos());
    String positive;
    String negative;
    switch (family) {
      case IPV4 -> {
        positive = ReverseNames.ipv4(0x7f00_0002, spec.zone());
        negative = ReverseNames.ipv4(0x7f00_0001, spec.zone());
      }
      case IPV6 -> {
        positive = ReverseNames.ipv6(0, 0xffff_7f00_0002L, spec.zone());
        negative = ReverseNames.ipv6(0, 0xffff_7f00_0001L, spec.zone());
      }
      default -> {
        positive = QueryNames.domain("test", spec.zone());
        negative = QueryNames.domain("invalid", spec.zone());
      }
    }
    CompletableFuture<DnsAnswer> p = safeLookup(ctx, positive);
    CompletableFuture<DnsAnswer> n = safeLookup(ctx, negative);
    p.thenCombine(
            n,
            (pa, na) -> {
              judge(ctx, pa, na, now);
              return null;
            })
        .whenComplete((ignored, error) -> probing.set(false));
  }

  private static CompletableFuture<DnsAnswer> safeLookup(CheckContext ctx, String name) {
    try {
      // a dependent future of our own: completing it at the timeout touches nobody else's
      CompletableFuture<DnsAnswer> own = ctx.dns().lookup(name, RecordType.A).thenApply(a -> a);
      return ctx.completeAfter(
              own,
              java.util.concurrent.TimeUnit.SECONDS.toNanos(PROBE_TIMEOUT_SECONDS),
              () ->
                  DnsAnswer.error(
                      name, RecordType.A, dev.mailwarden.dns.DnsStatus.TIMEOUT, "probe timed out"))
          .exceptionally(
              e ->
                  DnsAnswer.error(
                      name,
                      RecordType.A,
                      dev.mailwarden.dns.DnsStatus.SERVFAIL,
                      "resolver failed"));
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(
          DnsAnswer.error(
              name, RecordType.A, dev.mailwarden.dns.DnsStatus.SERVFAIL, "resolver failed"));
    }
  }

  private void judge(CheckContext ctx, DnsAnswer positive, DnsAnswer negative, long startedAt) {
    String testPoint =
        family == Family.IPV4 ? "127.0.0.2" : family == Family.IPV6 ? "::FFFF:7F00:2" : "TEST";
    String absent =
        family == Family.IPV4 ? "127.0.0.1" : family == Family.IPV6 ? "::FFFF:7F00:1" : "INVALID";
    if (positive.isError() || negative.isError()) {
      // inconclusive: the network, not the list; try again at the short interval
      nextProbeNanos = startedAt + spec.retryIntervalNanos();
      return;
    }
    String trouble = null;
    if (!positive.isSuccess()) {
      trouble =
          "test point "
              + testPoint
              + " is not listed ("
              + positive.status()
              + "): zone missing, misspelt or not serving";
    } else {
      for (var address : positive.addresses()) {
        byte[] b = address.getAddress();
        if (b.length != 4 || b[0] != 127) {
          trouble =
              "test point "
                  + testPoint
                  + " answered "
                  + address.getHostAddress()
                  + ", outside 127.0.0.0/8";
          break;
        }
        int code =
            ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
        var error = spec.errorCodes().get(code);
        if (error != null) {
          trouble =
              "test point "
                  + testPoint
                  + " answered error code "
                  + address.getHostAddress()
                  + " ("
                  + error
                  + ")";
          break;
        }
      }
    }
    if (trouble == null && negative.isSuccess()) {
      trouble = "negative test point " + absent + " is listed: the list answers for everything";
    }
    if (trouble == null) {
      markHealthy(ctx);
    } else {
      markUnhealthy(ctx, trouble);
    }
    nextProbeNanos = startedAt + (healthy ? spec.probeIntervalNanos() : spec.retryIntervalNanos());
  }

  /** Marks the zone unhealthy (e.g. an answer with a "blocked" code); reports a transition. */
  public void markUnhealthy(CheckContext ctx, String why) {
    String redacted = spec.redact(why);
    boolean changed;
    synchronized (this) {
      changed = healthy;
      healthy = false;
      problem = redacted;
      if (changed) {
        // look again soon, not at the long healthy interval
        nextProbeNanos = ctx.ticker().read() + spec.retryIntervalNanos();
        probed = true;
      }
    }
    if (changed) {
      ctx.report(
          new ListHealthEvent(
              spec.name(),
              spec.displayZone(),
              family.label,
              false,
              spec.skipUnhealthy() && spec.probes(),
              redacted));
    }
  }

  private void markHealthy(CheckContext ctx) {
    boolean changed;
    synchronized (this) {
      changed = !healthy;
      healthy = true;
      problem = "";
    }
    if (changed) {
      ctx.report(
          new ListHealthEvent(
              spec.name(), spec.displayZone(), family.label, true, spec.skipUnhealthy(), ""));
    }
  }
}
