/** Implementation of the SPF engines; not an API. */
@NullMarked
package dev.mailwarden.auth.spf.internal;

import org.jspecify.annotations.NullMarked;
