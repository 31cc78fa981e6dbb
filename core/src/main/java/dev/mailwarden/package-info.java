/**
 * The mailwarden evaluation API: a {@link dev.mailwarden.MailSession} goes into a {@link
 * dev.mailwarden.MailWarden}, which runs every registered {@link dev.mailwarden.Checker}
 * concurrently under one deadline and returns an {@link dev.mailwarden.Evaluation}: a verdict, the
 * score with each contribution, SMTP reply and Authentication-Results header.
 */
@NullMarked
package dev.mailwarden;

import org.jspecify.annotations.NullMarked;
