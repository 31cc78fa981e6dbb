/**
 * A Postfix SMTPD policy delegation server (see Postfix's SMTPD_POLICY_README) backed by
 * mailwarden: DNSBL, HELO/iprev and SPF at RCPT, the outbound limiter at END-OF-MESSAGE.
 */
@NullMarked
package dev.mailwarden.examples.policyd;

import org.jspecify.annotations.NullMarked;
