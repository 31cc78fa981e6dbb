package dev.mailwarden.dnsbl.internal;

import dev.mailwarden.CheckContext;
import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsStatus;
import dev.mailwarden.dns.RecordType;
import dev.mailwarden.dnsbl.ListErrorEvent;
import dev.mailwarden.dnsbl.ListResult;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;

/**
 * Sends the queries of one evaluation at once and waits for them under one deadline (the context's,
 * less a small margin so the result beats the evaluation's own timer). A query still unanswered at
 * the deadline becomes a TIMEOUT error for its lists; the others keep their answers.
 */
public final class Batch {
  private static final long MAX_MARGIN_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /** One query name, shared by every list on the same zone. */
  public record Job(
      String queryName,
      String subject,
      String source,
      List<ListSpec> specs,
      List<Health> health,
      int[] slots) {}

  private final CheckContext ctx;
  private final List<Job> jobs;
  private final ListResult[] results;
  private final AtomicReferenceArray<DnsAnswer> answers;
  private final AtomicReferenceArray<DnsAnswer> txts;
  private final AtomicInteger pending;
  private final AtomicBoolean finished = new AtomicBoolean();
  private final CompletableFuture<Batch> done = new CompletableFuture<>();
  private final boolean storeAnswers;

  private Batch(CheckContext ctx, List<Job> jobs, ListResult[] results, boolean storeAnswers) {
    this.ctx = ctx;
    this.storeAnswers = storeAnswers;
    this.jobs = jobs;
    this.results = results;
    this.answers = new AtomicReferenceArray<>(jobs.size());
    this.txts = new AtomicReferenceArray<>(jobs.size());
    this.pending = new AtomicInteger(jobs.size());
  }

  /**
   * Runs the jobs; {@code results} holds the slots already decided (skipped lists) and receives the
   * others. The future never fails.
   *
   * @param storeAnswers false when the caller caches its results itself: the DNS cache then serves
   *     hits but does not keep these answers a second time ({@link
   *     dev.mailwarden.dns.DnsResolver#lookupWithoutStoring})
   */
  public static CompletableFuture<Batch> run(
      CheckContext ctx, List<Job> jobs, ListResult[] results, boolean storeAnswers) {
    Batch b = new Batch(ctx, jobs, results, storeAnswers);
    if (jobs.isEmpty()) {
      b.finish();
      return b.done;
    }
    for (int i = 0; i < jobs.size(); i++) {
      b.start(i);
    }
    if (!b.done.isDone()) {
      long remaining = ctx.deadlineNanos() - ctx.ticker().read();
      long delay = remaining - Math.min(MAX_MARGIN_NANOS, Math.max(0, remaining / 10));
      if (delay <= 0) {
        b.finish();
      } else {
        // cancelled when the batch finishes first, so a finished batch is not held until then
        ctx.completeAfter(
            b.done,
            delay,
            () -> {
              b.finish(); // completes done with what has arrived
              return b;
            });
      }
    }
    return b.done;
  }

  /** The results, every slot filled. */
  public ListResult[] results() {
    return results;
  }

  /**
   * The smallest TTL of the answers, or -1 when any answer is missing or an error (such a batch
   * must not be cached).
   */
  public long minTtlSeconds() {
    long min = Long.MAX_VALUE;
    for (int i = 0; i < jobs.size(); i++) {
      DnsAnswer a = answers.get(i);
      if (a == null || a.isError()) {
        return -1;
      }
      min = Math.min(min, a.ttlSeconds());
      DnsAnswer t = txts.get(i);
      if (t != null && !t.isError()) {
        min = Math.min(min, t.ttlSeconds());
      }
    }
    return min == Long.MAX_VALUE ? -1 : min;
  }

  private void start(int i) {
    Job job = jobs.get(i);
    lookup(job.queryName(), RecordType.A)
        .thenAccept(
            a -> {
              answers.set(i, a);
              if (wantsTxt(job, a)) {
                lookup(job.queryName(), RecordType.TXT)
                    .thenAccept(
                        t -> {
                          txts.set(i, t);
                          jobDone();
                        });
              } else {
                jobDone();
              }
            });
  }

  private static boolean wantsTxt(Job job, DnsAnswer a) {
    for (ListSpec s : job.specs()) {
      if (s.txtReason() && Classifier.wouldList(s, a)) {
        return true;
      }
    }
    return false;
  }

  private CompletableFuture<DnsAnswer> lookup(String name, RecordType type) {
    CompletableFuture<DnsAnswer> f;
    try {
      f = storeAnswers ? ctx.dns().lookup(name, type) : ctx.dns().lookupWithoutStoring(name, type);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    return f.handle(
        (a, e) ->
            a != null
                ? a
                : DnsAnswer.error(
                    name,
                    type,
                    DnsStatus.SERVFAIL,
                    "resolver failed: "
                        + (e == null ? "no answer" : e.getClass().getSimpleName())));
  }

  private void jobDone() {
    if (pending.decrementAndGet() == 0) {
      finish();
    }
  }

  private void finish() {
    if (!finished.compareAndSet(false, true)) {
      return;
    }
    try {
      for (int i = 0; i < jobs.size(); i++) {
        Job job = jobs.get(i);
        @Nullable DnsAnswer a = answers.get(i);
        @Nullable DnsAnswer t = txts.get(i);
        for (int s = 0; s < job.specs().size(); s++) {
          ListSpec spec = job.specs().get(s);
          ListResult r =
              Classifier.classify(spec, job.subject(), job.source(), job.queryName(), a, t);
          results[job.slots()[s]] = r;
          if (r.isError()) {
            ctx.report(
                new ListErrorEvent(
                    r.list(), r.zone(), r.subject(), r.error().orElseThrow(), r.detail()));
          }
          Health h = job.health().get(s);
          if (h != null && r.error().isPresent() && r.error().get().isListProblem()) {
            h.markUnhealthy(ctx, r.detail());
          }
        }
      }
      done.complete(this);
    } catch (RuntimeException | Error e) {
      done.completeExceptionally(e);
    }
  }
}
