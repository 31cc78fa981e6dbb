/** ARC implementation details: header parsing, the chain validation engine, seal data. Not API. */
@NullMarked
package dev.mailwarden.auth.arc.internal;

import org.jspecify.annotations.NullMarked;
