package dev.mailwarden;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.dns.ZoneResolver;
import dev.mailwarden.internal.HeaderIndex;
import dev.mailwarden.testing.TestRuntime;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The checks of one evaluation read one header index; the next evaluation gets its own. */
class SharedHeaderIndexTest {

  /** Records the index its context gives and reads the From values from it. */
  private static final class HeaderReader implements Checker<CheckResult> {
    private final CheckKey<CheckResult> key;
    final List<@Nullable HeaderIndex> seen = new CopyOnWriteArrayList<>();

    HeaderReader(String name) {
      this.key = CheckKey.of(name, CheckResult.class);
    }

    @Override
    public CheckKey<CheckResult> key() {
      return key;
    }

    @Override
    public boolean appliesTo(MailSession session) {
      return true;
    }

    @Override
    public CompletableFuture<CheckResult> check(CheckContext context) {
      HeaderIndex index = HeaderIndex.of(context);
      seen.add(index);
      String from = index == null ? "-" : index.block(1 << 20).values("From").toString();
      return CompletableFuture.completedFuture(CheckResult.of(Outcome.PASS, from));
    }

    @Override
    public CheckResult temperror(String reason) {
      return CheckResult.of(Outcome.TEMPERROR, reason);
    }
  }

  @Test
  void checksOfOneEvaluation_shareOneIndex_andEachEvaluationHasItsOwn() {
    HeaderReader a = new HeaderReader("a");
    HeaderReader b = new HeaderReader("b");
    MailWarden w =
        MailWarden.builder(TestRuntime.of(ZoneResolver.builder().build()))
            .check(a)
            .check(b)
            .build();
    MailSession s =
        MailSession.builder()
            .message("From: x@example.com\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII))
            .build();

    Evaluation first = w.evaluateAndWait(s);
    Evaluation second = w.evaluateAndWait(s);

    assertThat(first.checks())
        .extracting(r -> r.result().reason())
        .containsExactly("[x@example.com]", "[x@example.com]");
    assertThat(second.checks()).hasSize(2);
    assertThat(a.seen).hasSize(2).doesNotContainNull();
    assertThat(a.seen.get(0)).isSameAs(b.seen.get(0));
    assertThat(a.seen.get(1)).isSameAs(b.seen.get(1)).isNotSameAs(a.seen.get(0));
  }

  @Test
  void sessionWithoutMessage_givesNoIndex() {
    HeaderReader a = new HeaderReader("a");
    MailWarden w =
        MailWarden.builder(TestRuntime.of(ZoneResolver.builder().build())).check(a).build();
    assertThat(w.evaluateAndWait(MailSession.builder().build()).checks().get(0).result().reason())
        .isEqualTo("-");
    assertThat(a.seen).containsExactly((HeaderIndex) null);
  }
}
