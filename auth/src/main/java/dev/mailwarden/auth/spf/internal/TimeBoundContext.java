package dev.mailwarden.auth.spf.internal;

import dev.mailwarden.CheckContext;
import dev.mailwarden.CheckEvent;
import dev.mailwarden.CheckKey;
import dev.mailwarden.CheckResult;
import dev.mailwarden.MailSession;
import dev.mailwarden.SharedCache;
import dev.mailwarden.Ticker;
import dev.mailwarden.dns.DnsResolver;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/** A context whose deadline is earlier than its parent's (the SPF checker's own time bound). */
public final class TimeBoundContext implements CheckContext {
  private final CheckContext parent;
  private final long deadlineNanos;

  public TimeBoundContext(CheckContext parent, long deadlineNanos) {
    this.parent = parent;
    this.deadlineNanos = deadlineNanos;
  }

  @Override
  public MailSession session() {
    return parent.session();
  }

  @Override
  public DnsResolver dns() {
    return parent.dns();
  }

  @Override
  public Ticker ticker() {
    return parent.ticker();
  }

  @Override
  public Clock clock() {
    return parent.clock();
  }

  @Override
  public Executor executor() {
    return parent.executor();
  }

  @Override
  public long deadlineNanos() {
    return deadlineNanos;
  }

  @Override
  public SharedCache cache() {
    return parent.cache();
  }

  @Override
  public <T> CompletableFuture<T> completeAfter(
      CompletableFuture<T> pending, long nanos, Supplier<? extends T> fallback) {
    return parent.completeAfter(pending, nanos, fallback);
  }

  @Override
  public <R extends CheckResult> CompletableFuture<Optional<R>> await(CheckKey<R> key) {
    return parent.await(key);
  }

  @Override
  public void report(CheckEvent event) {
    parent.report(event);
  }

  @Override
  public String toString() {
    return "TimeBoundContext[" + parent + "]";
  }
}
