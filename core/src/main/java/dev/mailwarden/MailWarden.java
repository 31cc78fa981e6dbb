package dev.mailwarden;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsResolver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Evaluates mail sessions with a set of checks and a scoring policy. Build one with {@link
 * #builder(MailwardenRuntime)}, share it: it is immutable and thread-safe. Several pipelines
 * (inbound, outbound) share one runtime, which owns DNS, caches, time and threads.
 *
 * <pre>{@code
 * MailWarden inbound = MailWarden.builder(runtime)
 *     .check(myChecker, Weights.of(Outcome.FAIL, 5.0))
 *     .rejectAt(5.0).quarantineAt(3.0)
 *     .deadline(Duration.ofSeconds(8))
 *     .build();
 * inbound.evaluate(session).thenAccept(ev -> reply(ev.smtpReply()));
 * }</pre>
 *
 * <p>Each evaluation starts every check whose inputs the session holds ({@link Checker#appliesTo}),
 * all at once, and waits for them under one deadline. The verdict:
 *
 * <ol>
 *   <li>score at or above {@link Builder#rejectAt} → REJECT, or TEMPFAIL if the decisive result
 *       (the largest positive contribution) asks for a 4xx reply (e.g. a rate limit);
 *   <li>otherwise, a {@linkplain Builder#require required} check that ended in temperror, failed or
 *       missed the deadline → TEMPFAIL;
 *   <li>otherwise score at or above {@link Builder#quarantineAt} → QUARANTINE, else ACCEPT.
 * </ol>
 *
 * <p>With short-circuit on (the default), a single result whose contribution alone reaches the
 * reject threshold ends the evaluation at once; checks still running are reported as skipped.
 * Observe-only mode computes everything but never rejects or defers.
 */
public final class MailWarden {
  final List<Registration<?>> registrations;
  final IdentityHashMap<CheckKey<?>, Integer> indexByKey; // keys are compared by identity
  final MailwardenRuntime runtime;
  final DnsResolver resolver;
  final double rejectAt;
  final double quarantineAt;
  final Duration deadline;
  final boolean shortCircuit;
  final boolean observeOnly;
  final EvaluationListener listener; // the user's listener, then the decision log
  private final EvaluationListener userListener;
  private final DecisionLog decisionLog;
  final Ticker ticker;
  final Executor executor;
  final SmtpReply rejectReply;
  final SmtpReply tempfailReply;
  final List<String> secrets;

  private MailWarden(Builder b) {
    this.registrations = List.copyOf(b.registrations);
    IdentityHashMap<CheckKey<?>, Integer> index = new IdentityHashMap<>();
    for (int i = 0; i < registrations.size(); i++) {
      index.put(registrations.get(i).checker().key(), i);
    }
    this.indexByKey = index;
    this.runtime = b.runtime;
    this.resolver = runtime.dns();
    this.rejectAt = b.rejectAt;
    this.quarantineAt = b.quarantineAt;
    this.deadline = b.deadline;
    this.shortCircuit = b.shortCircuit;
    this.observeOnly = b.observeOnly;
    this.userListener = b.listener;
    this.decisionLog = b.decisionLog;
    this.listener =
        decisionLog.enabled() ? EvaluationListener.all(b.listener, decisionLog) : b.listener;
    this.ticker = runtime.ticker();
    this.executor = runtime.executor();
    this.rejectReply = b.rejectReply;
    this.tempfailReply = b.tempfailReply;
    List<String> hidden = new ArrayList<>();
    for (Registration<?> r : registrations) {
      for (String secret : r.checker().secrets()) {
        if (!secret.isEmpty() && !hidden.contains(secret)) {
          hidden.add(secret);
        }
      }
    }
    this.secrets = List.copyOf(hidden);
  }

  /** The answer with every checker secret replaced by {@code <redacted>}. */
  DnsAnswer redact(DnsAnswer answer) {
    DnsAnswer out = answer;
    for (String secret : secrets) {
      out = out.redact(secret, "<redacted>");
    }
    return out;
  }

  /** A builder of pipelines that run on {@code runtime}. */
  public static Builder builder(MailwardenRuntime runtime) {
    return new Builder(requireNonNull(runtime, "runtime"));
  }

  /**
   * Evaluates the session. The future never completes exceptionally for check or DNS trouble, and
   * completes by the deadline (plus scheduling delay) even if a check never answers.
   */
  public CompletableFuture<Evaluation> evaluate(MailSession session) {
    requireNonNull(session, "session");
    return new EvaluationRun(this, session).start();
  }

  /**
   * Blocking convenience for scripts and tests: {@link #evaluate} and wait. Never call it from an
   * event loop or inside a future's continuation.
   */
  public Evaluation evaluateAndWait(MailSession session) {
    try {
      return evaluate(session).join();
    } catch (CompletionException e) {
      throw new IllegalStateException("evaluation failed unexpectedly", e.getCause());
    }
  }

  /** A builder with this instance's settings and checks, to derive a variant. */
  public Builder newBuilder() {
    Builder b = new Builder(runtime);
    b.registrations.addAll(registrations);
    b.rejectAt = rejectAt;
    b.quarantineAt = quarantineAt;
    b.deadline = deadline;
    b.shortCircuit = shortCircuit;
    b.observeOnly = observeOnly;
    b.listener = userListener;
    b.decisionLog = decisionLog;
    b.rejectReply = rejectReply;
    b.tempfailReply = tempfailReply;
    return b;
  }

  /** The checks in registration order. */
  public List<Checker<?>> checkers() {
    List<Checker<?>> out = new ArrayList<>();
    registrations.forEach(r -> out.add(r.checker()));
    return out;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("MailWarden[checks=");
    List<String> names = new ArrayList<>();
    registrations.forEach(r -> names.add(r.checker().name() + (r.required() ? "(required)" : "")));
    b.append(names)
        .append(", rejectAt=")
        .append(rejectAt)
        .append(", quarantineAt=")
        .append(quarantineAt);
    b.append(", deadline=").append(deadline.toMillis()).append("ms");
    if (observeOnly) {
      b.append(", observe-only");
    }
    return b.append(']').toString();
  }

  record Registration<R extends CheckResult>(
      Checker<R> checker, Weights weights, boolean required) {}

  /**
   * Builds a {@link MailWarden}. Each setting may be set once; each checker key registered once.
   */
  public static final class Builder {
    private final MailwardenRuntime runtime;
    private final List<Registration<?>> registrations = new ArrayList<>();
    private double rejectAt = 5.0;
    private double quarantineAt = Double.NaN;
    private Duration deadline = Duration.ofSeconds(10);
    private boolean shortCircuit = true;
    private boolean observeOnly;
    private EvaluationListener listener = EvaluationListener.NONE;
    private DecisionLog decisionLog = DecisionLog.standard();
    private SmtpReply rejectReply = SmtpReply.REJECTED;
    private SmtpReply tempfailReply = SmtpReply.TRY_AGAIN_LATER;

    private Builder(MailwardenRuntime runtime) {
      this.runtime = runtime;
    }

    /** Registers a check with its own default weights ({@link Checker#defaultWeights()}). */
    public Builder check(Checker<?> checker) {
      return add(checker, checker.defaultWeights(), false);
    }

    /** Registers a check and how its results score. */
    public Builder check(Checker<?> checker, Weights weights) {
      return add(checker, weights, false);
    }

    /**
     * Registers a check whose temperror (or failure, or missed deadline) makes the verdict TEMPFAIL
     * unless the score already rejects.
     */
    public Builder require(Checker<?> checker, Weights weights) {
      return add(checker, weights, true);
    }

    /** {@link #require(Checker, Weights)} with the checker's default weights. */
    public Builder require(Checker<?> checker) {
      return add(checker, checker.defaultWeights(), true);
    }

    private Builder add(Checker<?> checker, Weights weights, boolean required) {
      requireNonNull(checker, "checker");
      requireNonNull(weights, "weights");
      CheckKey<?> key = requireNonNull(checker.key(), "checker.key()");
      for (Registration<?> r : registrations) {
        if (r.checker().key() == key) {
          throw new IllegalArgumentException("check " + key.name() + " is already registered");
        }
        if (r.checker().name().equals(checker.name())) {
          throw new IllegalArgumentException(
              "two checks are named '" + checker.name() + "'; give each a distinct name");
        }
      }
      registrations.add(new Registration<>(checker, weights, required));
      return this;
    }

    /** Score at or above which the verdict is REJECT (default 5.0). */
    public Builder rejectAt(double threshold) {
      if (!Double.isFinite(threshold)) {
        throw new IllegalArgumentException("reject threshold must be finite: " + threshold);
      }
      this.rejectAt = threshold;
      return this;
    }

    /** Score at or above which the verdict is QUARANTINE (default: no quarantine). */
    public Builder quarantineAt(double threshold) {
      if (!Double.isFinite(threshold)) {
        throw new IllegalArgumentException("quarantine threshold must be finite: " + threshold);
      }
      this.quarantineAt = threshold;
      return this;
    }

    /** The time budget of one evaluation (default 10 s). */
    public Builder deadline(Duration deadline) {
      requireNonNull(deadline, "deadline");
      if (deadline.isNegative() || deadline.isZero()) {
        throw new IllegalArgumentException("deadline must be positive: " + deadline);
      }
      this.deadline = deadline;
      return this;
    }

    /** Whether one result reaching the reject threshold alone ends the evaluation (default on). */
    public Builder shortCircuit(boolean enabled) {
      this.shortCircuit = enabled;
      return this;
    }

    /** Score and report, but never REJECT or TEMPFAIL (a way to try a policy on live mail). */
    public Builder observeOnly() {
      this.observeOnly = true;
      return this;
    }

    /** Hooks for metrics and logs; combine several with {@link EvaluationListener#all}. */
    public Builder listener(EvaluationListener listener) {
      this.listener = requireNonNull(listener, "listener");
      return this;
    }

    /**
     * The one-line-per-evaluation log (default {@link DecisionLog#standard()}: INFO on logger
     * {@code dev.mailwarden.decision}, no local-parts); {@code decisionLog(DecisionLog.off())}
     * turns it off.
     */
    public Builder decisionLog(DecisionLog log) {
      this.decisionLog = requireNonNull(log, "log");
      return this;
    }

    /** Reply for REJECT when the decisive result has none (default 550 5.7.1). */
    public Builder rejectReply(SmtpReply reply) {
      if (!reply.isPermanent()) {
        throw new IllegalArgumentException("reject reply must be 5xx: " + reply);
      }
      this.rejectReply = reply;
      return this;
    }

    /** Reply for TEMPFAIL when the decisive result has none (default 451 4.7.1). */
    public Builder tempfailReply(SmtpReply reply) {
      if (!reply.isTransient()) {
        throw new IllegalArgumentException("tempfail reply must be 4xx: " + reply);
      }
      this.tempfailReply = reply;
      return this;
    }

    /**
     * Builds the instance.
     *
     * @throws IllegalStateException if the quarantine threshold is above the reject threshold
     */
    public MailWarden build() {
      if (!Double.isNaN(quarantineAt) && quarantineAt > rejectAt) {
        throw new IllegalStateException(
            "quarantine threshold " + quarantineAt + " is above reject threshold " + rejectAt);
      }
      return new MailWarden(this);
    }
  }
}
