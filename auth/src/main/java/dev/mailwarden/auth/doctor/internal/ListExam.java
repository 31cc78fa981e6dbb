package dev.mailwarden.auth.doctor.internal;

import com.google.common.net.InetAddresses;
import dev.mailwarden.auth.doctor.Codes;
import dev.mailwarden.auth.doctor.DoctorFinding;
import dev.mailwarden.dnsbl.DnsList;
import dev.mailwarden.dnsbl.ListError;
import dev.mailwarden.dnsbl.ListResult;
import dev.mailwarden.dnsbl.ListingMonitor;
import dev.mailwarden.dnsbl.MonitorReport;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The sending addresses against the blocklists, through the dnsbl module's {@link ListingMonitor}:
 * {@code listed} (one finding per list and address, saying what the code means), {@code
 * public-resolver} (Spamhaus refuses the query), {@code dnsbl-error}, {@code dns-error}.
 */
final class ListExam {
  private ListExam() {}

  static CompletableFuture<List<DoctorFinding>> run(
      Examination ex, List<InetAddress> ips, List<DnsList> lists) {
    Duration left = ex.remaining();
    ListingMonitor monitor =
        ListingMonitor.builder(ex.runtime())
            .lists(lists)
            .timeout(left.isNegative() || left.isZero() ? Duration.ofNanos(1) : left)
            .build();
    return monitor.check(ips).thenApplyAsync(ListExam::findings, ex.executor());
  }

  private static List<DoctorFinding> findings(MonitorReport report) {
    List<DoctorFinding> out = new ArrayList<>();
    for (MonitorReport.Entry e : report.entries()) {
      String addr = InetAddresses.toAddrString(e.ip());
      for (ListResult r : e.results()) {
        if (r.isListed() && !r.allowlist()) {
          out.add(listed(addr, r));
        } else if (r.isError()) {
          out.add(error(addr, r));
        }
      }
    }
    return out;
  }

  private static DoctorFinding listed(String addr, ListResult r) {
    String codes = String.join(", ", r.codes());
    String reason = r.reason().map(t -> " The list says: \"" + t + "\".").orElse("");
    List<String> cats = r.categories();
    String meaning;
    String fix;
    if (cats.contains("pbl")) {
      boolean isp = r.codes().contains("127.0.0.10");
      meaning =
          "Spamhaus PBL ("
              + codes
              + "): "
              + (isp
                  ? "the ISP that owns the range marks it as dynamic or end-user space that should not send mail directly"
                  : "Spamhaus marks the range as end-user space that should not send mail directly")
              + ".";
      fix =
          "If this is a mail server on a static address, request removal at https://check.spamhaus.org/ "
              + (isp ? "(an ISP-maintained entry, 127.0.0.10, is changed by asking your ISP) " : "")
              + "after giving it a PTR name like mail.<your domain>; otherwise send through your provider's relay.";
    } else if (cats.contains("sbl") || cats.contains("drop")) {
      meaning =
          "Spamhaus "
              + (cats.contains("drop") ? "DROP" : "SBL")
              + " ("
              + codes
              + "): the address or its network is a known spam source or spam operation.";
      fix =
          "Read the listing at https://check.spamhaus.org/, remove the cause, then request removal; "
              + "for a DROP listing the whole network is hijacked or hostile: move to another provider.";
    } else if (cats.contains("xbl") || cats.contains("css")) {
      meaning =
          "Spamhaus "
              + (cats.contains("css") ? "CSS" : "XBL")
              + " ("
              + codes
              + "): mail from this address looked like a compromised host, a proxy or snowshoe spam.";
      fix =
          "Find the infected machine or compromised account behind the address (check your logs for SASL "
              + "logins and mail volume), fix it, then request delisting at https://check.spamhaus.org/.";
    } else {
      meaning =
          r.list()
              + " lists it with code "
              + codes
              + (cats.isEmpty() ? "" : " (" + String.join(", ", cats) + ")")
              + ".";
      fix =
          "Look the address up on "
              + r.list()
              + "'s website to learn why, fix the cause, then request removal.";
    }
    return Found.error(
        Codes.LISTED,
        Found.clean(addr + " is listed on " + r.list() + ". " + meaning + reason),
        fix);
  }

  private static DoctorFinding error(String addr, ListResult r) {
    ListError err = r.error().orElseThrow();
    return switch (err) {
      case BLOCKED, RATE_LIMITED ->
          Found.warning(
              Codes.PUBLIC_RESOLVER,
              Found.clean(
                  r.list()
                      + " answered "
                      + String.join(", ", r.codes())
                      + " for "
                      + addr
                      + ": "
                      + (err == ListError.BLOCKED
                          ? "it refuses queries that come through a public or open resolver"
                          : "too many queries come from your resolver (typically a shared public one)")
                      + ", so whether "
                      + addr
                      + " is listed is unknown."),
              "Run your own recursive resolver (e.g. unbound) on the mail server and point it and mailwarden at it, "
                  + "or use Spamhaus DQS (--spamhaus-dqs-key). Your own inbound DNSBL checks suffer the same way.");
      case SERVFAIL, REFUSED, TIMEOUT ->
          Found.dnsError(
              r.query().isEmpty() ? r.detail() : r.query() + ": " + r.detail(),
              "the listing of " + addr + " on " + r.list());
      default ->
          Found.warning(
              Codes.DNSBL_ERROR,
              Found.clean(
                  r.list()
                      + " gave no usable answer for "
                      + addr
                      + ": "
                      + err
                      + ", "
                      + r.detail()
                      + ". Whether the address is listed is unknown."),
              err == ListError.INVALID_KEY
                  ? "Check your Spamhaus DQS key."
                  : "Check the list's zone name and that it still exists.");
    };
  }
}
