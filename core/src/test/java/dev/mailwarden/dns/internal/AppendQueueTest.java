package dev.mailwarden.dns.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class AppendQueueTest {

  private static final class Item extends AppendQueue.Link<Item> {
    final int producer;
    final int seq;

    Item(int producer, int seq) {
      this.producer = producer;
      this.seq = seq;
    }
  }

  @Test
  void singleThread_isFifo_andEmptyGivesNull() {
    AppendQueue<Item> q = new AppendQueue<>();
    assertThat(q.peek()).isNull();
    assertThat(q.poll()).isNull();
    Item a = new Item(0, 0);
    Item b = new Item(0, 1);
    q.add(a);
    q.add(b);
    assertThat(q.peek()).isSameAs(a);
    assertThat(q.poll()).isSameAs(a);
    assertThat(q.poll()).isSameAs(b);
    assertThat(q.poll()).isNull();
    Item c = new Item(0, 2);
    q.add(c);
    List<Item> rest = new ArrayList<>();
    q.forEachRemaining(rest::add);
    assertThat(rest).containsExactly(c);
  }

  @Test
  void concurrentAppends_areEachTakenOnce_inEachAppendersOrder() throws Exception {
    AppendQueue<Item> q = new AppendQueue<>();
    int producers = 4;
    int each = 50_000;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      int id = p;
      Thread t =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  return;
                }
                for (int i = 0; i < each; i++) {
                  q.add(new Item(id, i));
                }
              });
      t.start();
      threads.add(t);
    }
    start.countDown();
    int[] next = new int[producers];
    int taken = 0;
    // take while appending, then the rest through forEachRemaining (as close() does)
    while (taken < producers * each / 2) {
      Item it = q.poll();
      if (it == null) {
        Thread.onSpinWait();
        continue;
      }
      assertThat(it.seq).isEqualTo(next[it.producer]);
      next[it.producer]++;
      taken++;
    }
    for (Thread t : threads) {
      t.join();
    }
    List<Item> rest = new ArrayList<>();
    q.forEachRemaining(rest::add);
    for (Item it : rest) {
      assertThat(it.seq).isEqualTo(next[it.producer]);
      next[it.producer]++;
    }
    for (int p = 0; p < producers; p++) {
      assertThat(next[p]).isEqualTo(each);
    }
  }
}
