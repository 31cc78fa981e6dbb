package dev.mailwarden.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The one deadline mechanism of the library, behind {@link dev.mailwarden.CheckContext#completeAtDeadline},
 * the engine's evaluation deadline and DNSBL batches (which end a little before the context's
 * deadline): runs an action on an executor when a future is still pending after a delay. The
 * JDK's shared delay thread (the one behind {@link CompletableFuture#completeOnTimeout}) counts
 * the time, so mailwarden owns no timer thread and no static state; the delay task is cancelled,
 * and removed from the JDK's queue, as soon as the future completes, so finished work holds
 * nothing until its deadline. Internal: not part of the API.
 */
public final class Deadlines {
  private Deadlines() {}

  /**
   * Runs {@code action} on {@code executor} after {@code nanos} unless {@code pending} is done by
   * then; if the executor rejects it (shut down), runs it on the timer thread rather than never.
   */
  public static void runIfPendingAfter(
      CompletableFuture<?> pending, long nanos, Executor executor, Runnable action) {
    if (pending.isDone()) {
      return;
    }
    CompletableFuture<Void> timer = new CompletableFuture<>();
    timer.completeOnTimeout(null, Math.max(0, nanos), TimeUnit.NANOSECONDS);
    timer.thenRun(
        () -> {
          if (pending.isDone()) {
            return;
          }
          try {
            executor.execute(action);
          } catch (RejectedExecutionException shutDown) {
            action.run(); // run here rather than never
          }
        });
    // cancelling the timer cancels the JDK's delay task (completeOnTimeout's own canceller)
    pending.whenComplete((r, e) -> timer.cancel(false));
  }
}
