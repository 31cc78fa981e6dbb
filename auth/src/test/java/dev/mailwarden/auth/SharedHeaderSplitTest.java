package dev.mailwarden.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.CheckContext;
import dev.mailwarden.CheckKey;
import dev.mailwarden.CheckResult;
import dev.mailwarden.Checker;
import dev.mailwarden.MailSession;
import dev.mailwarden.MailWarden;
import dev.mailwarden.Outcome;
import dev.mailwarden.auth.arc.Arc;
import dev.mailwarden.auth.dkim.Dkim;
import dev.mailwarden.auth.dmarc.Dmarc;
import dev.mailwarden.auth.spf.Spf;
import dev.mailwarden.dns.ZoneResolver;
import dev.mailwarden.dnsbl.Dnsbl;
import dev.mailwarden.dnsbl.DomainSource;
import dev.mailwarden.dnsbl.Rhsbl;
import dev.mailwarden.internal.HeaderIndex;
import dev.mailwarden.testing.TestRuntime;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Every check of one evaluation that reads the message's header fields (DKIM, ARC, DMARC's From, a
 * domain list's From) splits the evaluation's one shared {@link HeaderIndex}, not a copy of its
 * own. A probe registered beside a check takes the shared index without reading it: had the check
 * split its own copy, the shared one would still be unread after the evaluation.
 */
class SharedHeaderSplitTest {
  private static final String HEADER =
      "From: Alice <alice@example.com>\r\n"
          + "To: bob@example.org\r\n"
          + "Subject: one split\r\n"
          + "\r\n";
  private static final byte[] MESSAGE = (HEADER + "body\r\n").getBytes(StandardCharsets.US_ASCII);

  /** Takes the evaluation's shared index and leaves it alone. */
  private static final class IndexProbe implements Checker<CheckResult> {
    private static final CheckKey<CheckResult> KEY = CheckKey.of("index-probe", CheckResult.class);
    final List<@Nullable HeaderIndex> seen = new CopyOnWriteArrayList<>();

    @Override
    public CheckKey<CheckResult> key() {
      return KEY;
    }

    @Override
    public boolean appliesTo(MailSession session) {
      return true;
    }

    @Override
    public CompletableFuture<CheckResult> check(CheckContext context) {
      seen.add(HeaderIndex.of(context));
      return CompletableFuture.completedFuture(CheckResult.of(Outcome.PASS, "probed"));
    }

    @Override
    public CheckResult temperror(String reason) {
      return CheckResult.of(Outcome.TEMPERROR, reason);
    }
  }

  /** The shared index of one evaluation with {@code checks} and the probe registered. */
  private static HeaderIndex sharedIndexAfter(Checker<?>... checks) throws Exception {
    IndexProbe probe = new IndexProbe();
    MailWarden.Builder b = MailWarden.builder(TestRuntime.of(ZoneResolver.builder().build()));
    for (Checker<?> c : checks) {
      b.check(c);
    }
    MailWarden w = b.check(probe).build();
    w.evaluateAndWait(
        MailSession.builder()
            .clientIp(InetAddress.getByName("192.0.2.7"))
            .helo("mx.example.com")
            .mailFrom("alice@example.com")
            .message(MESSAGE)
            .build());
    assertThat(probe.seen).hasSize(1).doesNotContainNull();
    return probe.seen.get(0);
  }

  @Test
  void probeAlone_leavesTheIndexUnsplit() throws Exception {
    assertThat(sharedIndexAfter().splitBytes()).isZero();
  }

  @Test
  void dkim_splitsTheSharedIndex() throws Exception {
    assertThat(sharedIndexAfter(Dkim.check()).splitBytes()).isEqualTo(HEADER.length());
  }

  @Test
  void arc_splitsTheSharedIndex() throws Exception {
    assertThat(sharedIndexAfter(Arc.check()).splitBytes()).isEqualTo(HEADER.length());
  }

  @Test
  void dmarc_readsFromInTheSharedIndex() throws Exception {
    assertThat(sharedIndexAfter(Spf.check(), Dmarc.check()).splitBytes())
        .isEqualTo(HEADER.length());
  }

  @Test
  void domainListOnTheFromHeader_readsTheSharedIndex() throws Exception {
    Checker<?> fromList =
        Dnsbl.check(Rhsbl.list("dbl.example.net").sources(DomainSource.FROM_HEADER));
    assertThat(sharedIndexAfter(fromList).splitBytes()).isEqualTo(HEADER.length());
  }

  @Test
  void spf_doesNotReadTheMessage() throws Exception {
    assertThat(sharedIndexAfter(Spf.check()).splitBytes()).isZero();
  }
}
