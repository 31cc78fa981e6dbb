package dev.mailwarden;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.dns.ZoneResolver;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CompleteAtDeadlineTest {
  private final ExecutorService executor =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "check-executor"));

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  private CheckContext context(Duration deadline) throws Exception {
    MailSession session =
        MailSession.builder()
            .clientIp(InetAddress.getByName("192.0.2.1"))
            .helo("h.example")
            .build();
    return CheckContext.builder(session, ZoneResolver.builder().build())
        .executor(executor)
        .deadline(deadline)
        .build();
  }

  @Test
  void pendingAtDeadline_completesWithFallback_onTheContextExecutor() throws Exception {
    AtomicReference<String> thread = new AtomicReference<>();
    CompletableFuture<String> pending = new CompletableFuture<>();
    CompletableFuture<String> same =
        context(Duration.ofMillis(50))
            .completeAtDeadline(
                pending,
                () -> {
                  thread.set(Thread.currentThread().getName());
                  return "late";
                });

    assertThat(same).isSameAs(pending);
    assertThat(pending.get(5, TimeUnit.SECONDS)).isEqualTo("late");
    assertThat(thread.get()).isEqualTo("check-executor");
  }

  @Test
  void completedBeforeDeadline_fallbackNeverRuns() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    CompletableFuture<String> pending = new CompletableFuture<>();
    context(Duration.ofMillis(100))
        .completeAtDeadline(
            pending,
            () -> {
              calls.incrementAndGet();
              return "late";
            });
    pending.complete("answer");

    Thread.sleep(300); // past the deadline: a timer that was not dropped would call the supplier
    assertThat(pending.join()).isEqualTo("answer");
    assertThat(calls).hasValue(0);
  }

  @Test
  void throwingFallback_completesExceptionally_insteadOfNever() throws Exception {
    CompletableFuture<String> pending = new CompletableFuture<>();
    context(Duration.ofMillis(10))
        .completeAtDeadline(
            pending,
            () -> {
              throw new IllegalStateException("boom");
            });

    assertThat(pending).failsWithin(Duration.ofSeconds(5));
  }
}
