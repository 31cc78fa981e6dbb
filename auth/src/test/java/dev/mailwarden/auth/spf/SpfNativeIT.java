package dev.mailwarden.auth.spf;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.net.InetAddresses;
import dev.mailwarden.CheckContext;
import dev.mailwarden.MailSession;
import dev.mailwarden.MailwardenRuntime;
import dev.mailwarden.Outcome;
import dev.mailwarden.dns.NetworkResolver;
import dev.mailwarden.testing.LoopbackServer;
import dev.mailwarden.testing.NsdServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native engine against real DNS: an authoritative NSD on 127.0.0.1 and a free port serving a
 * typical record chain (two includes, ip4/ip6/a/mx/exists), an exp= text and a record too big for
 * UDP, queried through {@link NetworkResolver}.
 */
class SpfNativeIT {
  @TempDir static Path dir;
  static LoopbackServer nsd;
  static MailwardenRuntime runtime;
  static ExecutorService executor;

  static final String ZONE =
      """
      $ORIGIN example.com.
      $TTL 300
      @       IN SOA ns.example.com. hostmaster.example.com. 1 3600 600 86400 300
      @       IN NS  ns.example.com.
      ns      IN A   127.0.0.1
      @       IN TXT "v=spf1 include:_spf1.example.com include:_spf2.example.com mx a:relay.example.com -all exp=why.example.com"
      @       IN MX  10 mx1.example.com.
      _spf1   IN TXT "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 ~all"
      _spf2   IN TXT "v=spf1 exists:%{ir}.allow.example.com ~all"
      mx1     IN A   198.51.100.10
      relay   IN A   198.51.100.20
      20.113.0.203.allow IN A 127.0.0.2
      why     IN TXT "%{i} is not a designated mailer of %{d}"
      """;

  @BeforeAll
  static void start() throws IOException {
    StringBuilder big = new StringBuilder("big IN TXT \"v=spf1\"");
    for (int i = 0; i < 60; i++) {
      big.append(" \" ip4:10.0.").append(i).append(".0/24\"");
    }
    big.append(" \" ip4:203.0.113.77 -all\"\n");
    Files.writeString(dir.resolve("example.com.zone"), ZONE + big);
    nsd = NsdServer.start(dir, Map.of("example.com", "example.com.zone"));
    executor = Executors.newFixedThreadPool(2);
    runtime =
        MailwardenRuntime.builder()
            .network(NetworkResolver.builder().server(nsd.address()).timeout(Duration.ofSeconds(1)))
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

  static SpfResult check(String ip, String mailFrom) throws Exception {
    MailSession s =
        MailSession.builder()
            .clientIp(InetAddresses.forString(ip))
            .helo("mail.example.net")
            .mailFrom(mailFrom)
            .build();
    CheckContext ctx = CheckContext.builder(s, runtime).deadline(Duration.ofSeconds(10)).build();
    return Spf.builder().receiver("mx.test").build().check(ctx).get(15, TimeUnit.SECONDS);
  }

  @Test
  void firstInclude_ip4_passes() throws Exception {
    SpfResult r = check("192.0.2.5", "alice@example.com");
    assertThat(r.outcome()).isEqualTo(Outcome.PASS);
    assertThat(r.mechanism()).contains("include:_spf1.example.com");
  }

  @Test
  void firstInclude_ip6_passes() throws Exception {
    assertThat(check("2001:db8::25", "alice@example.com").outcome()).isEqualTo(Outcome.PASS);
  }

  @Test
  void secondInclude_exists_passes() throws Exception {
    assertThat(check("203.0.113.20", "alice@example.com").outcome()).isEqualTo(Outcome.PASS);
  }

  @Test
  void mxAndA_pass() throws Exception {
    assertThat(check("198.51.100.10", "alice@example.com").mechanism()).contains("mx");
    assertThat(check("198.51.100.20", "alice@example.com").mechanism())
        .contains("a:relay.example.com");
  }

  @Test
  void otherAddress_failsWithTheDomainsExplanation() throws Exception {
    SpfResult r = check("203.0.113.99", "alice@example.com");
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(r.explanation()).contains("203.0.113.99 is not a designated mailer of example.com");
    assertThat(r.voidLookups()).isEqualTo(1); // the exists: lookup
  }

  @Test
  void missingDomain_isNone() throws Exception {
    assertThat(check("192.0.2.5", "alice@nowhere.example.com").outcome()).isEqualTo(Outcome.NONE);
  }

  @Test
  void recordTooBigForUdp_isReadOverTcp() throws Exception {
    assertThat(check("203.0.113.77", "bob@big.example.com").outcome()).isEqualTo(Outcome.PASS);
    assertThat(check("203.0.113.78", "bob@big.example.com").outcome()).isEqualTo(Outcome.FAIL);
  }
}
