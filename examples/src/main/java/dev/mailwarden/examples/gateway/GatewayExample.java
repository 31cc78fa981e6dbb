package dev.mailwarden.examples.gateway;

import dev.mailwarden.Evaluation;
import dev.mailwarden.MailSession;
import dev.mailwarden.MailWarden;
import dev.mailwarden.MailwardenRuntime;
import dev.mailwarden.SmtpReply;
import dev.mailwarden.Verdict;
import dev.mailwarden.auth.dkim.Dkim;
import dev.mailwarden.auth.dmarc.Dmarc;
import dev.mailwarden.auth.helo.Helo;
import dev.mailwarden.auth.helo.Iprev;
import dev.mailwarden.auth.spf.Spf;
import dev.mailwarden.dnsbl.Dnsbl;
import dev.mailwarden.dnsbl.DnsblWeights;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;

/**
 * How a home-grown SMTP server calls mailwarden at each stage of a transaction. One {@link
 * MailWarden} serves every connection; each stage evaluates the session as known so far, and only
 * the checks whose inputs are present run (DNSBL and iprev at connect, HELO at HELO, SPF at MAIL
 * FROM, DKIM and DMARC at DATA). DNS answers are cached, so later stages reuse earlier lookups.
 *
 * <p>The SMTP side is reduced to {@link Transaction}: your server owns sockets and parsing.
 */
public final class GatewayExample {
  private final MailWarden inbound;
  private final String hostname;

  public GatewayExample(MailwardenRuntime runtime, String hostname) {
    this.hostname = hostname;
    this.inbound =
        MailWarden.builder(runtime)
            .check(
                Dnsbl.check(Dnsbl.spamhausZen()), DnsblWeights.listed(5.0)) // one listing rejects
            .check(Iprev.check())
            .check(Helo.check())
            .require(Spf.builder().receiver(hostname).build())
            .check(Dkim.check())
            .check(Dmarc.check())
            .quarantineAt(3.0)
            .rejectAt(5.0)
            .deadline(Duration.ofSeconds(8))
            .build();
  }

  /** What the SMTP server does with a transaction; yours has sockets behind it. */
  public interface Transaction {
    /** Sends the reply to the client; a 4xx/5xx ends the transaction. */
    void reply(SmtpReply reply);

    /** Delivers the message with header fields prepended. */
    void deliver(byte[] message, String prependedHeaders, boolean quarantine);
  }

  /**
   * At each stage, evaluates what is known and tells whether the transaction may go on. Returns the
   * reply already sent when it must stop.
   */
  public Optional<SmtpReply> atStage(MailSession sessionSoFar, Transaction smtp) {
    Evaluation ev =
        inbound.evaluateAndWait(sessionSoFar); // a blocking server; async ones use evaluate()
    if (ev.verdict() == Verdict.REJECT || ev.verdict() == Verdict.TEMPFAIL) {
      smtp.reply(ev.smtpReply());
      return Optional.of(ev.smtpReply());
    }
    return Optional.empty();
  }

  /** The whole transaction, stage by stage; returns the final reply. */
  public SmtpReply handle(
      InetAddress client,
      String helo,
      String mailFrom,
      String rcpt,
      byte[] message,
      Transaction smtp) {
    MailSession connect = MailSession.builder().clientIp(client).build();
    Optional<SmtpReply> stop = atStage(connect, smtp);
    if (stop.isPresent()) {
      return stop.get();
    }
    MailSession afterHelo = connect.toBuilder().helo(helo).build();
    stop = atStage(afterHelo, smtp);
    if (stop.isPresent()) {
      return stop.get();
    }
    MailSession afterMail = afterHelo.toBuilder().mailFrom(mailFrom).recipient(rcpt).build();
    stop = atStage(afterMail, smtp);
    if (stop.isPresent()) {
      return stop.get();
    }
    // DATA: the full evaluation decides, and its results go into the delivered message
    Evaluation ev = inbound.evaluateAndWait(afterMail.toBuilder().message(message).build());
    if (ev.verdict() == Verdict.REJECT || ev.verdict() == Verdict.TEMPFAIL) {
      smtp.reply(ev.smtpReply());
      return ev.smtpReply();
    }
    StringBuilder headers = new StringBuilder(ev.authenticationResults(hostname)).append("\r\n");
    ev.result(Spf.KEY).ifPresent(spf -> headers.append(spf.receivedSpf(hostname)).append("\r\n"));
    smtp.deliver(message, headers.toString(), ev.verdict() == Verdict.QUARANTINE);
    smtp.reply(SmtpReply.OK);
    return SmtpReply.OK;
  }
}
