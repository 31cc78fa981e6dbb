package dev.mailwarden.dnsbl;

import static dev.mailwarden.dnsbl.Fixtures.context;
import static dev.mailwarden.dnsbl.Fixtures.domainZone;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.MailSession;
import dev.mailwarden.dns.ZoneResolver;
import dev.mailwarden.testing.HostileCorpus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every file of {@code src/test/resources/dev/mailwarden/dnsbl/hostile/} and asserts the
 * result its {@code # expect:} line defines: a list status (never an exception) and a phrase of the
 * detail, within a generous time bound.
 */
class HostileCorpusTest {
  private static final java.lang.management.ThreadMXBean CPU =
      java.lang.management.ManagementFactory.getThreadMXBean();

  /**
   * CPU time of the test thread, far above the benchmark's figures (the machine may be loaded):
   * only a hang or the return of a quadratic cost (seconds to minutes on these inputs) fails it.
   */
  private static final Duration BOUND = Duration.ofSeconds(10);

  private static final ZoneResolver DNS =
      ZoneResolver.builder()
          .zone(domainZone("dbl.spamhaus.org", "listed.example IN A 127.0.1.2\n"))
          .build();

  @TestFactory
  Stream<DynamicTest> everyAttack_givesItsDefinedResult() {
    List<HostileCorpus.Attack> attacks =
        HostileCorpus.load(HostileCorpusTest.class.getResource("/dev/mailwarden/dnsbl/hostile"));
    assertThat(attacks).hasSizeGreaterThanOrEqualTo(4);
    return attacks.stream()
        .map(
            a ->
                DynamicTest.dynamicTest(
                    a.name(),
                    () -> {
                      long start = CPU.getCurrentThreadCpuTime();
                      String[] got = run(a.target(), a.payload());
                      Duration took = Duration.ofNanos(CPU.getCurrentThreadCpuTime() - start);
                      System.out.printf(
                          "hostile %-36s %s in %d ms: %s%n",
                          a.name(),
                          got[0],
                          took.toMillis(),
                          got[1].length() > 160 ? got[1].substring(0, 160) + "..." : got[1]);
                      assertThat(got[0])
                          .as("status of %s: %s", a, got[1])
                          .isEqualToIgnoringCase(a.expectedOutcome());
                      assertThat(got[1]).as("detail of %s", a).contains(a.expectedPhrase());
                      assertThat(took).as("time of %s", a).isLessThan(BOUND);
                      a.twin()
                          .ifPresent(
                              twin -> {
                                String[] benign = run(a.target(), twin);
                                assertThat(benign[0]).as("the benign twin runs").isNotBlank();
                                // '# twin-expect:' (optional): the twin's result, proving it is
                                // benign and under every cap
                                a.key("twin-expect")
                                    .ifPresent(
                                        expect -> {
                                          int sp = expect.indexOf(' ');
                                          assertThat(benign[0])
                                              .as("outcome of the twin of %s: %s", a, benign[1])
                                              .isEqualToIgnoringCase(
                                                  sp < 0 ? expect : expect.substring(0, sp));
                                          assertThat(benign[1])
                                              .as("reason of the twin of %s", a)
                                              .contains(
                                                  sp < 0 ? "" : expect.substring(sp + 1).strip());
                                        });
                              });
                    }));
  }

  static String[] run(String target, String payload) {
    switch (target) {
      case "rhsbl-from" -> {
        byte[] msg = payload.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
        DnsblResult r =
            Dnsbl.check(Rhsbl.spamhausDbl().healthProbes(false))
                .check(
                    context(
                        MailSession.builder().message(msg).build(),
                        DNS,
                        new Fixtures.FakeTicker(),
                        new Fixtures.Events()))
                .join();
        ListResult first = r.lists().get(0);
        return new String[] {
          first.status().name(), first.detail() + " (" + r.lists().size() + " result(s))"
        };
      }
      case "list-spec" -> {
        try {
          DnsList l = Dnsbl.parse(payload);
          return new String[] {"valid", l.toString()};
        } catch (IllegalArgumentException e) {
          return new String[] {"invalid", e.getMessage()};
        }
      }
      default -> throw new IllegalArgumentException("unknown target " + target);
    }
  }
}
