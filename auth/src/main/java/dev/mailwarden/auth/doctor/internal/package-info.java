/** Implementation of the doctor's examinations; not an API. */
@NullMarked
package dev.mailwarden.auth.doctor.internal;

import org.jspecify.annotations.NullMarked;
