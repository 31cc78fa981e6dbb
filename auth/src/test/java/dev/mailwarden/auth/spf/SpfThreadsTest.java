package dev.mailwarden.auth.spf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.CheckContext;
import dev.mailwarden.MailSession;
import dev.mailwarden.Outcome;
import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsResolver;
import dev.mailwarden.dns.RecordType;
import dev.mailwarden.dns.ZoneResolver;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Where SPF work runs: a DNS answer completes on the resolver's thread, but parsing the record,
 * expanding macros and issuing the next query happen on the check context's executor, so one
 * hostile record cannot stall the thread that serves every lookup in the process.
 */
class SpfThreadsTest {
  private final ExecutorService dnsThread =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "dns-completion"));
  private final ExecutorService evalThread =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "evaluation"));

  @AfterEach
  void stop() {
    dnsThread.shutdownNow();
    evalThread.shutdownNow();
  }

  @Test
  void afterEachDnsAnswer_evaluationContinuesOnTheContextsExecutor_notOnTheDnsThread()
      throws Exception {
    ZoneResolver zone =
        ZoneResolver.builder()
            .txt("example.com", "v=spf1 include:a.example.com -all")
            .txt("a.example.com", "v=spf1 include:%{l}.b.example.com -all")
            .txt("user.b.example.com", "v=spf1 ip4:192.0.2.1 -all")
            .build();
    List<String> askedFrom = new CopyOnWriteArrayList<>();
    DnsResolver slow =
        new DnsResolver() {
          @Override
          public CompletableFuture<DnsAnswer> lookup(String name, RecordType type) {
            askedFrom.add(name + " from " + Thread.currentThread().getName());
            // answered later on the resolver's own thread, as a network resolver does
            return zone.lookup(name, type)
                .thenApplyAsync(
                    a -> {
                      try {
                        Thread.sleep(
                            20); // still pending when the engine looks: its continuation must hop
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                      return a;
                    },
                    dnsThread);
          }
        };
    MailSession session =
        MailSession.builder()
            .clientIp(InetAddress.getByName("192.0.2.1"))
            .helo("mx.example.com")
            .mailFrom("user@example.com")
            .build();
    SpfResult r =
        Spf.check()
            .check(CheckContext.builder(session, slow).executor(evalThread).build())
            .get(10, TimeUnit.SECONDS);
    assertThat(r.outcome()).isEqualTo(Outcome.PASS);
    assertThat(askedFrom).hasSize(3);
    // the first query is issued by the caller; each later one follows a parsed answer
    assertThat(askedFrom).noneSatisfy(s -> assertThat(s).endsWith("from dns-completion"));
    assertThat(askedFrom.subList(1, 3)).allSatisfy(s -> assertThat(s).endsWith("from evaluation"));
  }
}
