/** Implementation details of the HELO and iprev checks; not API, may change without notice. */
@NullMarked
package dev.mailwarden.auth.helo.internal;

import org.jspecify.annotations.NullMarked;
