package dev.mailwarden.benchmarks;

import dev.mailwarden.Outcome;
import dev.mailwarden.auth.arc.Arc;
import dev.mailwarden.auth.arc.ArcResult;
import dev.mailwarden.auth.arc.ArcSealer;
import dev.mailwarden.auth.arc.ArcStatus;
import dev.mailwarden.auth.arc.ArcVerifier;
import dev.mailwarden.auth.dkim.Dkim;
import dev.mailwarden.auth.dkim.DkimKeyPair;
import dev.mailwarden.auth.dkim.DkimKeys;
import dev.mailwarden.auth.dkim.DkimResult;
import dev.mailwarden.auth.dkim.DkimSigner;
import dev.mailwarden.auth.dkim.DkimVerifier;
import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsRecord;
import dev.mailwarden.dns.DnsResolver;
import dev.mailwarden.dns.RecordType;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * ARC chain validation of a 4 KB message sealed by three hops (RSA-2048, relaxed/relaxed, keys
 * already cached: the resolver returns a completed future), beside one DKIM verification of the
 * same message in the same run. The floor of a passing three-hop chain is three seal checks plus
 * one message signature: about four DKIM verifications. {@code arcVerifyOldestPass} also checks the
 * two older message signatures (RFC 8617 oldest-pass), two more RSA verifications.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar ArcBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ArcBenchmark {
  private static final Executor DIRECT = Runnable::run;

  @State(Scope.Benchmark)
  public static class Input {
    byte[] message;
    DnsResolver dns;
    DkimVerifier dkim;
    ArcVerifier arc;
    ArcVerifier arcOldestPass;
    Clock clock;

    @Setup(Level.Trial)
    public void setUp() {
      DkimKeyPair key = DkimKeys.rsa(2048);
      clock = Clock.systemUTC();
      byte[] m =
          DkimSigner.builder()
              .domain("example.com")
              .selector("bench")
              .privateKey(key.privateKey())
              .expireAfter(Duration.ofDays(30))
              .build()
              .signMessage(DkimBenchmark.unsignedMessage(4096));
      String[] hops = {"lists.example.org", "fwd.example.net", "mx.example.edu"};
      for (int k = 0; k < hops.length; k++) {
        ArcSealer sealer =
            ArcSealer.builder()
                .domain(hops[k])
                .selector("bench")
                .privateKey(key.privateKey())
                .authservId(hops[k])
                .build();
        String ar =
            "Authentication-Results: "
                + hops[k]
                + "; dkim=pass header.d=example.com; spf=pass"
                + " smtp.mailfrom=example.com; dmarc=pass header.from=example.com\r\n";
        byte[] withAr = concat(ar.getBytes(StandardCharsets.US_ASCII), m);
        m = sealer.seal(withAr, k == 0 ? ArcStatus.NONE : ArcStatus.PASS);
      }
      message = m;
      DnsAnswer answer =
          DnsAnswer.of(
              "bench._domainkey.example.com",
              RecordType.TXT,
              List.of(DnsRecord.Txt.of(key.txtRecord())),
              3600);
      CompletableFuture<DnsAnswer> cached = CompletableFuture.completedFuture(answer);
      dns = (name, type) -> cached;
      dkim = Dkim.check();
      arc = Arc.check();
      arcOldestPass = Arc.builder().oldestPass(true).build();
      DkimResult d = dkim.verify(message, dns, clock, DIRECT).join();
      ArcResult a = arc.verify(message, dns, DIRECT).join();
      ArcResult o = arcOldestPass.verify(message, dns, DIRECT).join();
      if (d.outcome() != Outcome.PASS
          || a.status() != ArcStatus.PASS
          || o.oldestPass().orElse(-1) != 0) {
        throw new IllegalStateException(
            "benchmark message does not verify: " + d + " " + a + " " + o);
      }
    }

    private static byte[] concat(byte[] a, byte[] b) {
      byte[] out = new byte[a.length + b.length];
      System.arraycopy(a, 0, out, 0, a.length);
      System.arraycopy(b, 0, out, a.length, b.length);
      return out;
    }
  }

  @Benchmark
  public ArcResult arcVerify(Input in) {
    return in.arc.verify(in.message, in.dns, DIRECT).join();
  }

  @Benchmark
  public ArcResult arcVerifyOldestPass(Input in) {
    return in.arcOldestPass.verify(in.message, in.dns, DIRECT).join();
  }

  @Benchmark
  public DkimResult dkimVerify(Input in) {
    return in.dkim.verify(in.message, in.dns, in.clock, DIRECT).join();
  }
}
