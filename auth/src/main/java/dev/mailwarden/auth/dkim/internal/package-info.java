/** DKIM implementation details: parsers, canonicalization, the verification engine. Not API. */
@NullMarked
package dev.mailwarden.auth.dkim.internal;

import org.jspecify.annotations.NullMarked;
