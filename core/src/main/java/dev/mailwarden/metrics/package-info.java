/**
 * Micrometer meters for mailwarden: {@link dev.mailwarden.metrics.MailwardenMetrics}. This is the
 * only core package that uses {@code io.micrometer:micrometer-core} (an optional dependency): no
 * other class refers to it, so applications without Micrometer on the class path never load it.
 */
@NullMarked
package dev.mailwarden.metrics;

import org.jspecify.annotations.NullMarked;
