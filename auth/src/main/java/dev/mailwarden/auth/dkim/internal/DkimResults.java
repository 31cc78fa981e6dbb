package dev.mailwarden.auth.dkim.internal;

import dev.mailwarden.auth.dkim.DkimResult;
import dev.mailwarden.auth.dkim.DkimSignatureResult;
import java.util.List;

/**
 * Makes {@link DkimResult}s for the verification, which cannot call its factories (they are not
 * public: only the verifier makes results). The verifier hands each verification the one
 * implementation, an instance (no static hook).
 */
public interface DkimResults {

  /** The result of a message with these signature results. */
  DkimResult of(List<DkimSignatureResult> signatures, int fromHeaderCount, int signaturesSkipped);

  /** The result of a message that could not be evaluated at all. */
  DkimResult permerror(String reason);
}
