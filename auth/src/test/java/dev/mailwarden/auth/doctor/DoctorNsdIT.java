package dev.mailwarden.auth.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.net.InetAddresses;
import dev.mailwarden.MailwardenRuntime;
import dev.mailwarden.dns.NetworkResolver;
import dev.mailwarden.testing.LoopbackServer;
import dev.mailwarden.testing.NsdServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The doctor's scenarios ({@link DoctorZones}) served by a real NSD on 127.0.0.1 and queried
 * through {@link NetworkResolver} behind the cache: the same exact codes as over the {@code
 * ZoneResolver}, over real DNS (TCP fallback for the long DKIM and SPF TXT records included).
 */
class DoctorNsdIT {
  @TempDir static Path dir;
  static LoopbackServer nsd;
  static MailwardenRuntime runtime;
  static ExecutorService executor;

  @BeforeAll
  static void start() throws IOException {
    Map<String, String> files = new LinkedHashMap<>();
    for (Map.Entry<String, String> z : DoctorZones.contract().zones().entrySet()) {
      String file = z.getKey() + ".zone";
      Files.writeString(dir.resolve(file), z.getValue());
      files.put(z.getKey(), file);
    }
    nsd = NsdServer.start(dir, files);
    executor = Executors.newFixedThreadPool(2);
    runtime =
        MailwardenRuntime.builder()
            .network(NetworkResolver.builder().server(nsd.address()).timeout(Duration.ofSeconds(2)))
            .executor(executor)
            .build();
  }

  @AfterAll
  static void stop() {
    if (runtime != null) {
      runtime.close();
    }
    if (nsd != null) {
      nsd.close();
    }
    if (executor != null) {
      executor.shutdownNow();
    }
  }

  static Stream<DoctorZones.Scenario> scenarios() {
    return DoctorZones.contract().scenarios.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void scenario_overRealDns_givesExactlyItsCodes(DoctorZones.Scenario s) throws Exception {
    Doctor doctor = Doctor.builder(runtime).deadline(Duration.ofSeconds(10)).build();
    DoctorReport report = doctor.examine(DoctorTest.request(s)).get(20, TimeUnit.SECONDS);
    assertThat(report.codes()).as(report.lines().toString()).isEqualTo(s.expected);
  }

  @Test
  void domainTheServerRefuses_isDnsErrorNeverAllClear() throws Exception {
    // NSD answers REFUSED for zones it does not serve: every lookup of the domain fails
    Doctor doctor = Doctor.builder(runtime).deadline(Duration.ofSeconds(10)).build();
    DoctorReport report =
        doctor.examineAndWait(
            DoctorRequest.builder("refused.example.org")
                .ip(InetAddresses.forString("192.0.2.1"))
                .selector("s1")
                .build());
    assertThat(report.codes()).as(report.lines().toString()).containsExactly(Codes.DNS_ERROR);
    assertThat(report.lines().toString())
        .contains("REFUSED")
        .contains("SPF")
        .contains("DMARC")
        .contains("MX");
  }
}
