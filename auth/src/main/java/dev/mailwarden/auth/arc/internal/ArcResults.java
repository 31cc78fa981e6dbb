package dev.mailwarden.auth.arc.internal;

import dev.mailwarden.auth.arc.ArcResult;
import dev.mailwarden.auth.arc.ArcSet;
import java.util.List;

/**
 * Makes {@link ArcResult}s for the chain validation, which cannot call its factories (they are not
 * public: only the verifier makes results). The verifier hands each chain the one implementation,
 * an instance (no static hook).
 */
public interface ArcResults {

  /** No ARC set in the message. */
  ArcResult none();

  /** A chain that validated; {@code oldestPass} -1 when it was not computed. */
  ArcResult pass(int instanceCount, int oldestPass, List<ArcSet> sets);

  /** A chain that failed, with the reason. */
  ArcResult fail(String reason, int instanceCount, List<ArcSet> sets);

  /** A chain that could not be validated because a key lookup failed temporarily. */
  ArcResult temperror(String reason, int instanceCount, List<ArcSet> sets);
}
