/**
 * Implementation details shared by the checks of {@code auth} (the Public Suffix List); not API,
 * may change without notice.
 */
@NullMarked
package dev.mailwarden.auth.internal;

import org.jspecify.annotations.NullMarked;
