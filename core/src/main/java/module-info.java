/**
 * mailwarden core: the evaluation API ({@code dev.mailwarden}), the DNS layer ({@code
 * dev.mailwarden.dns}) and the optional Micrometer binders ({@code dev.mailwarden.metrics}).
 * Implementation packages ({@code *.internal}) are not exported; {@code dev.mailwarden.internal}
 * (the mail primitives: names, CIDR, addresses, header fields) is shared with the mailwarden
 * modules that use it, and only with them.
 */
// "module": the qualified export names modules built after this one (javac: "module not found");
// "requires-automatic": Micrometer has no module-info, only an Automatic-Module-Name (a stable
// name, not one derived from the jar's file name)
@SuppressWarnings({"module", "requires-automatic"})
module dev.mailwarden.core {
  requires org.dnsjava;
  requires com.github.benmanes.caffeine;
  requires org.slf4j;
  // address lists in header values (dev.mailwarden.internal.MailAddresses), never in a signature
  requires jakarta.mail;
  // nullness annotations in API signatures: readers of this module see them, nothing needs them at
  // run time
  requires static transitive org.jspecify;
  // only dev.mailwarden.metrics uses it, and callers of its binders hold a MeterRegistry already
  requires static micrometer.core;

  exports dev.mailwarden;
  exports dev.mailwarden.dns;
  exports dev.mailwarden.metrics;
  exports dev.mailwarden.internal to
      dev.mailwarden.dnsbl,
      dev.mailwarden.auth,
      dev.mailwarden.ratelimit;
}
