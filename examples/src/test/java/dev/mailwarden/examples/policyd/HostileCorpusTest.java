package dev.mailwarden.examples.policyd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.testing.HostileCorpus;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every file of {@code src/test/resources/dev/mailwarden/examples/hostile/} through the policy
 * request reader and asserts its defined result: a malformed request with the reason naming the cap
 * (never an exception, never unbounded buffering), within a time bound.
 */
class HostileCorpusTest {
  private static final java.lang.management.ThreadMXBean CPU =
      java.lang.management.ManagementFactory.getThreadMXBean();

  /**
   * CPU time of the test thread, far above the benchmark's figures (the machine may be loaded):
   * only a hang or the return of a quadratic cost (seconds to minutes on these inputs) fails it.
   */
  private static final Duration BOUND = Duration.ofSeconds(10);

  @TestFactory
  Stream<DynamicTest> everyAttack_givesItsDefinedResult() {
    List<HostileCorpus.Attack> attacks = HostileCorpus.load("/dev/mailwarden/examples/hostile");
    assertThat(attacks).hasSizeGreaterThanOrEqualTo(2);
    return attacks.stream()
        .map(
            a ->
                DynamicTest.dynamicTest(
                    a.name(),
                    () -> {
                      assertThat(a.target()).isEqualTo("policyd-stream");
                      long start = CPU.getCurrentThreadCpuTime();
                      String[] got = read(a.payload());
                      Duration took = Duration.ofNanos(CPU.getCurrentThreadCpuTime() - start);
                      assertThat(got[0])
                          .as("result of %s: %s", a, got[1])
                          .isEqualTo(a.expectedOutcome());
                      assertThat(got[1]).contains(a.expectedPhrase());
                      assertThat(took).isLessThan(BOUND);
                      assertThat(read(a.twin().orElseThrow())[0]).isEqualTo("ok");
                    }));
  }

  /** The first request of the stream: "ok" or "malformed" and the reason. */
  static String[] read(String stream) throws IOException {
    byte[] bytes = (stream + "\n").getBytes(StandardCharsets.ISO_8859_1);
    Optional<PolicyRequestReader.Read> r =
        new PolicyRequestReader(new ByteArrayInputStream(bytes)).next();
    if (r.isEmpty()) {
      return new String[] {"eof", ""};
    }
    return r.get() instanceof PolicyRequestReader.Malformed m
        ? new String[] {"malformed", m.reason()}
        : new String[] {"ok", ""};
  }
}
