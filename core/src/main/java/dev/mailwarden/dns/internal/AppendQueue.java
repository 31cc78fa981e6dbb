package dev.mailwarden.dns.internal;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A FIFO that any thread appends to and one thread takes from, linking the elements themselves
 * (Dmitry Vyukov's intrusive multi-producer single-consumer queue): an append is one atomic swap
 * and one write, with no node to allocate, and the taker never touches the end that appenders
 * write. Each element is appended once.
 *
 * <p>Between an appender's swap and its link the element is not yet visible: {@link #peek} and
 * {@link #poll} then see the queue end before it, and see it on a later call.
 */
final class AppendQueue<E extends AppendQueue.Link<E>> {

  /** What an element carries to be queued. */
  abstract static class Link<E> {
    volatile @Nullable E next;
  }

  private static final class Stub<E> extends Link<E> {}

  private final AtomicReference<Link<E>> tail;

  /** The last element taken (or the stub); only the taking thread reads and writes it. */
  private Link<E> head;

  AppendQueue() {
    Link<E> stub = new Stub<>();
    this.head = stub;
    this.tail = new AtomicReference<>(stub);
  }

  /** Appends {@code e}; any thread. */
  void add(E e) {
    Link<E> previous = tail.getAndSet(e);
    previous.next = e;
  }

  /** The oldest element, or null if none is visible; the taking thread only. */
  @Nullable E peek() {
    return head.next;
  }

  /** Removes and returns the oldest element, or null; the taking thread only. */
  @Nullable E poll() {
    Link<E> h = head;
    E first = h.next;
    if (first != null) {
      head = first;
      h.next = null; // an old element keeps no newer one reachable
    }
    return first;
  }

  /**
   * Hands every element not yet taken to {@code action}, waiting for appends already begun to link
   * their element. For closing, once the taking thread has stopped.
   */
  void forEachRemaining(Consumer<E> action) {
    Link<E> n = head;
    Link<E> last = tail.get();
    while (n != last) {
      E next;
      while ((next = n.next) == null) {
        Thread.onSpinWait(); // an appender between its swap and its link: a few instructions
      }
      action.accept(next);
      n = next;
    }
  }
}
