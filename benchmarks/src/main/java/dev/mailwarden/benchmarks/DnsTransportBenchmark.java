package dev.mailwarden.benchmarks;

import dev.mailwarden.dns.DnsStatus;
import dev.mailwarden.dns.NetworkResolver;
import dev.mailwarden.dns.RecordType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Queries per second over the network to a real rbldnsd on 127.0.0.1, with {@code inFlight} queries
 * outstanding: each operation waits for a free slot (a semaphore of {@code inFlight} permits), then
 * sends one query whose completion gives the slot back. So the rate measured is the rate at which
 * answers come back with that many queries on the wire.
 *
 * <ul>
 *   <li>{@code query_mailwarden}: {@link NetworkResolver} with its NIO transport, no cache.
 *   <li>{@code query_dnsjava}: dnsjava's {@code SimpleResolver.sendAsync(Message, Executor)}, a
 *       socket per query (its names are parsed in setup, which favours it slightly).
 *   <li>{@code query_plainudp}: the ceiling, not a resolver: one connected blocking {@code
 *       DatagramChannel}, queries encoded in setup, a reader thread that only checks the RCODE
 *       byte. No ID or question matching, no timeouts, no executor.
 * </ul>
 *
 * The two resolvers complete on a fixed pool of 2 threads, ask the same sequence of names (reversed
 * random addresses in 10.0.0.0/8 under the zone, half of them listed), so nothing is cached
 * anywhere, and check each answer (NOERROR or NXDOMAIN; anything else is counted and printed).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DnsTransportBenchmark {
  private static final String ZONE = "bl.test";
  private static final int NAMES = 1 << 16;

  @Param({"1", "64"})
  int inFlight;

  private LocalRbldnsd rbldnsd;
  private ExecutorService completions;
  private NetworkResolver mailwarden;
  private SimpleResolver dnsjava;
  private String[] names;
  private Name[] dnsjavaNames;
  private int next;
  private Semaphore slots;
  private final AtomicLong errors = new AtomicLong();
  private byte[][] plainQueries;
  private DatagramChannel plain;
  private Thread plainReader;

  @Setup
  public void setup() throws TextParseException {
    rbldnsd = LocalRbldnsd.start(Map.of(ZONE, List.of("10.0.0.0/9")));
    completions =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "bench-completion");
              t.setDaemon(true);
              return t;
            });
    mailwarden =
        NetworkResolver.builder()
            .server(rbldnsd.address())
            .timeout(Duration.ofSeconds(2))
            .tries(1)
            .maxInFlight(Math.max(64, inFlight))
            .executor(completions)
            .build();
    dnsjava = new SimpleResolver(rbldnsd.address());
    dnsjava.setTimeout(Duration.ofSeconds(2));
    Random random = new Random(42);
    names = new String[NAMES];
    dnsjavaNames = new Name[NAMES];
    for (int i = 0; i < NAMES; i++) {
      names[i] =
          random.nextInt(256)
              + "."
              + random.nextInt(256)
              + "."
              + random.nextInt(256)
              + ".10."
              + ZONE;
      dnsjavaNames[i] = Name.fromString(names[i] + ".");
    }
    slots = new Semaphore(inFlight);
    plainQueries = new byte[NAMES][];
    for (int i = 0; i < NAMES; i++) {
      plainQueries[i] =
          Message.newQuery(Record.newRecord(dnsjavaNames[i], Type.A, DClass.IN)).toWire();
    }
    try {
      plain = DatagramChannel.open();
      plain.connect(rbldnsd.address());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    plainReader = new Thread(this::readPlain, "bench-plain-udp");
    plainReader.setDaemon(true);
    plainReader.start();
  }

  private void readPlain() {
    ByteBuffer buf = ByteBuffer.allocateDirect(4096);
    while (plain.isOpen()) {
      try {
        buf.clear();
        plain.read(buf);
        int rcode = buf.get(3) & 0x0f;
        if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
          errors.incrementAndGet();
        }
        slots.release();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  @Setup(Level.Iteration)
  public void rewind() {
    next = 0; // every method asks the same names in the same order
  }

  /** Waits for the queries still on the wire, so they do not spill into the next iteration. */
  @TearDown(Level.Iteration)
  public void drain() throws InterruptedException {
    if (!slots.tryAcquire(inFlight, 10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("queries still in flight after 10 s");
    }
    slots.release(inFlight);
    long e = errors.getAndSet(0);
    if (e > 0) {
      System.out.println("  (" + e + " answers were neither NOERROR nor NXDOMAIN)");
    }
  }

  @TearDown
  public void stop() {
    System.out.println("  mailwarden " + mailwarden.stats());
    mailwarden.close();
    try {
      plain.close();
    } catch (IOException e) {
      // stopping anyway
    }
    completions.shutdownNow();
    rbldnsd.close();
  }

  private int nextIndex() {
    int i = next;
    next = (i + 1) & (NAMES - 1);
    return i;
  }

  @Benchmark
  public void query_mailwarden() throws InterruptedException {
    slots.acquire();
    mailwarden
        .lookup(names[nextIndex()], RecordType.A)
        .whenComplete(
            (answer, failure) -> {
              if (failure != null
                  || (answer.status() != DnsStatus.NOERROR
                      && answer.status() != DnsStatus.NXDOMAIN)) {
                errors.incrementAndGet();
              }
              slots.release();
            });
  }

  @Benchmark
  public void query_plainudp() throws InterruptedException, IOException {
    slots.acquire();
    plain.write(ByteBuffer.wrap(plainQueries[nextIndex()]));
  }

  @Benchmark
  public void query_dnsjava() throws InterruptedException {
    slots.acquire();
    Message query =
        Message.newQuery(Record.newRecord(dnsjavaNames[nextIndex()], Type.A, DClass.IN));
    dnsjava
        .sendAsync(query, completions)
        .whenComplete(
            (response, failure) -> {
              if (failure != null
                  || (response.getRcode() != Rcode.NOERROR
                      && response.getRcode() != Rcode.NXDOMAIN)) {
                errors.incrementAndGet();
              }
              slots.release();
            });
  }
}
