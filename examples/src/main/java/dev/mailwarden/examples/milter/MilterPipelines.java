package dev.mailwarden.examples.milter;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.Checker;
import dev.mailwarden.DecisionLog;
import dev.mailwarden.MailWarden;
import dev.mailwarden.MailwardenRuntime;
import dev.mailwarden.Weights;
import dev.mailwarden.auth.arc.Arc;
import dev.mailwarden.auth.arc.ArcSealer;
import dev.mailwarden.auth.arc.ArcVerifier;
import dev.mailwarden.auth.dkim.Dkim;
import dev.mailwarden.auth.dkim.DkimKeys;
import dev.mailwarden.auth.dkim.DkimSigner;
import dev.mailwarden.auth.dkim.DkimVerifier;
import dev.mailwarden.auth.dmarc.Dmarc;
import dev.mailwarden.auth.helo.Helo;
import dev.mailwarden.auth.helo.Iprev;
import dev.mailwarden.auth.helo.IprevResult;
import dev.mailwarden.auth.spf.Spf;
import dev.mailwarden.auth.spf.SpfResult;
import dev.mailwarden.dns.DnsResolver;
import dev.mailwarden.examples.policyd.MetricsEndpoint;
import dev.mailwarden.examples.policyd.PolicydConfig;
import dev.mailwarden.examples.policyd.PostscreenLists;
import dev.mailwarden.ratelimit.Limit;
import dev.mailwarden.ratelimit.RateDecision;
import dev.mailwarden.ratelimit.RateLimiter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * Every {@link MailWarden}, verifier, signer and limiter the milter uses, built from its
 * configuration in this one place (so a change in how pipelines are built touches only this class).
 * Shared by all connections; {@link #close()} closes the limiter.
 *
 * <ul>
 *   <li>{@link #inbound()}: DNSBL, DNSWL, iprev, HELO and SPF — each runs once its input is known
 *       (IP at connect, HELO, MAIL FROM);
 *   <li>{@link #endOfMessage}: DMARC over the earlier results and the streamed DKIM result (and the
 *       streamed ARC result when {@link #arcSealer()} is configured).
 * </ul>
 */
public final class MilterPipelines implements AutoCloseable {
  private final MailwardenRuntime runtime;
  private final MailWarden inbound;
  private final MailWarden prefetch;
  private final Checker<SpfResult> spf;
  private final Checker<IprevResult> iprev;
  private final DkimVerifier dkim;
  private final Dmarc dmarc;
  private final Weights dmarcWeights;
  private final Duration deadline;
  private final double rejectAt;
  private final Map<String, DkimSigner> signers;
  private final @Nullable RateLimiter limiter;
  private final @Nullable MetricsEndpoint metrics;
  private final boolean verifyDkim;
  private final List<MilterConfig.Network> signNetworks;
  private final ArcVerifier arc;
  private final @Nullable ArcSealer arcSealer;

  /**
   * What a DMARC failure scores: reject reaches any reject threshold, quarantine the quarantine
   * one.
   */
  private static final double DMARC_REJECT = 100.0;

  private static final double DMARC_QUARANTINE = 3.0;

  public MilterPipelines(MilterConfig config, MailwardenRuntime runtime) {
    this(config, runtime, null);
  }

  /**
   * With {@code metrics}: every evaluation, DNS-list answer and limiter decision is counted there.
   */
  public MilterPipelines(
      MilterConfig config, MailwardenRuntime runtime, @Nullable MetricsEndpoint metrics) {
    this.runtime = runtime;
    this.metrics = metrics;
    PolicydConfig cfg = config.values();
    this.deadline = config.deadline();
    this.rejectAt = cfg.number("reject-at", 5.0);
    String authservId = config.authservId();
    this.spf = Spf.builder().receiver(authservId).build();
    this.iprev = Iprev.check();
    MailWarden.Builder b = MailWarden.builder(runtime).rejectAt(rejectAt).deadline(deadline);
    PostscreenLists lists = new PostscreenLists();
    cfg.all("dnsbl").forEach(lists::blocklist);
    cfg.all("dnswl").forEach(lists::allowlist);
    lists.registerOn(b);
    if (cfg.flag("helo", true)) {
      b.check(iprev).check(Helo.check());
    }
    if (cfg.flag("spf", true)) {
      b.check(spf);
    }
    MailWarden envelope = b.build();
    // warm-up evaluations at connect and HELO fill the caches; their results are not decisions,
    // so they are neither logged nor counted
    this.prefetch = envelope.newBuilder().decisionLog(DecisionLog.off()).build();
    this.inbound = metrics == null ? envelope : metrics.instrument(envelope);
    this.verifyDkim = config.verifyDkim();
    this.dkim = Dkim.check();
    this.dmarc = Dmarc.check();
    this.dmarcWeights = Dmarc.weights(config.rejectDmarc() ? DMARC_REJECT : 0.0, DMARC_QUARANTINE);
    Map<String, DkimSigner> s = new LinkedHashMap<>();
    for (MilterConfig.SigningKey k : config.signingKeys()) {
      String pem;
      try {
        pem = Files.readString(k.keyFile());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read DKIM key " + k.keyFile(), e);
      }
      s.put(
          k.domain(),
          DkimSigner.builder()
              .domain(k.domain())
              .selector(k.selector())
              .privateKey(DkimKeys.readPrivateKey(pem))
              .build());
    }
    this.signers = Map.copyOf(s);
    this.limiter = limiter(cfg, runtime);
    if (metrics != null && limiter != null) {
      metrics.bindLimiter(limiter);
    }
    this.signNetworks = List.copyOf(config.signNetworks());
    this.arc = Arc.check();
    this.arcSealer = config.arcSealer().orElse(null);
  }

  /** True when the client is in {@code sign-networks}: its mail is outbound. */
  public boolean inSignNetworks(java.net.InetAddress ip) {
    for (MilterConfig.Network n : signNetworks) {
      if (n.contains(ip)) {
        return true;
      }
    }
    return false;
  }

  /** True when some inbound check would run for this session (else no evaluation is started). */
  public boolean inboundApplies(dev.mailwarden.MailSession session) {
    for (Checker<?> c : inbound.checkers()) {
      if (c.appliesTo(session)) {
        return true;
      }
    }
    return false;
  }

  private static @Nullable RateLimiter limiter(PolicydConfig cfg, MailwardenRuntime runtime) {
    if (cfg.all("limit").isEmpty()) {
      return null;
    }
    RateLimiter.Builder b = RateLimiter.builder().ticker(runtime.ticker());
    cfg.all("limit").forEach(l -> b.limit(Limit.parse(l)));
    b.whenStoreUnavailable(
        cfg.get("limit-failure", "open").equals("closed")
            ? RateLimiter.FailMode.CLOSED
            : RateLimiter.FailMode.OPEN);
    return b.build();
  }

  /** The connect/HELO/MAIL checks; empty of checks when the configuration turns them all off. */
  /** Starts the envelope checks early (connect, HELO) so their answers are cached by MAIL FROM. */
  public void prefetch(dev.mailwarden.MailSession session) {
    prefetch.evaluate(session);
  }

  public MailWarden inbound() {
    return inbound;
  }

  /** Whether DKIM is verified and DMARC evaluated at end of message. */
  public boolean verifyDkim() {
    return verifyDkim;
  }

  public DkimVerifier dkim() {
    return dkim;
  }

  public DnsResolver dns() {
    return runtime.dns();
  }

  public Executor executor() {
    return runtime.executor();
  }

  public Checker<SpfResult> spf() {
    return spf;
  }

  public Checker<IprevResult> iprev() {
    return iprev;
  }

  /**
   * The end-of-message evaluation for one message: the known results (scored zero: they counted at
   * their own stage) and DMARC, whose failure with {@code p=reject} scores 100 (0 with {@code
   * reject-dmarc = off}) and with {@code p=quarantine} reaches the quarantine threshold.
   */
  public MailWarden endOfMessage(List<KnownResult<?>> known) {
    MailWarden.Builder b =
        MailWarden.builder(runtime)
            .deadline(deadline)
            .rejectAt(Math.max(rejectAt, DMARC_QUARANTINE + 1))
            .quarantineAt(DMARC_QUARANTINE);
    known.forEach(k -> b.check(k, Weights.none()));
    if (metrics != null) {
      b.listener(metrics.listener());
    }
    return b.check(dmarc, dmarcWeights).build();
  }

  /** The signer for a From domain: its own key, or the key of a parent domain. */
  public Optional<DkimSigner> signerFor(String fromDomain) {
    String d = fromDomain.toLowerCase(Locale.ROOT);
    while (true) {
      DkimSigner s = signers.get(d);
      if (s != null) {
        return Optional.of(s);
      }
      int dot = d.indexOf('.');
      if (dot < 0) {
        return Optional.empty();
      }
      d = d.substring(dot + 1);
    }
  }

  /** The ARC validation of inbound mail, streamed during DATA when the milter seals. */
  public ArcVerifier arc() {
    return arc;
  }

  /** The sealer of {@code arc-seal}: accepted inbound mail is ARC-sealed when present. */
  public Optional<ArcSealer> arcSealer() {
    return Optional.ofNullable(arcSealer);
  }

  public boolean signs() {
    return !signers.isEmpty();
  }

  public Optional<RateLimiter> limiter() {
    return Optional.ofNullable(limiter);
  }

  /** Takes one message of {@code user} from the outbound limit (counted in the metrics, if any). */
  public RateDecision acquire(String user) {
    RateDecision d = requireNonNull(limiter, "no limit configured").tryAcquire("sasl:" + user, 1);
    if (metrics != null) {
      metrics.record(d);
    }
    return d;
  }

  @Override
  public void close() {
    if (limiter != null) {
      limiter.close();
    }
  }
}
