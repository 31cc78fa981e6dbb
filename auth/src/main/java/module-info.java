/**
 * mailwarden authentication checks: SPF, DKIM (verify and sign), ARC, DMARC (with aggregate
 * reports), HELO and iprev, and the doctor that examines one's own domain. The {@code *.internal}
 * packages are not exported.
 */
// "requires-automatic": jSPF (org.apache.james.jspf:apache-jspf-resolver) has neither a
// module-info nor an Automatic-Module-Name, so its name, apache.jspf.resolver, is derived from the
// jar's file name as Maven and Gradle store it (README, "Java modules")
@SuppressWarnings("requires-automatic")
module dev.mailwarden.auth {
  // Checker, CheckResult, DnsResolver, MailwardenRuntime... are in this module's signatures
  requires transitive dev.mailwarden.core;
  // Doctor.Builder.dnsbl(DnsList): the doctor reuses the DNS lists
  requires transitive dev.mailwarden.dnsbl;
  requires static transitive org.jspecify;
  // header and address parsing; Angus, its implementation, is bound at run time as a service
  // provider of jakarta.mail
  requires jakarta.mail;
  // InternetDomainName (the Public Suffix List for DMARC's organisational domain)
  requires com.google.common;
  // Ed25519 through the lightweight API
  requires org.bouncycastle.provider;
  // the jSPF engine (SpfEngine.jspf())
  requires apache.jspf.resolver;
  // DMARC aggregate reports
  requires java.xml;

  exports dev.mailwarden.auth.arc;
  exports dev.mailwarden.auth.dkim;
  exports dev.mailwarden.auth.dmarc;
  exports dev.mailwarden.auth.doctor;
  exports dev.mailwarden.auth.helo;
  exports dev.mailwarden.auth.spf;
}
