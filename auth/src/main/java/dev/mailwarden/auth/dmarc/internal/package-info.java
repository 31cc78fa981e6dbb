/** Implementation details of DMARC; not API. */
@org.jspecify.annotations.NullMarked
package dev.mailwarden.auth.dmarc.internal;
