/**
 * mailwarden DNS lists: DNSBL, DNSWL and RHSBL checks ({@code dev.mailwarden.dnsbl}) and their
 * optional Micrometer binder ({@code dev.mailwarden.dnsbl.metrics}). {@code
 * dev.mailwarden.dnsbl.internal} is not exported.
 */
// "requires-automatic": Micrometer has no module-info, only an Automatic-Module-Name (a stable
// name, not one derived from the jar's file name)
@SuppressWarnings("requires-automatic")
module dev.mailwarden.dnsbl {
  // Checker, CheckResult, DnsResolver, MailwardenRuntime... are in this module's signatures
  requires transitive dev.mailwarden.core;
  // From header parsing for domain lists (never in a signature); Angus, its implementation, is
  // bound at run time as a service provider of jakarta.mail
  requires jakarta.mail;
  requires static transitive org.jspecify;
  // only dev.mailwarden.dnsbl.metrics uses it, and callers of its binder hold a MeterRegistry
  requires static micrometer.core;

  exports dev.mailwarden.dnsbl;
  exports dev.mailwarden.dnsbl.metrics;
}
