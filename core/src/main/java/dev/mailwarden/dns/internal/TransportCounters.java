package dev.mailwarden.dns.internal;

import dev.mailwarden.dns.NetworkResolver;
import java.util.concurrent.atomic.LongAdder;

/** The counters behind {@link NetworkResolver.Stats}; striped, so cheap on the hot path. */
final class TransportCounters {
  final LongAdder queriesSent = new LongAdder();
  final LongAdder answersAccepted = new LongAdder();
  final LongAdder droppedUnknownId = new LongAdder();
  final LongAdder droppedWrongSource = new LongAdder();
  final LongAdder droppedWrongQuestion = new LongAdder();
  final LongAdder droppedUnparseable = new LongAdder();
  final LongAdder timeouts = new LongAdder();
  final LongAdder tcpRetries = new LongAdder();
  final LongAdder overloaded = new LongAdder();

  NetworkResolver.Stats snapshot(int inFlight, int waiting) {
    return new NetworkResolver.Stats(
        queriesSent.sum(),
        answersAccepted.sum(),
        droppedUnknownId.sum(),
        droppedWrongSource.sum(),
        droppedWrongQuestion.sum(),
        droppedUnparseable.sum(),
        timeouts.sum(),
        tcpRetries.sum(),
        overloaded.sum(),
        inFlight,
        waiting);
  }
}
