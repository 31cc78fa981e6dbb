/** Implementation details of the rate limiter: bucket arithmetic and stores. Not an API. */
@NullMarked
package dev.mailwarden.ratelimit.internal;

import org.jspecify.annotations.NullMarked;
