package dev.mailwarden.testing;

import dev.mailwarden.dns.NetworkResolver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The set-up of a fault-injection test: a real NSD serving the given zones, a {@link
 * FaultyDnsProxy} in front of it, a two-thread executor and a {@link NetworkResolver} asking the
 * proxy (500 ms timeout, one try, answers on that executor). Closing stops all of them.
 *
 * <pre>{@code
 * try (FaultyDnsRig rig = FaultyDnsRig.start(dir, Map.of("example.com", "example.com.zone"))) {
 *   rig.proxy().inject("example.com", FaultyDnsProxy.Fault.SERVFAIL);
 *   ... MailWarden.builder(TestRuntime.of(rig.dns())).executor(rig.executor()) ...
 *   rig.awaitIdle();
 * }
 * }</pre>
 */
public final class FaultyDnsRig implements AutoCloseable {
  private final LoopbackServer nsd;
  private final FaultyDnsProxy proxy;
  private final ThreadPoolExecutor executor;
  private final NetworkResolver dns;

  private FaultyDnsRig(
      LoopbackServer nsd, FaultyDnsProxy proxy, ThreadPoolExecutor executor, NetworkResolver dns) {
    this.nsd = nsd;
    this.proxy = proxy;
    this.executor = executor;
    this.dns = dns;
  }

  /** Starts NSD on {@code zones} (zone name → file in {@code dir}), the proxy and the resolver. */
  public static FaultyDnsRig start(Path dir, Map<String, String> zones) {
    LoopbackServer nsd = NsdServer.start(dir, zones);
    FaultyDnsProxy proxy;
    try {
      proxy = FaultyDnsProxy.start(nsd.address());
    } catch (RuntimeException e) {
      nsd.close();
      throw e;
    }
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
    NetworkResolver dns =
        NetworkResolver.builder()
            .server(proxy.address())
            .timeout(Duration.ofMillis(500))
            .tries(1)
            .executor(executor)
            .build();
    return new FaultyDnsRig(nsd, proxy, executor, dns);
  }

  public LoopbackServer nsd() {
    return nsd;
  }

  public FaultyDnsProxy proxy() {
    return proxy;
  }

  public NetworkResolver dns() {
    return dns;
  }

  public ThreadPoolExecutor executor() {
    return executor;
  }

  /** Fails unless nothing runs or waits on this rig's executor within a second. */
  public void awaitIdle() throws InterruptedException {
    awaitIdle(executor);
  }

  /** Fails unless nothing runs or waits on {@code executor} within a second. */
  public static void awaitIdle(ThreadPoolExecutor executor) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
    while (System.nanoTime() < end) {
      if (executor.getActiveCount() == 0 && executor.getQueue().isEmpty()) {
        return;
      }
      Thread.sleep(10);
    }
    throw new AssertionError(
        "executor still busy after the evaluation: active="
            + executor.getActiveCount()
            + ", queued="
            + executor.getQueue().size());
  }

  @Override
  public void close() {
    dns.close();
    proxy.close();
    nsd.close();
    executor.shutdownNow();
  }
}
