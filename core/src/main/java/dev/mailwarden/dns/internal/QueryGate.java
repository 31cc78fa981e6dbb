package dev.mailwarden.dns.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Bounds the queries in flight: a query takes a slot before it is sent and gives it back when it
 * ends. Queries that find no free slot wait in a bounded FIFO, each until its deadline; when the
 * FIFO is full they are refused. Lock-free; any thread may call any method.
 */
final class QueryGate<T> {
  private final int maxInFlight;
  private final int maxWaiting;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger waitingCount = new AtomicInteger();
  private final ConcurrentLinkedQueue<Waiter<T>> waiting = new ConcurrentLinkedQueue<>();

  /**
   * Identity matters: a waiter is taken out by exactly one of poll (started) or remove (expired).
   */
  private static final class Waiter<T> {
    final T item;
    final long deadline;

    Waiter(T item, long deadline) {
      this.item = item;
      this.deadline = deadline;
    }
  }

  QueryGate(int maxInFlight, int maxWaiting) {
    this.maxInFlight = maxInFlight;
    this.maxWaiting = maxWaiting;
  }

  /** Takes a slot if one is free. */
  boolean tryAcquire() {
    while (true) {
      int n = inFlight.get();
      if (n >= maxInFlight) {
        return false;
      }
      if (inFlight.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  /** Gives a slot back; the caller then starts waiters with {@link #pollStartable()}. */
  void release() {
    inFlight.decrementAndGet();
  }

  /**
   * Queues an item until {@code deadline} (a transport ticker reading); false if the FIFO is full.
   * The caller then calls {@link #pollStartable()}: a slot may have freed meanwhile.
   */
  boolean enqueue(T item, long deadline) {
    if (waitingCount.incrementAndGet() > maxWaiting) {
      waitingCount.decrementAndGet();
      return false;
    }
    waiting.add(new Waiter<>(item, deadline));
    return true;
  }

  /** The oldest waiter together with a slot for it, or null if no slot or no waiter. */
  @Nullable T pollStartable() {
    while (waitingCount.get() > 0 && tryAcquire()) {
      Waiter<T> w = waiting.poll();
      if (w != null) {
        waitingCount.decrementAndGet();
        return w.item;
      }
      release();
      // a waiter added while this thread held the slot found no slot: look again
      if (waiting.isEmpty()) {
        return null;
      }
    }
    return null;
  }

  /**
   * Removes the waiters whose deadline is not after {@code now}, oldest first, handing each to
   * {@code expired}; returns the next waiter's deadline, or {@link Long#MAX_VALUE} if none waits.
   */
  long expire(long now, Consumer<T> expired) {
    Waiter<T> head;
    while ((head = waiting.peek()) != null) {
      if (head.deadline - now > 0) {
        return head.deadline;
      }
      if (waiting.remove(head)) {
        waitingCount.decrementAndGet();
        expired.accept(head.item);
      }
    }
    return Long.MAX_VALUE;
  }

  /** Empties the FIFO (closing), handing each waiter to {@code dropped}. */
  void drain(Consumer<T> dropped) {
    Waiter<T> w;
    while ((w = waiting.poll()) != null) {
      waitingCount.decrementAndGet();
      dropped.accept(w.item);
    }
  }

  int inFlight() {
    return inFlight.get();
  }

  int waiting() {
    return waitingCount.get();
  }

  int maxInFlight() {
    return maxInFlight;
  }

  int maxWaiting() {
    return maxWaiting;
  }
}
