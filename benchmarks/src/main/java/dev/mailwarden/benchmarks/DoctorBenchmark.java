package dev.mailwarden.benchmarks;

import com.google.common.net.InetAddresses;
import dev.mailwarden.MailwardenRuntime;
import dev.mailwarden.auth.dkim.DkimKeys;
import dev.mailwarden.auth.doctor.Doctor;
import dev.mailwarden.auth.doctor.DoctorReport;
import dev.mailwarden.auth.doctor.DoctorRequest;
import dev.mailwarden.dns.ZoneResolver;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One whole {@code Doctor.examine} (reverse DNS and HELO, Spamhaus ZEN, the SPF tree and the real
 * SPF check, a DKIM key, DMARC with an external rua, MX) over a cached resolver whose answers are
 * all in the cache after the first iteration: what the doctor itself costs on top of DNS. {@code
 * healthy} is an all clear; {@code problems} gives six findings, among them an SPF tree over two
 * includes with four void lookups, a 1024-bit key and a PBL listing. No peer: no Java library does
 * this.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DoctorBenchmark {

  @Param({"healthy", "problems"})
  public String kind;

  private Doctor doctor;
  private DoctorRequest request;

  @Setup
  public void setUp() {
    boolean bad = kind.equals("problems");
    String key = DkimKeys.rsa(bad ? 1024 : 2048).zoneFileLine("s1", "example.com");
    String zone =
        """
        $ORIGIN example.com.
        $TTL 3600
        @ IN SOA ns.example.com. hostmaster.example.com. 1 3600 600 86400 3600
        @ IN MX 10 mail.example.com.
        mail IN A 192.0.2.25
        25.2.0.192.in-addr.arpa. IN PTR mail.example.com.
        2.0.0.127.zen.spamhaus.org. IN A 127.0.0.2
        """
            + key
            + "\n"
            + (bad
                ? """
        @ IN TXT "v=spf1 include:_a.example.com include:_b.example.com mx ?all"
        _a IN TXT "v=spf1 a:h1.example.com a:h2.example.com a:h3.example.com ~all"
        _b IN TXT "v=spf1 a:h4.example.com exists:%{i}.x.example.com ~all"
        h1 IN A 198.51.100.1
        _dmarc IN TXT "v=DMARC1; p=none; rua=mailto:reports@example.net"
        25.2.0.192.zen.spamhaus.org. IN A 127.0.0.10
        """
                : """
        @ IN TXT "v=spf1 ip4:192.0.2.25 -all"
        _dmarc IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@example.com"
        """);
    // the runtime's cache in front of the zone, answers completing on the calling thread
    doctor =
        Doctor.builder(
                MailwardenRuntime.builder()
                    .dns(ZoneResolver.builder().zone(zone).build())
                    .executor(Runnable::run)
                    .build())
            .build();
    request =
        DoctorRequest.builder("example.com")
            .ip(InetAddresses.forString("192.0.2.25"))
            .helo("mail.example.com")
            .selector("s1")
            .build();
    DoctorReport first = doctor.examineAndWait(request);
    if (first.findings().isEmpty() == bad) {
      throw new IllegalStateException("unexpected findings for " + kind + ": " + first.lines());
    }
  }

  @Benchmark
  public DoctorReport examine_mailwarden() {
    return doctor.examineAndWait(request);
  }
}
