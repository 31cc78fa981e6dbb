package dev.mailwarden.auth.doctor.internal;

import com.google.common.net.InetAddresses;
import dev.mailwarden.CheckContext;
import dev.mailwarden.MailSession;
import dev.mailwarden.auth.doctor.Codes;
import dev.mailwarden.auth.doctor.DoctorFinding;
import dev.mailwarden.auth.doctor.Severity;
import dev.mailwarden.auth.helo.Finding;
import dev.mailwarden.auth.helo.Helo;
import dev.mailwarden.auth.helo.HeloFinding;
import dev.mailwarden.auth.helo.HeloResult;
import dev.mailwarden.auth.helo.Iprev;
import dev.mailwarden.auth.helo.IprevResult;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Reverse DNS and HELO of one sending address, through the real {@link Iprev} and {@link Helo}
 * checkers: {@code ptr-missing}, {@code fcrdns-mismatch}, {@code ptr-generic}, {@code
 * helo-mismatch} and the other HELO findings as {@code helo-<token>}.
 */
final class ReverseExam {
  private static final Iprev IPREV = Iprev.check();
  private static final Helo HELO = Helo.check();

  private ReverseExam() {}

  static CompletableFuture<List<DoctorFinding>> run(
      Examination ex, InetAddress ip, @Nullable String helo) {
    MailSession.Builder sb = MailSession.builder().clientIp(ip);
    if (helo != null) {
      sb.helo(helo);
    }
    MailSession session = sb.build();
    return IPREV
        .check(ex.context(session))
        .thenCompose(
            iprev -> {
              // Helo reuses the iprev result, as in a MailWarden evaluation, and adds the
              // generic-name test
              CheckContext withIprev = ex.contextBuilder(session).result(Iprev.KEY, iprev).build();
              return HELO.check(withIprev)
                  .thenApplyAsync(h -> findings(ip, helo, iprev, h), ex.executor());
            });
  }

  private static List<DoctorFinding> findings(
      InetAddress ip, @Nullable String helo, IprevResult iprev, HeloResult h) {
    String addr = InetAddresses.toAddrString(ip);
    List<DoctorFinding> out = new ArrayList<>();
    switch (iprev.outcome()) {
      case PERMERROR ->
          out.add(
              Found.error(
                  Codes.PTR_MISSING,
                  addr
                      + " has no reverse DNS (PTR record); many receivers refuse mail from such addresses.",
                  "Ask whoever owns the address (your hosting provider or ISP; only they can) to set its PTR record "
                      + "to your mail server's name, e.g. "
                      + (helo != null ? helo : "mail.example.com")
                      + ", and make that name resolve back to "
                      + addr
                      + "."));
      case FAIL ->
          out.add(
              Found.error(
                  Codes.FCRDNS_MISMATCH,
                  Found.clean(
                      "Reverse DNS of "
                          + addr
                          + " is not forward-confirmed: "
                          + iprev.reason()
                          + "."),
                  "Make the PTR name resolve (A/AAAA) to "
                      + addr
                      + ", or have the PTR changed to a name that does."));
      case TEMPERROR -> out.add(Found.dnsError(iprev.reason(), "the reverse DNS of " + addr));
      default -> {}
    }
    for (Finding f : h.findings()) {
      HeloFinding type = f.type();
      if (type == HeloFinding.DYNAMIC_RDNS) {
        out.add(
            Found.warning(
                Codes.PTR_GENERIC,
                Found.clean(
                    "The reverse DNS of "
                        + addr
                        + " looks dynamic or generic: "
                        + f.reason()
                        + ". Receivers (and Spamhaus PBL) treat such names as end-user lines, not mail servers."),
                "Ask the owner of the address for a PTR record naming your mail server (e.g. mail.<your domain>), "
                    + "or send through your provider's relay."));
      } else if (helo != null && type == HeloFinding.HELO_MISMATCH) {
        out.add(
            Found.warning(
                Codes.HELO_MISMATCH,
                Found.clean(f.reason() + "."),
                "Use a HELO/EHLO name that resolves to "
                    + addr
                    + " — ideally its PTR name"
                    + (iprev.confirmedNames().isEmpty()
                        ? ""
                        : " (" + iprev.confirmedNames().get(0) + ")")
                    + " — e.g. Postfix smtp_helo_name, or add an A/AAAA record for "
                    + helo
                    + "."));
      } else if (helo != null && type != HeloFinding.MISSING && type != HeloFinding.HELO_CHANGED) {
        Severity s = type.rejectsFrom().isPresent() ? Severity.ERROR : Severity.WARNING;
        out.add(
            new DoctorFinding(
                s,
                Codes.HELO_PREFIX + type.token(),
                Found.clean(f.reason() + " (" + type.description() + ")."),
                "Announce your mail server's fully-qualified name, which resolves to "
                    + addr
                    + " and matches its PTR record (Postfix: smtp_helo_name / myhostname)."));
      }
    }
    if (helo != null) {
      for (String problem : h.dnsProblems()) {
        if (!problem.startsWith("PTR lookup")
            && !problem.startsWith("reverse DNS")) { // iprev reports those
          out.add(Found.dnsError(problem, "the HELO name " + helo));
        }
      }
    }
    return out;
  }
}
