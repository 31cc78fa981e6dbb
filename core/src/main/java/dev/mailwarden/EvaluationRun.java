package dev.mailwarden;

import dev.mailwarden.CheckReport.Status;
import dev.mailwarden.MailWarden.Registration;
import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsResolver;
import dev.mailwarden.dns.DnsStatus;
import dev.mailwarden.dns.RecordType;
import dev.mailwarden.internal.HeaderIndex;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.jspecify.annotations.Nullable;

/** One evaluation in progress: starts the checks, collects results, decides the verdict. */
final class EvaluationRun {
  private final MailWarden warden;
  private final MailSession session;
  private final long startNanos;
  private final long deadlineNanos;
  private final int size;
  private final @Nullable CompletableFuture<CheckResult>[] settled;
  private final @Nullable CheckReport[] reports;
  private final CompletableFuture<Evaluation> done = new CompletableFuture<>();

  private final AtomicIntegerArray dnsPerCheck;
  private final AtomicInteger dnsQueries = new AtomicInteger();
  private final AtomicInteger dnsHits = new AtomicInteger();
  private final AtomicInteger dnsVoids = new AtomicInteger();
  private final AtomicInteger dnsErrors = new AtomicInteger();
  private final AtomicInteger dnsLogged = new AtomicInteger();
  private final ConcurrentLinkedQueue<DnsUsage.Query> dnsLog = new ConcurrentLinkedQueue<>();

  /** The message's header fields, split on first use and shared by the checks (guarded by this). */
  private @Nullable HeaderIndex headerIndex;

  private int pending; // guarded by this
  private boolean finished; // guarded by this

  @SuppressWarnings({"unchecked", "rawtypes"}) // a generic array of settled futures
  EvaluationRun(MailWarden warden, MailSession session) {
    this.warden = warden;
    this.session = session;
    this.startNanos = warden.ticker.read();
    this.deadlineNanos = startNanos + warden.deadline.toNanos();
    this.size = warden.registrations.size();
    this.settled = new CompletableFuture[size];
    this.reports = new CheckReport[size];
    this.dnsPerCheck = new AtomicIntegerArray(size);
  }

  CompletableFuture<Evaluation> start() {
    notifyListener(l -> l.onEvaluationStart(session));
    List<Integer> toStart = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      Checker<?> checker = warden.registrations.get(i).checker();
      boolean applies;
      try {
        applies = checker.appliesTo(session);
      } catch (RuntimeException e) {
        applies = true; // let check() run and fail visibly rather than hide the check
      }
      if (applies) {
        settled[i] = new CompletableFuture<>();
        toStart.add(i);
      }
    }
    synchronized (this) {
      pending = toStart.size();
    }
    if (toStart.isEmpty()) {
      finish(false);
      return done;
    }
    warden
        .runtime
        .scheduler()
        .runIfPendingAfter(
            done, deadlineNanos - warden.ticker.read(), warden.executor, () -> finish(true));
    for (int i : toStart) {
      startCheck(i);
      if (done.isDone()) {
        break; // short-circuited by a synchronous result
      }
    }
    return done;
  }

  private <R extends CheckResult> void startCheck(int index) {
    @SuppressWarnings("unchecked")
    Checker<R> checker = (Checker<R>) warden.registrations.get(index).checker();
    CompletableFuture<R> future;
    try {
      future = checker.check(new RunContext(index));
    } catch (RuntimeException | LinkageError | StackOverflowError e) {
      settle(index, Status.FAILED, temperror(checker, "check threw " + describe(e)));
      return;
    }
    if (future == null) {
      settle(index, Status.FAILED, temperror(checker, "check returned no future"));
      return;
    }
    future.whenComplete(
        (result, error) -> {
          if (error != null) {
            settle(
                index,
                Status.FAILED,
                temperror(checker, "check failed: " + describe(unwrap(error))));
          } else if (result == null) {
            settle(index, Status.FAILED, temperror(checker, "check completed without a result"));
          } else {
            settle(index, Status.COMPLETED, result);
          }
        });
  }

  private void settle(int index, Status status, CheckResult result) {
    Registration<?> reg = warden.registrations.get(index);
    double score = score(reg.weights(), result);
    CheckReport report =
        new CheckReport(
            reg.checker().name(),
            result,
            score,
            status,
            Duration.ofNanos(warden.ticker.read() - startNanos),
            dnsPerCheck.get(index));
    boolean finishNow;
    synchronized (this) {
      if (finished || reports[index] != null) {
        return;
      }
      reports[index] = report;
      pending--;
      finishNow =
          pending == 0 || (warden.shortCircuit && !warden.observeOnly && score >= warden.rejectAt);
    }
    notifyListener(l -> l.onCheckComplete(session, report));
    completeSettled(index, result);
    if (finishNow) {
      finish(false);
    }
  }

  private void completeSettled(int index, CheckResult result) {
    CompletableFuture<CheckResult> f = settled[index];
    if (f != null) {
      f.complete(result);
    }
  }

  private void finish(boolean deadlinePassed) {
    List<Integer> unsettled = new ArrayList<>();
    synchronized (this) {
      if (finished) {
        return;
      }
      finished = true;
      for (int i = 0; i < size; i++) {
        if (settled[i] != null && reports[i] == null) {
          unsettled.add(i);
        }
      }
    }
    long now = warden.ticker.read();
    for (int i : unsettled) {
      Registration<?> reg = warden.registrations.get(i);
      Status status = deadlinePassed ? Status.TIMED_OUT : Status.SKIPPED;
      String why =
          deadlinePassed
              ? "no result within the deadline of " + warden.deadline.toMillis() + " ms"
              : "not awaited: the verdict was already decided";
      CheckResult result = temperror(reg.checker(), why);
      double score = deadlinePassed ? score(reg.weights(), result) : 0.0;
      CheckReport report =
          new CheckReport(
              reg.checker().name(),
              result,
              score,
              status,
              Duration.ofNanos(now - startNanos),
              dnsPerCheck.get(i));
      synchronized (this) {
        reports[i] = report;
      }
      notifyListener(l -> l.onCheckComplete(session, report));
      completeSettled(i, result);
    }
    Evaluation evaluation = decide(Duration.ofNanos(now - startNanos));
    notifyListener(l -> l.onEvaluationComplete(evaluation));
    done.complete(evaluation);
  }

  private Evaluation decide(Duration elapsed) {
    List<CheckReport> list = new ArrayList<>(size);
    List<Boolean> required = new ArrayList<>(size);
    synchronized (this) {
      for (int i = 0; i < size; i++) {
        if (reports[i] != null) {
          list.add(reports[i]);
          required.add(warden.registrations.get(i).required());
        }
      }
    }
    double total = 0;
    for (CheckReport r : list) {
      total += r.score();
    }
    Verdict verdict;
    SmtpReply reply;
    String decisive = null;
    if (total >= warden.rejectAt) {
      CheckReport top = null;
      for (CheckReport r : list) {
        if (r.score() > 0 && (top == null || r.score() > top.score())) {
          top = r;
        }
      }
      Optional<SmtpReply> own = top == null ? Optional.empty() : top.result().smtpReply();
      decisive = top == null ? null : top.name();
      if (own.isPresent() && own.get().isTransient()) {
        verdict = Verdict.TEMPFAIL;
        reply = own.get();
      } else {
        verdict = Verdict.REJECT;
        reply = own.filter(SmtpReply::isPermanent).orElse(warden.rejectReply);
      }
    } else {
      CheckReport failedRequirement = null;
      for (int i = 0; i < list.size(); i++) {
        CheckReport r = list.get(i);
        boolean broken =
            r.outcome() == Outcome.TEMPERROR
                || r.status() == Status.FAILED
                || r.status() == Status.TIMED_OUT;
        if (required.get(i) && broken && r.status() != Status.SKIPPED) {
          failedRequirement = r;
          break;
        }
      }
      if (failedRequirement != null) {
        verdict = Verdict.TEMPFAIL;
        decisive = failedRequirement.name();
        reply =
            failedRequirement
                .result()
                .smtpReply()
                .filter(SmtpReply::isTransient)
                .orElse(warden.tempfailReply);
      } else if (!Double.isNaN(warden.quarantineAt) && total >= warden.quarantineAt) {
        verdict = Verdict.QUARANTINE;
        reply = SmtpReply.OK;
      } else {
        verdict = Verdict.ACCEPT;
        reply = SmtpReply.OK;
      }
    }
    Verdict policyVerdict = verdict;
    if (warden.observeOnly && (verdict == Verdict.REJECT || verdict == Verdict.TEMPFAIL)) {
      verdict = Verdict.ACCEPT;
      reply = SmtpReply.OK;
    }
    DnsUsage usage =
        new DnsUsage(
            dnsQueries.get(),
            dnsHits.get(),
            dnsVoids.get(),
            dnsErrors.get(),
            new ArrayList<>(dnsLog));
    return new Evaluation(
        session,
        verdict,
        policyVerdict,
        total,
        list,
        reply,
        Optional.ofNullable(decisive),
        elapsed,
        usage);
  }

  private static double score(Weights weights, CheckResult result) {
    try {
      double s = weights.score(result);
      return Double.isFinite(s) ? s : 0.0;
    } catch (RuntimeException e) {
      return 0.0; // a broken weight function must not break the evaluation
    }
  }

  private static <R extends CheckResult> CheckResult temperror(Checker<R> checker, String reason) {
    try {
      R r = checker.temperror(reason);
      if (r != null) {
        return r;
      }
    } catch (RuntimeException e) {
      // fall through to a plain result
    }
    return CheckResult.of(Outcome.TEMPERROR, reason);
  }

  private static Throwable unwrap(Throwable t) {
    Throwable cur = t;
    while ((cur instanceof java.util.concurrent.CompletionException
            || cur instanceof java.util.concurrent.ExecutionException)
        && cur.getCause() != null) {
      cur = cur.getCause();
    }
    return cur;
  }

  private static String describe(Throwable t) {
    String m = t.getMessage();
    return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  private void notifyListener(java.util.function.Consumer<EvaluationListener> call) {
    try {
      call.accept(warden.listener);
    } catch (RuntimeException e) {
      // listeners must not break evaluations
    }
  }

  private void recordDns(int index, String checkName, DnsAnswer raw, long elapsedNanos) {
    DnsAnswer answer = warden.secrets.isEmpty() ? raw : warden.redact(raw);
    dnsQueries.incrementAndGet();
    dnsPerCheck.incrementAndGet(index);
    if (answer.fromCache()) {
      dnsHits.incrementAndGet();
    }
    if (answer.isVoid()) {
      dnsVoids.incrementAndGet();
    } else if (answer.isError()) {
      dnsErrors.incrementAndGet();
    }
    if (dnsLogged.incrementAndGet() <= DnsUsage.MAX_LOGGED) {
      dnsLog.add(
          new DnsUsage.Query(
              checkName, answer.name(), answer.type(), answer.status(), answer.fromCache()));
    }
    notifyListener(l -> l.onDnsQuery(session, checkName, answer, Duration.ofNanos(elapsedNanos)));
  }

  /** The context one check sees. */
  private final class RunContext implements CheckContext, DnsResolver, HeaderIndex.SharedMessage {
    private final int index;

    RunContext(int index) {
      this.index = index;
    }

    @Override
    public MailSession session() {
      return session;
    }

    @Override
    public DnsResolver dns() {
      return this;
    }

    @Override
    public CompletableFuture<DnsAnswer> lookup(String name, RecordType type) {
      return counted(name, type, true);
    }

    @Override
    public CompletableFuture<DnsAnswer> lookupWithoutStoring(String name, RecordType type) {
      return counted(name, type, false);
    }

    private CompletableFuture<DnsAnswer> counted(String name, RecordType type, boolean store) {
      long t0 = warden.ticker.read();
      CompletableFuture<DnsAnswer> f;
      try {
        f =
            store
                ? warden.resolver.lookup(name, type)
                : warden.resolver.lookupWithoutStoring(name, type);
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
      String checkName = warden.registrations.get(index).checker().name();
      return f.handle(
          (answer, error) -> {
            DnsAnswer a =
                error != null || answer == null
                    ? DnsAnswer.error(
                        name,
                        type,
                        DnsStatus.SERVFAIL,
                        "resolver failed: "
                            + (error == null ? "no answer" : describe(unwrap(error))))
                    : answer;
            recordDns(index, checkName, a, warden.ticker.read() - t0);
            return a;
          });
    }

    @Override
    public @Nullable HeaderIndex headerIndex() {
      synchronized (EvaluationRun.this) {
        if (headerIndex == null) {
          byte[] m = session.messageBytes();
          headerIndex = m == null ? null : HeaderIndex.of(m, m.length);
        }
        return headerIndex;
      }
    }

    @Override
    public Ticker ticker() {
      return warden.ticker;
    }

    @Override
    public Clock clock() {
      return warden.runtime.clock();
    }

    @Override
    public SharedCache cache() {
      return warden.runtime.sharedCache();
    }

    @Override
    public <T> CompletableFuture<T> completeAfter(
        CompletableFuture<T> pending,
        long nanos,
        java.util.function.Supplier<? extends T> fallback) {
      return warden.runtime.scheduler().completeAfter(pending, nanos, warden.executor, fallback);
    }

    @Override
    public Executor executor() {
      return warden.executor;
    }

    @Override
    public long deadlineNanos() {
      return deadlineNanos;
    }

    @Override
    public <R extends CheckResult> CompletableFuture<Optional<R>> await(CheckKey<R> key) {
      Integer i = warden.indexByKey.get(key);
      CompletableFuture<CheckResult> f = i == null ? null : settled[i];
      if (f == null) {
        return CompletableFuture.completedFuture(Optional.empty());
      }
      return f.thenApply(r -> Optional.of(r).filter(key.type()::isInstance).map(key.type()::cast));
    }

    @Override
    public void report(CheckEvent event) {
      String name = warden.registrations.get(index).checker().name();
      notifyListener(l -> l.onCheckEvent(name, event));
    }

    @Override
    public String toString() {
      return "CheckContext["
          + warden.registrations.get(index).checker().name()
          + ", "
          + session
          + "]";
    }
  }
}
