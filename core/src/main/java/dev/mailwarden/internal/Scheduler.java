package dev.mailwarden.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one timer of a {@link dev.mailwarden.MailwardenRuntime}: deadlines of evaluations and checks,
 * DNSBL batches, health probes and the cache's coarse clock. One thread, started when the first
 * timer is armed and ended after a second without any pending timer, so a runtime that is never
 * closed leaves no thread behind once idle; {@link #close()} ends it at once. Timers are removed
 * from the queue as soon as they are cancelled, so finished work holds nothing until its deadline.
 * Actions run on the executor given with them, never on the timer thread (unless that executor has
 * shut down: then here rather than never). Internal: not part of the API.
 */
public final class Scheduler implements AutoCloseable {
  private final ScheduledThreadPoolExecutor timer;

  public Scheduler(String threadName) {
    this.timer =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, threadName);
              t.setDaemon(true);
              return t;
            });
    timer.setRemoveOnCancelPolicy(true);
    timer.setKeepAliveTime(1, TimeUnit.SECONDS);
    timer.allowCoreThreadTimeOut(true);
    timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  /**
   * Runs {@code action} on {@code executor} after {@code nanos} unless {@code pending} is done by
   * then. The timer is cancelled as soon as {@code pending} completes.
   */
  public void runIfPendingAfter(
      CompletableFuture<?> pending, long nanos, Executor executor, Runnable action) {
    if (pending.isDone()) {
      return;
    }
    ScheduledFuture<?> armed;
    try {
      armed =
          timer.schedule(
              () -> {
                if (!pending.isDone()) {
                  execute(executor, action);
                }
              },
              Math.max(0, nanos),
              TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closed) {
      execute(executor, action); // the runtime is closed: the deadline has come
      return;
    }
    pending.whenComplete((r, e) -> armed.cancel(false));
  }

  /**
   * Completes {@code pending} with {@code fallback} (on {@code executor}) if still pending after
   * {@code nanos}.
   */
  public <T> CompletableFuture<T> completeAfter(
      CompletableFuture<T> pending,
      long nanos,
      Executor executor,
      java.util.function.Supplier<? extends T> fallback) {
    runIfPendingAfter(
        pending,
        nanos,
        executor,
        () -> {
          try {
            pending.complete(fallback.get());
          } catch (RuntimeException e) {
            pending.completeExceptionally(e);
          }
        });
    return pending;
  }

  /** Runs {@code task} on the timer thread every {@code periodNanos} until closed or cancelled. */
  public ScheduledFuture<?> every(long periodNanos, Runnable task) {
    return timer.scheduleAtFixedRate(task, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
  }

  /** Timers pending now; for tests. */
  public int pending() {
    return timer.getQueue().size();
  }

  /** Whether the timer thread is alive now; for tests. */
  public boolean threadAlive() {
    return timer.getPoolSize() > 0;
  }

  private static void execute(Executor executor, Runnable action) {
    try {
      executor.execute(action);
    } catch (RejectedExecutionException shutDown) {
      action.run();
    }
  }

  /** Drops every pending timer and ends the thread. */
  @Override
  public void close() {
    timer.shutdownNow();
  }
}
