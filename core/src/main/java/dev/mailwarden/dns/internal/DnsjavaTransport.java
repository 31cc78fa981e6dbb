package dev.mailwarden.dns.internal;

import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsStatus;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Message;
import org.xbill.DNS.SimpleResolver;

/**
 * The transport of dnsjava: {@link SimpleResolver#sendAsync(Message, Executor)}, one UDP resolver
 * and one TCP resolver per server, configured per instance (no dnsjava static default is read or
 * changed). Same tries, server order, back-pressure and {@link DnsAnswer} mapping as {@link
 * NioTransport}; dnsjava completes each reply on the configured executor and the query's
 * continuation runs there, so there is one hand-off per try.
 *
 * <p>Kept for comparison and as a fallback: dnsjava opens a socket per query. Its replies are
 * checked for ID and source by dnsjava and for the question here; the drop counters stay 0 because
 * dnsjava does not report what it ignores.
 */
final class DnsjavaTransport extends GatedTransport {
  private final List<SimpleResolver> udp = new ArrayList<>();
  private final List<SimpleResolver> tcp = new ArrayList<>();
  private final ScheduledThreadPoolExecutor waitTimer;
  private final SecureRandom random = new SecureRandom();

  DnsjavaTransport(TransportConfig config) {
    super(config, "mailwarden-dnsjava-completion", true);
    for (InetSocketAddress server : servers) {
      udp.add(resolver(server, config, false));
      tcp.add(resolver(server, config, true));
    }
    this.waitTimer = new ScheduledThreadPoolExecutor(1, daemon("mailwarden-dnsjava-wait"));
    waitTimer.setRemoveOnCancelPolicy(true);
  }

  private static SimpleResolver resolver(
      InetSocketAddress server, TransportConfig config, boolean overTcp) {
    SimpleResolver r = new SimpleResolver(server);
    r.setTimeout(config.timeout());
    r.setTCP(overTcp);
    r.setIgnoreTruncation(true); // TC is handled here, so it is counted and tried like NIO's
    return r;
  }

  @Override
  void afterEnqueue() {
    try {
      waitTimer.schedule(
          () -> gate.expire(ticker.read(), this::onWaitExpired),
          waitBudgetNanos,
          TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closing) {
      // close() completes the waiters
    }
  }

  @Override
  void sendTry(TransportQuery q) {
    send(q, false);
  }

  private void send(TransportQuery q, boolean overTcp) {
    if (closed) {
      finish(q, q.closed());
      return;
    }
    SimpleResolver r = (overTcp ? tcp : udp).get(q.server);
    Message query = WireCodec.queryMessage(q.qname(), q.type, random.nextInt(65_536));
    counters.queriesSent.increment();
    try {
      r.sendAsync(query, completions)
          .whenComplete((response, error) -> onResult(q, overTcp, response, error));
    } catch (RuntimeException e) {
      onResult(q, overTcp, null, e);
    }
  }

  private void onResult(
      TransportQuery q, boolean overTcp, @Nullable Message response, @Nullable Throwable error) {
    if (q.isDone()) {
      return; // closed meanwhile
    }
    if (error != null || response == null) {
      counters.timeouts.increment(); // a timeout, or an I/O error treated like one
      nextTry(q, null);
      return;
    }
    if (!WireCodec.answersQuestion(response, q.qname(), q.type)) {
      counters.droppedWrongQuestion.increment();
      nextTry(q, null);
      return;
    }
    counters.answersAccepted.increment();
    if (!overTcp && WireCodec.isTruncated(response)) {
      counters.tcpRetries.increment();
      send(q, true);
      return;
    }
    DnsAnswer answer;
    try {
      answer = WireCodec.toAnswer(q.asked, q.qname(), q.type, response);
    } catch (RuntimeException e) {
      answer =
          DnsAnswer.error(
              q.asked, q.type, DnsStatus.SERVFAIL, "malformed reply: " + e.getMessage());
    }
    conclude(q, answer);
  }

  @Override
  public void close() {
    if (!markClosed()) {
      return;
    }
    waitTimer.shutdownNow();
    endAll();
  }

  @Override
  public String toString() {
    return "DnsjavaTransport" + servers;
  }
}
