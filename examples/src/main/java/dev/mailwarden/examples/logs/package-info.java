/**
 * {@code mailwarden logs}: one streaming pass over the admin's own Postfix log (plus mailwarden
 * decision lines) in bounded memory. Reading ({@link LogLines}), parsing ({@link SyslogLine},
 * {@link DecisionLine}), aggregation ({@link MailLogAnalyzer}) and rendering ({@link TextReport},
 * {@link JsonReport}, {@link HtmlReport}) are separate.
 */
@NullMarked
package dev.mailwarden.examples.logs;

import org.jspecify.annotations.NullMarked;
