package dev.mailwarden.auth.doctor.internal;

import dev.mailwarden.auth.doctor.Codes;
import dev.mailwarden.auth.doctor.DoctorFinding;
import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsRecord;
import dev.mailwarden.dns.RecordType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The domain's MX: {@code mx-missing}, {@code mx-null} (RFC 7505), and per exchange {@code
 * mx-cname} (RFC 2181 section 10.3) and {@code mx-no-address}. Receivers check the sender domain
 * this way (Postfix {@code reject_unknown_sender_domain}), and bounces need it.
 */
final class MxExam {
  /** Exchanges checked at most: the MX set is the stranger's own, keep the lookups bounded. */
  static final int MAX_EXCHANGES = 10;

  private MxExam() {}

  static CompletableFuture<List<DoctorFinding>> run(Examination ex, String domain) {
    return ex.dns()
        .lookup(domain, RecordType.MX)
        .thenCompose(
            mx -> {
              if (mx.isError()) {
                return done(List.of(Found.dnsError(mx, "the MX of " + domain)));
              }
              List<DnsRecord.Mx> records = mx.mxs();
              if (records.isEmpty()) {
                return addressOnly(ex, domain);
              }
              if (records.size() == 1 && isRoot(records.get(0).exchange())) {
                return done(
                    List.of(
                        Found.error(
                            Codes.MX_NULL,
                            domain
                                + " publishes a null MX (\"0 .\", RFC 7505): it accepts no mail, so receivers refuse mail from it "
                                + "(no bounce could reach it).",
                            "Publish MX records naming the hosts that receive mail for "
                                + domain
                                + ".")));
              }
              Set<String> hosts = new LinkedHashSet<>();
              for (DnsRecord.Mx m : records) {
                if (!isRoot(m.exchange()) && hosts.size() < MAX_EXCHANGES) {
                  hosts.add(m.exchange().toLowerCase(Locale.ROOT));
                }
              }
              List<CompletableFuture<List<DoctorFinding>>> parts = new ArrayList<>();
              for (String host : hosts) {
                parts.add(exchange(ex, domain, host));
              }
              return Examination.concat(parts);
            });
  }

  private static CompletableFuture<List<DoctorFinding>> addressOnly(Examination ex, String domain) {
    CompletableFuture<DnsAnswer> a = ex.dns().lookup(domain, RecordType.A);
    CompletableFuture<DnsAnswer> aaaa = ex.dns().lookup(domain, RecordType.AAAA);
    return a.thenCombine(
        aaaa,
        (v4, v6) -> {
          if (v4.isSuccess() || v6.isSuccess()) {
            return List.of(
                Found.warning(
                    Codes.MX_MISSING,
                    domain
                        + " has no MX record; mail to it goes to its A/AAAA address (implicit MX), which is rarely meant.",
                    "Publish an MX record naming your mail server, e.g. \""
                        + domain
                        + ". IN MX 10 mail."
                        + domain
                        + ".\"."));
          }
          if (v4.isError() || v6.isError()) {
            return List.of(
                Found.dnsError(
                    v4.isError() ? v4 : v6, "the address of " + domain + " (it has no MX)"));
          }
          return List.of(
              Found.error(
                  Codes.MX_MISSING,
                  domain
                      + " has neither an MX nor an address record: receivers that check the sender domain "
                      + "(e.g. Postfix reject_unknown_sender_domain) refuse its mail, and replies cannot reach it.",
                  "Publish an MX record naming your mail server, e.g. \""
                      + domain
                      + ". IN MX 10 mail."
                      + domain
                      + ".\"."));
        });
  }

  private static CompletableFuture<List<DoctorFinding>> exchange(
      Examination ex, String domain, String host) {
    CompletableFuture<DnsAnswer> cname = ex.dns().lookup(host, RecordType.CNAME);
    CompletableFuture<DnsAnswer> a = ex.dns().lookup(host, RecordType.A);
    CompletableFuture<DnsAnswer> aaaa = ex.dns().lookup(host, RecordType.AAAA);
    return CompletableFuture.allOf(cname, a, aaaa)
        .thenApply(
            v -> {
              List<DoctorFinding> out = new ArrayList<>();
              DnsAnswer c = cname.join();
              DnsAnswer v4 = a.join();
              DnsAnswer v6 = aaaa.join();
              if (c.isSuccess() && !c.names().isEmpty()) {
                out.add(
                    Found.error(
                        Codes.MX_CNAME,
                        Found.clean(
                            "The MX of "
                                + domain
                                + " names "
                                + host
                                + ", which is a CNAME (to "
                                + c.names().get(0)
                                + "); an MX must name a host with its own address records (RFC 2181 section 10.3, RFC 5321 section 5.1)."),
                        "Point the MX at the canonical name "
                            + c.names().get(0)
                            + ", or give "
                            + host
                            + " its own A/AAAA records."));
              } else if (c.isError()) {
                out.add(Found.dnsError(c, "the MX host " + host));
              }
              if (v4.isError() || v6.isError()) {
                out.add(
                    Found.dnsError(v4.isError() ? v4 : v6, "the address of the MX host " + host));
              } else if (!v4.isSuccess() && !v6.isSuccess()) {
                out.add(
                    Found.error(
                        Codes.MX_NO_ADDRESS,
                        "The MX host "
                            + host
                            + " of "
                            + domain
                            + " has no A or AAAA record ("
                            + v4.status()
                            + "): "
                            + "nobody can deliver mail to it.",
                        "Add an A (and AAAA) record for "
                            + host
                            + ", or fix the MX record to name your real mail server."));
              }
              return out;
            });
  }

  private static boolean isRoot(String exchange) {
    return exchange.isEmpty() || exchange.equals(".");
  }

  private static CompletableFuture<List<DoctorFinding>> done(List<DoctorFinding> f) {
    return CompletableFuture.completedFuture(f);
  }
}
