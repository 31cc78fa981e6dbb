package dev.mailwarden.auth.arc;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.Outcome;

/**
 * What one ARC set of a message says, as read (values are empty strings when they could not be
 * read).
 *
 * @param instance {@code i=}, 1 for the first intermediary
 * @param sealDomain the ARC-Seal's {@code d=}: who vouches for this hop
 * @param sealSelector the ARC-Seal's {@code s=}
 * @param chainStatus the ARC-Seal's {@code cv=}: what this sealer found when it received the mail
 * @param authservId the authserv-id of the ARC-Authentication-Results
 * @param authResults the results recorded in ARC-Authentication-Results after the authserv-id (e.g.
 *     {@code spf=pass smtp.mailfrom=example.com; dmarc=pass header.from=example.com})
 * @param messageSignature the outcome of this set's ARC-Message-Signature: {@code pass}, {@code
 *     fail}, {@code permerror}, {@code temperror}, or {@code none} when it was not checked
 */
public record ArcSet(
    int instance,
    String sealDomain,
    String sealSelector,
    String chainStatus,
    String authservId,
    String authResults,
    Outcome messageSignature) {

  public ArcSet {
    requireNonNull(sealDomain, "sealDomain");
    requireNonNull(sealSelector, "sealSelector");
    requireNonNull(chainStatus, "chainStatus");
    requireNonNull(authservId, "authservId");
    requireNonNull(authResults, "authResults");
    requireNonNull(messageSignature, "messageSignature");
  }
}
