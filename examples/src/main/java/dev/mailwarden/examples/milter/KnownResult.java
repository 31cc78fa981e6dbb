package dev.mailwarden.examples.milter;

import dev.mailwarden.CheckContext;
import dev.mailwarden.CheckKey;
import dev.mailwarden.CheckResult;
import dev.mailwarden.Checker;
import dev.mailwarden.MailSession;
import java.util.concurrent.CompletableFuture;

/**
 * A result computed earlier in the SMTP session (SPF at MAIL, iprev at connect) or alongside it
 * (DKIM streamed during DATA), entered into the end-of-message evaluation under the original
 * checker's key, so DMARC awaits it and Authentication-Results shows it.
 */
final class KnownResult<R extends CheckResult> implements Checker<R> {
  private final Checker<R> original;
  private final CompletableFuture<R> result;

  KnownResult(Checker<R> original, CompletableFuture<R> result) {
    this.original = original;
    this.result = result;
  }

  @Override
  public CheckKey<R> key() {
    return original.key();
  }

  @Override
  public String name() {
    return original.name();
  }

  @Override
  public boolean appliesTo(MailSession session) {
    return true;
  }

  @Override
  public CompletableFuture<R> check(CheckContext context) {
    // a copy: the deadline completes this evaluation's view, never the shared result
    return context.completeAtDeadline(
        result.copy(), () -> original.temperror("no result by the deadline"));
  }

  @Override
  public R temperror(String reason) {
    return original.temperror(reason);
  }

  @Override
  public String toString() {
    return "KnownResult[" + name() + "]";
  }
}
