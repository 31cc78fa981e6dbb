package dev.mailwarden.auth.spf.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Completes a pending check at its deadline when DNS never answers. One daemon thread only
 * counts time; the completion runs on the check's executor. Timers are cancelled (and removed)
 * as soon as the check completes, so finished checks hold nothing.
 */
public final class DeadlineTimer {
  private static final ScheduledThreadPoolExecutor TIMER = create();

  private DeadlineTimer() {}

  private static ScheduledThreadPoolExecutor create() {
    ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
      Thread thread = new Thread(r, "mailwarden-spf-deadline");
      thread.setDaemon(true);
      return thread;
    });
    t.setRemoveOnCancelPolicy(true);
    return t;
  }

  /** Completes {@code pending} with {@code onTimeout} after {@code nanos} unless it completed first. */
  public static <T> void completeAt(
      CompletableFuture<T> pending, long nanos, Executor executor, Supplier<T> onTimeout) {
    ScheduledFuture<?> timer = TIMER.schedule(() -> {
      try {
        executor.execute(() -> pending.complete(onTimeout.get()));
      } catch (RejectedExecutionException e) {
        pending.complete(onTimeout.get());
      }
    }, Math.max(0, nanos), TimeUnit.NANOSECONDS);
    pending.whenComplete((r, e) -> timer.cancel(false));
  }
}
