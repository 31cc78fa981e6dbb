package dev.mailwarden.auth.doctor.internal;

import dev.mailwarden.auth.dmarc.DmarcRecord;
import dev.mailwarden.auth.dmarc.OrganizationalDomains;
import dev.mailwarden.auth.dmarc.Policy;
import dev.mailwarden.auth.doctor.Codes;
import dev.mailwarden.auth.doctor.DoctorFinding;
import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsRecord;
import dev.mailwarden.dns.RecordType;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The DMARC record of the domain (or of its organisational domain), parsed by {@link
 * DmarcRecord#parse}: {@code dmarc-missing}, {@code dmarc-invalid}, {@code dmarc-p-none}, {@code
 * dmarc-no-rua} and {@code dmarc-rua-unauthorized} — an external report destination without its
 * {@code <domain>._report._dmarc.<destination>} record (RFC 7489 section 7.1).
 */
final class DmarcExam {
  private static final OrganizationalDomains PSL = OrganizationalDomains.publicSuffixList();

  /** rua destinations checked at most: the list is the stranger's own, keep the lookups bounded. */
  static final int MAX_RUA = 10;

  private DmarcExam() {}

  /** The DMARC record found at one name. */
  private record Lookup(String domain, DnsAnswer answer, List<DmarcRecord.Parsed> records) {
    boolean none() {
      return answer.isVoid() || (answer.isSuccess() && records.isEmpty());
    }
  }

  static CompletableFuture<List<DoctorFinding>> run(Examination ex, String domain) {
    String org = PSL.organizationalDomain(domain).orElse(domain);
    return lookup(ex, domain)
        .thenCompose(
            own -> {
              if (!own.none() || org.equals(domain)) {
                return evaluate(ex, domain, own, false);
              }
              // RFC 7489 section 6.6.3: without its own record a subdomain gets the organisational
              // domain's sp=
              return lookup(ex, org)
                  .thenCompose(
                      up ->
                          up.none()
                              ? evaluate(ex, domain, own, false)
                              : evaluate(ex, domain, up, true));
            });
  }

  private static CompletableFuture<Lookup> lookup(Examination ex, String domain) {
    return ex.dns()
        .lookup("_dmarc." + domain, RecordType.TXT)
        .thenApply(
            a -> {
              List<DmarcRecord.Parsed> dmarc = new ArrayList<>();
              for (DnsRecord.Txt t : a.txts()) {
                DmarcRecord.Parsed p = DmarcRecord.parse(t.text());
                if (p.status() != DmarcRecord.Status.NOT_DMARC) {
                  dmarc.add(p);
                }
              }
              return new Lookup(domain, a, dmarc);
            });
  }

  private static CompletableFuture<List<DoctorFinding>> evaluate(
      Examination ex, String domain, Lookup l, boolean inherited) {
    String name = "_dmarc." + l.domain();
    if (l.answer().isError()) {
      return done(Found.dnsError(l.answer(), "the DMARC record of " + domain));
    }
    if (l.none()) {
      return done(
          Found.error(
              Codes.DMARC_MISSING,
              "No DMARC record at "
                  + name
                  + ": anyone can put "
                  + domain
                  + " in the From of their mail, "
                  + "and Gmail and Yahoo require DMARC from bulk senders.",
              "Publish a TXT record at "
                  + name
                  + ": \"v=DMARC1; p=none; rua=mailto:dmarc-reports@"
                  + domain
                  + "\", read the reports for a few weeks, then move to p=quarantine and p=reject."));
    }
    if (l.records().size() > 1) {
      return done(
          Found.error(
              Codes.DMARC_INVALID,
              name
                  + " has "
                  + l.records().size()
                  + " DMARC records; receivers apply none of them (RFC 7489 section 6.6.3).",
              "Keep exactly one v=DMARC1 record."));
    }
    DmarcRecord.Parsed parsed = l.records().get(0);
    if (!parsed.isValid()) {
      return done(
          Found.error(
              Codes.DMARC_INVALID,
              Found.clean(
                  "The DMARC record at " + name + " is unusable: " + parsed.problem() + "."),
              "Write it as v=DMARC1; p=none|quarantine|reject; rua=mailto:...; the v tag first."));
    }
    DmarcRecord r = parsed.record().orElseThrow();
    List<DoctorFinding> out = new ArrayList<>();
    Policy p = inherited ? r.subdomainPolicy().orElse(r.policy()) : r.policy();
    if (p == Policy.NONE) {
      out.add(
          Found.warning(
              Codes.DMARC_P_NONE,
              "The DMARC policy "
                  + (inherited ? "for " + domain + " (sp/p of " + l.domain() + ")" : "of " + domain)
                  + " is none: receivers report but take no action against mail that forges the domain.",
              "Once the aggregate reports show all your mail passing, set p=quarantine, then p=reject."));
    }
    if (r.aggregateReportUris().isEmpty()) {
      out.add(
          Found.warning(
              Codes.DMARC_NO_RUA,
              "The DMARC record at "
                  + name
                  + " has no rua=: you receive no aggregate reports, so you cannot see "
                  + "who sends as "
                  + domain
                  + " or whether your own mail passes.",
              "Add rua=mailto:dmarc-reports@"
                  + l.domain()
                  + " (mailwarden dmarc report summarises them)."));
      return done(out);
    }
    String org = PSL.organizationalDomain(l.domain()).orElse(l.domain());
    Set<String> external = new LinkedHashSet<>();
    for (String uri : r.aggregateReportUris()) {
      String dest = mailtoDomain(uri);
      if (dest != null
          && !PSL.organizationalDomain(dest).orElse(dest).equals(org)
          && external.size() < MAX_RUA) {
        external.add(dest);
      }
    }
    List<CompletableFuture<List<DoctorFinding>>> checks = new ArrayList<>();
    checks.add(CompletableFuture.completedFuture(out));
    for (String dest : external) {
      String auth = l.domain() + "._report._dmarc." + dest;
      checks.add(
          ex.dns()
              .lookup(auth, RecordType.TXT)
              .thenApply(a -> authorized(a, l.domain(), dest, auth)));
    }
    return Examination.concat(checks);
  }

  private static List<DoctorFinding> authorized(
      DnsAnswer a, String policyDomain, String dest, String name) {
    if (a.isError()) {
      return List.of(Found.dnsError(a, "the authorisation of DMARC reports to " + dest));
    }
    for (DnsRecord.Txt t : a.txts()) {
      if (t.startsWithIgnoreCase("v=DMARC1")) {
        return List.of();
      }
    }
    return List.of(
        Found.warning(
            Codes.DMARC_RUA_UNAUTHORIZED,
            "The DMARC record of "
                + policyDomain
                + " sends aggregate reports to "
                + dest
                + ", another organisation, "
                + "which does not publish "
                + name
                + ": receivers drop those reports (RFC 7489 section 7.1).",
            "Ask the operator of "
                + dest
                + " to publish TXT \"v=DMARC1\" at "
                + name
                + ", or send reports to an address in "
                + policyDomain
                + "."));
  }

  /**
   * The domain of a {@code mailto:} report URI ({@code mailto:a@b.example!10m}), lower case; else
   * null.
   */
  static @Nullable String mailtoDomain(String uri) {
    if (!uri.regionMatches(true, 0, "mailto:", 0, 7)) {
      return null;
    }
    String addr = uri.substring(7);
    int bang = addr.indexOf('!'); // size limit (RFC 7489 section 6.2)
    if (bang >= 0) {
      addr = addr.substring(0, bang);
    }
    int query = addr.indexOf('?');
    if (query >= 0) {
      addr = addr.substring(0, query);
    }
    try {
      addr = URLDecoder.decode(addr.replace("+", "%2B"), StandardCharsets.UTF_8);
      InternetAddress parsed = new InternetAddress(addr, true);
      String a = parsed.getAddress();
      int at = a.lastIndexOf('@');
      if (at < 0 || at == a.length() - 1) {
        return null;
      }
      String d = a.substring(at + 1).toLowerCase(Locale.ROOT);
      return d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
    } catch (AddressException | IllegalArgumentException e) {
      return null;
    }
  }

  private static CompletableFuture<List<DoctorFinding>> done(DoctorFinding f) {
    return CompletableFuture.completedFuture(List.of(f));
  }

  private static CompletableFuture<List<DoctorFinding>> done(List<DoctorFinding> f) {
    return CompletableFuture.completedFuture(f);
  }
}
