/**
 * {@code mailwarden doctor}: checks your own mail server the way receivers will — reverse DNS,
 * HELO, blocklists, SPF, DKIM keys, DMARC and MX — and explains each finding with a fix. Entry:
 * {@link dev.mailwarden.auth.doctor.Doctor}.
 */
@NullMarked
package dev.mailwarden.auth.doctor;

import org.jspecify.annotations.NullMarked;
