package dev.mailwarden.dns.internal;

import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsStatus;
import dev.mailwarden.dns.RecordType;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;

/**
 * One lookup across its tries and servers, shared by both transports: where it stands, and the
 * answers it ends with when it cannot get a real one.
 */
final class TransportQuery {
  final String asked;

  /** The name asked in wire form ({@link WireCodec#nameWire}). */
  final byte[] qnameWire;

  final RecordType type;
  final CompletableFuture<DnsAnswer> result;
  private static final VarHandle DONE;

  static {
    try {
      DONE = MethodHandles.lookup().findVarHandle(TransportQuery.class, "done", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private volatile boolean done; // through DONE: no AtomicBoolean per query
  // Written before the query is sent, read after done is won: no race.
  boolean holdsSlot;
  // Advanced by one settled try at a time, never concurrently.
  int server;
  private int attempt;
  private @Nullable DnsAnswer lastRefusal;

  TransportQuery(
      String asked, byte[] qnameWire, RecordType type, CompletableFuture<DnsAnswer> result) {
    this.asked = asked;
    this.qnameWire = qnameWire;
    this.type = type;
    this.result = result;
  }

  /** Marks the query ended; true for the one caller that ends it. */
  boolean markDone() {
    return DONE.compareAndSet(this, false, true);
  }

  boolean isDone() {
    return done;
  }

  /** The name asked as a dnsjava {@link Name}, built on each call (off the hot path). */
  Name qname() {
    return WireCodec.name(qnameWire);
  }

  /**
   * Moves on after a try that gave nothing usable; false once every server had its tries. A {@code
   * refusal} (SERVFAIL, REFUSED, malformed) is kept as the answer if no server does better, and
   * skips that server's remaining tries: it answered, asking again is pointless.
   */
  boolean advance(int tries, int servers, @Nullable DnsAnswer refusal) {
    if (refusal != null) {
      lastRefusal = refusal;
      attempt = tries;
    }
    attempt++;
    if (attempt >= tries) {
      attempt = 0;
      server++;
    }
    return server < servers;
  }

  /** The answer once {@link #advance} returned false. */
  DnsAnswer exhausted(List<InetSocketAddress> servers, int tries) {
    DnsAnswer last = lastRefusal;
    if (last != null) {
      return last;
    }
    StringBuilder names = new StringBuilder();
    for (InetSocketAddress s : servers) {
      if (names.length() > 0) {
        names.append(", ");
      }
      names.append(s.getAddress().getHostAddress()).append(':').append(s.getPort());
    }
    return DnsAnswer.error(
        asked,
        type,
        DnsStatus.TIMEOUT,
        "no answer from " + names + " after " + tries + " tries each");
  }

  static DnsAnswer closed(String asked, RecordType type) {
    return DnsAnswer.error(asked, type, DnsStatus.TIMEOUT, "resolver closed");
  }

  DnsAnswer closed() {
    return closed(asked, type);
  }

  /** Refused at admission: every slot and every waiting place taken. */
  DnsAnswer overloaded(QueryGate<?> gate) {
    return DnsAnswer.error(
        asked,
        type,
        DnsStatus.TIMEOUT,
        "resolver overloaded: "
            + gate.maxInFlight()
            + " queries in flight and "
            + gate.maxWaiting()
            + " waiting");
  }

  /** Waited for a slot longer than its budget. */
  DnsAnswer waitedTooLong(QueryGate<?> gate, long budgetNanos) {
    return DnsAnswer.error(
        asked,
        type,
        DnsStatus.TIMEOUT,
        "resolver overloaded: no free slot among "
            + gate.maxInFlight()
            + " in flight within "
            + TimeUnit.NANOSECONDS.toMillis(budgetNanos)
            + " ms");
  }
}
