package dev.mailwarden.auth.dmarc;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.CheckContext;
import java.util.concurrent.CompletableFuture;

/**
 * Where the DMARC checker gets the SPF and DKIM results of the evaluation it runs in.
 *
 * <p>The usual implementation awaits the other checkers of the same evaluation and maps their
 * results:
 *
 * <pre>{@code
 * AuthResultsSource fromChecks = ctx ->
 *     ctx.await(Spf.KEY).thenCombine(ctx.await(Dkim.KEY), (spf, dkim) -> DmarcInputs.of(
 *         spf.map(r -> new DmarcInputs.SpfAuth(r.domain(), r.outcome(), r.identity() == HELO))
 *             .orElse(null),
 *         dkim.map(r -> r.signatures().stream()
 *                 .map(s -> new DmarcInputs.DkimAuth(s.domain(), s.outcome(), ""))  // selector if known
 *                 .toList())
 *             .orElse(List.of())));
 * }</pre>
 *
 * <p>A gateway that verified SPF/DKIM elsewhere (a milter, an upstream Authentication-Results
 * header it trusts) can return those results with {@link #fixed}.
 *
 * <p>The future must not block; it should not fail (a failed future makes DMARC temperror).
 */
@FunctionalInterface
public interface AuthResultsSource {

  /** The SPF and DKIM results for the evaluation {@code context} belongs to. */
  CompletableFuture<DmarcInputs> inputs(CheckContext context);

  /** Always the same results (tests, or results computed outside mailwarden). */
  static AuthResultsSource fixed(DmarcInputs inputs) {
    requireNonNull(inputs, "inputs");
    return new AuthResultsSource() {
      @Override
      public CompletableFuture<DmarcInputs> inputs(CheckContext context) {
        return CompletableFuture.completedFuture(inputs);
      }

      @Override
      public String toString() {
        return "fixed(" + inputs + ")";
      }
    };
  }
}
