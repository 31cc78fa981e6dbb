package dev.mailwarden.dnsbl;

import static dev.mailwarden.dnsbl.Fixtures.ipZone;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.CheckContext;
import dev.mailwarden.Outcome;
import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsResolver;
import dev.mailwarden.dns.RecordType;
import dev.mailwarden.dns.ZoneResolver;
import dev.mailwarden.testing.TestRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Many concurrent evaluations of one address reach upstream DNS once (core cache single-flight).
 */
class SingleFlightTest {

  /** An upstream that counts queries and answers only when the test releases it. */
  private static final class GatedUpstream implements DnsResolver {
    final ZoneResolver data;
    final CountDownLatch gate = new CountDownLatch(1);
    final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    final ExecutorService answering = Executors.newSingleThreadExecutor();

    GatedUpstream(ZoneResolver data) {
      this.data = data;
    }

    @Override
    public CompletableFuture<DnsAnswer> lookup(String name, RecordType type) {
      counts.computeIfAbsent(name + " " + type, k -> new AtomicInteger()).incrementAndGet();
      return CompletableFuture.supplyAsync(
          () -> {
            try {
              gate.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return data.lookup(name, type).join();
          },
          answering);
    }
  }

  @Test
  void manyConcurrentEvaluationsOfOneAddress_sendOneUpstreamQueryPerName() throws Exception {
    GatedUpstream upstream =
        new GatedUpstream(
            ZoneResolver.builder()
                .zone(
                    ipZone(
                        "zen.spamhaus.org",
                        "1.2.0.192 IN A 127.0.0.2\n1.2.0.192 IN TXT \"listed\"\n"))
                .zone(ipZone("bl.example", ""))
                .build());
    DnsResolver dns = TestRuntime.cache(upstream, 1_000);
    DnsblChecker group =
        Dnsbl.builder()
            .name("dnsbl")
            .list(Dnsbl.spamhausZen().healthProbes(false))
            .list(Dnsbl.list("bl.example").healthProbes(false))
            .build();

    int threads = 8;
    int perThread = 25;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<CompletableFuture<DnsblResult>> results = new ArrayList<>();
    List<java.util.concurrent.Future<?>> submitted = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      submitted.add(
          pool.submit(
              () -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                  CompletableFuture<DnsblResult> f =
                      group.check(CheckContext.forTesting(Fixtures.session("192.0.2.1"), dns));
                  synchronized (results) {
                    results.add(f);
                  }
                }
                return null;
              }));
    }
    start.countDown();
    for (var s : submitted) {
      s.get(10, TimeUnit.SECONDS);
    }
    upstream.gate.countDown();
    CompletableFuture.allOf(results.toArray(new CompletableFuture<?>[0])).get(10, TimeUnit.SECONDS);
    pool.shutdownNow();
    upstream.answering.shutdownNow();

    assertThat(results).hasSize(threads * perThread);
    assertThat(results).allSatisfy(f -> assertThat(f.join().outcome()).isEqualTo(Outcome.FAIL));
    assertThat(upstream.counts.get("1.2.0.192.zen.spamhaus.org A")).hasValue(1);
    assertThat(upstream.counts.get("1.2.0.192.bl.example A")).hasValue(1);
    assertThat(upstream.counts.get("1.2.0.192.zen.spamhaus.org TXT")).hasValue(1);
  }
}
