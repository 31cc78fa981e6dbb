package dev.mailwarden.dns.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class QueryGateTest {

  @Test
  void slots_areBounded_andWaitersStartInFifoOrder() {
    QueryGate<String> gate = new QueryGate<>(2, 2);

    assertThat(gate.tryAcquire()).isTrue();
    assertThat(gate.tryAcquire()).isTrue();
    assertThat(gate.tryAcquire()).isFalse();
    assertThat(gate.enqueue("a", Long.MAX_VALUE)).isTrue();
    assertThat(gate.enqueue("b", Long.MAX_VALUE)).isTrue();
    assertThat(gate.enqueue("c", Long.MAX_VALUE)).isFalse(); // FIFO full
    assertThat(gate.pollStartable()).isNull(); // no slot yet

    gate.release();
    assertThat(gate.pollStartable()).isEqualTo("a");
    assertThat(gate.pollStartable()).isNull();
    gate.release();
    assertThat(gate.pollStartable()).isEqualTo("b");
    assertThat(gate.inFlight()).isEqualTo(2);
    assertThat(gate.waiting()).isZero();
  }

  @Test
  void expire_removesOnlyWaitersPastTheirDeadline_andReportsTheNext() {
    QueryGate<String> gate = new QueryGate<>(1, 10);
    gate.tryAcquire();
    gate.enqueue("early", 100);
    gate.enqueue("late", 200);
    List<String> expired = new ArrayList<>();

    long next = gate.expire(150, expired::add);

    assertThat(expired).containsExactly("early");
    assertThat(next).isEqualTo(200);
    assertThat(gate.waiting()).isEqualTo(1);
    assertThat(gate.expire(250, expired::add)).isEqualTo(Long.MAX_VALUE);
    assertThat(expired).containsExactly("early", "late");
  }

  @Test
  void underContention_everyItemEndsExactlyOnce_andNoSlotLeaks() throws Exception {
    QueryGate<Integer> gate = new QueryGate<>(4, 64);
    int threads = 4;
    int perThread = 20_000;
    ConcurrentHashMap<Integer, String> endings = new ConcurrentHashMap<>();
    AtomicInteger maxSeen = new AtomicInteger();
    AtomicInteger duplicate = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(threads);
    for (int t = 0; t < threads; t++) {
      int base = t * perThread;
      new Thread(
              () -> {
                for (int i = 0; i < perThread; i++) {
                  int item = base + i;
                  if (gate.tryAcquire()) {
                    run(gate, item, endings, maxSeen, duplicate);
                  } else if (!gate.enqueue(item, Long.MAX_VALUE)) {
                    end(endings, item, "refused", duplicate);
                  }
                  Integer w;
                  while ((w = gate.pollStartable()) != null) {
                    run(gate, w, endings, maxSeen, duplicate);
                  }
                  if (ThreadLocalRandom.current().nextInt(100) == 0) {
                    gate.expire(Long.MAX_VALUE - 1, x -> end(endings, x, "expired", duplicate));
                  }
                }
                done.countDown();
              })
          .start();
    }
    done.await();
    Integer w;
    while ((w = gate.pollStartable()) != null) { // the stragglers
      run(gate, w, endings, maxSeen, duplicate);
    }

    assertThat(duplicate).hasValue(0);
    assertThat(endings).hasSize(threads * perThread);
    assertThat(maxSeen.get()).isLessThanOrEqualTo(4);
    assertThat(gate.inFlight()).isZero();
    assertThat(gate.waiting()).isZero();
  }

  private static void run(
      QueryGate<Integer> gate,
      int item,
      ConcurrentHashMap<Integer, String> endings,
      AtomicInteger maxSeen,
      AtomicInteger duplicate) {
    maxSeen.accumulateAndGet(gate.inFlight(), Math::max);
    end(endings, item, "ran", duplicate);
    gate.release();
  }

  private static void end(
      ConcurrentHashMap<Integer, String> endings, int item, String how, AtomicInteger duplicate) {
    if (endings.putIfAbsent(item, how) != null) {
      duplicate.incrementAndGet();
    }
  }
}
