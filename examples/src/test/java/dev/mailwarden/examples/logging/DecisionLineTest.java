package dev.mailwarden.examples.logging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.MailSession;
import dev.mailwarden.MailWarden;
import dev.mailwarden.dns.ZoneResolver;
import dev.mailwarden.testing.TestRuntime;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Through a real SLF4J binding (slf4j-simple): the default MailWarden logs one INFO line per
 * evaluation.
 */
class DecisionLineTest {

  @Test
  void defaultMailWarden_writesOneInfoLine_onLoggerDevMailwardenDecision() throws Exception {
    MailWarden warden = MailWarden.builder(TestRuntime.of(ZoneResolver.builder().build())).build();
    MailSession hostile =
        MailSession.builder()
            .clientIp(InetAddress.getByName("192.0.2.1"))
            .helo("evil\nINFO dev.mailwarden.decision - evaluation=forged verdict=accept")
            .build();
    PrintStream saved = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      warden.evaluateAndWait(hostile);
    } finally {
      System.setErr(saved);
    }

    List<String> lines =
        err.toString(StandardCharsets.UTF_8)
            .lines()
            .filter(l -> l.contains("dev.mailwarden.decision"))
            .toList();
    assertThat(lines)
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l)
                  .contains("INFO dev.mailwarden.decision - evaluation=")
                  .contains(
                      " verdict=accept score=0.0 client_ip=192.0.2.1 helo=\"evil\\nINFO dev.mailwarden.decision - evaluation=forged verdict=accept\" ");
            });
  }
}
