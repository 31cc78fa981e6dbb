package dev.mailwarden.examples.milter;

import com.google.common.net.InetAddresses;
import dev.mailwarden.Evaluation;
import dev.mailwarden.MailSession;
import dev.mailwarden.Outcome;
import dev.mailwarden.SmtpReply;
import dev.mailwarden.Verdict;
import dev.mailwarden.auth.arc.Arc;
import dev.mailwarden.auth.arc.ArcResult;
import dev.mailwarden.auth.arc.ArcSealer;
import dev.mailwarden.auth.arc.ArcSealingStream;
import dev.mailwarden.auth.arc.ArcStatus;
import dev.mailwarden.auth.arc.ArcStream;
import dev.mailwarden.auth.dkim.DkimSigner;
import dev.mailwarden.auth.dkim.DkimSigningStream;
import dev.mailwarden.auth.dkim.DkimStream;
import dev.mailwarden.auth.dmarc.Dmarc;
import dev.mailwarden.auth.dmarc.DmarcResult;
import dev.mailwarden.auth.helo.Iprev;
import dev.mailwarden.auth.spf.Spf;
import dev.mailwarden.ratelimit.RateDecision;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * mailwarden as a milter, one instance per MTA connection: DNSBL and iprev start at connect, HELO
 * at HELO, SPF at MAIL; their verdict is given at RCPT (so authenticated clients, known only at
 * MAIL, are never refused for their IP, as Postfix's {@code smtpd_delay_reject}). Outbound senders
 * (an {@code {auth_authen}} macro or a client in {@code sign-networks}) skip the inbound checks,
 * meet the per-user limit at RCPT and are DKIM-signed at end of message.
 *
 * <p>During DATA the header block (at most {@code max-header-bytes}) and the body are written into
 * a streaming DKIM verifier (and a streaming signer for outbound mail); the body is never held. At
 * end of message DMARC runs over SPF and DKIM, any Authentication-Results claiming our authserv-id
 * is deleted (RFC 8601 §5) and ours is inserted at the top.
 *
 * <p>With {@code arc-seal}, inbound mail is also streamed into an ARC validator and an ARC sealer
 * (each keeps the header block, capped like DKIM's, and only hashes the body). An accepted or
 * quarantined message gets an ARC set above our Authentication-Results: the AAR carries that
 * field's content, {@code cv} the ARC result of the chain as received (also shown as {@code arc=}
 * in our Authentication-Results). A chain whose newest seal says {@code cv=fail} is not sealed
 * again; a broken chain is sealed with {@code cv=fail}; a chain whose validation ended in {@code
 * temperror} (DNS trouble, the deadline) is left as it came rather than ended by a {@code cv=fail}
 * seal. Outbound mail is not sealed.
 */
public final class MailwardenMilter implements MilterSession.Handler {
  private static final Logger LOG = LoggerFactory.getLogger(MailwardenMilter.class);
  private static final String AUTH_RESULTS = "Authentication-Results";
  private static final int MAX_RECIPIENTS = 1000;
  private static final byte[] CRLF = {'\r', '\n'};

  private final MilterPipelines pipelines;
  private final String authservId;
  private final Duration commandTimeout;
  private final int maxHeaderBytes;
  private final boolean onErrorAccept;

  // connection
  private @Nullable InetAddress clientIp;
  private @Nullable String helo;
  private boolean trustedNetwork;

  // message
  private @Nullable String queueId;
  private @Nullable String mailFrom;
  private @Nullable String user;
  private final List<String> recipients = new ArrayList<>();
  private @Nullable CompletableFuture<Evaluation> inboundEvaluation;
  private boolean inboundLogged;
  private @Nullable DkimStream dkim;
  private @Nullable DkimSigningStream signing;
  private @Nullable ArcStream arcChain;
  private @Nullable ArcSealingStream arcSeal;
  private final ByteArrayOutputStream fromFields = new ByteArrayOutputStream();
  private final ByteArrayOutputStream headerBlock = new ByteArrayOutputStream();
  private final List<Integer> ourAuthResults = new ArrayList<>();
  private int authResultsSeen;
  private long headerBytes;
  private boolean headerOverCap;

  /** Actions asked for: add and change headers, quarantine. */
  static final int ACTIONS =
      MilterProtocol.SMFIF_ADDHDRS | MilterProtocol.SMFIF_CHGHDRS | MilterProtocol.SMFIF_QUARANTINE;

  /**
   * Steps skipped or not answered, when the MTA offers it: unknown commands and DATA are not
   * needed; connect, HELO and MAIL always continue (their verdict waits for RCPT); headers and body
   * chunks are streamed without a round trip each; header values keep their leading space.
   */
  static final int PROTOCOL =
      MilterProtocol.SMFIP_NOUNKNOWN
          | MilterProtocol.SMFIP_NODATA
          | MilterProtocol.SMFIP_NR_CONN
          | MilterProtocol.SMFIP_NR_HELO
          | MilterProtocol.SMFIP_NR_MAIL
          | MilterProtocol.SMFIP_NR_HDR
          | MilterProtocol.SMFIP_NR_BODY
          | MilterProtocol.SMFIP_HDR_LEADSPC;

  /** A protocol session for one new MTA connection. */
  public static MilterSession session(MilterPipelines pipelines, MilterConfig config) {
    return new MilterSession(
        new MailwardenMilter(pipelines, config),
        ACTIONS,
        PROTOCOL,
        config.onErrorAccept() ? MilterResponse.CONTINUE : MilterResponse.TEMPFAIL);
  }

  public MailwardenMilter(MilterPipelines pipelines, MilterConfig config) {
    this.pipelines = pipelines;
    this.authservId = config.authservId();
    this.commandTimeout = config.commandTimeout();
    this.maxHeaderBytes = config.maxHeaderBytes();
    this.onErrorAccept = config.onErrorAccept();
  }

  private MilterResponse onError() {
    return onErrorAccept ? MilterResponse.CONTINUE : MilterResponse.TEMPFAIL;
  }

  @Override
  public MilterResponse connect(MilterRequest.Connect c, MilterContext ctx) {
    clientIp = null;
    if (c.family() == '4' || c.family() == '6') {
      String a =
          c.address().regionMatches(true, 0, "IPv6:", 0, 5)
              ? c.address().substring(5)
              : c.address();
      if (a.startsWith("[") && a.endsWith("]")) {
        a = a.substring(1, a.length() - 1);
      }
      // literals only: a name here must never cause a DNS lookup
      clientIp = InetAddresses.isInetAddress(a) ? InetAddresses.forString(a) : null;
    }
    trustedNetwork = clientIp != null && pipelines.inSignNetworks(clientIp);
    if (clientIp != null && !trustedNetwork) {
      // DNSBL and iprev start now; their answers wait in the cache for MAIL/RCPT
      prefetch(MailSession.builder().clientIp(clientIp).build());
    }
    return MilterResponse.CONTINUE;
  }

  @Override
  public MilterResponse helo(String name, MilterContext ctx) {
    helo = name;
    if (clientIp != null && !trustedNetwork) {
      prefetch(MailSession.builder().clientIp(clientIp).helo(name).build());
    }
    return MilterResponse.CONTINUE;
  }

  private void prefetch(MailSession session) {
    if (pipelines.inboundApplies(session)) {
      pipelines.prefetch(session);
    }
  }

  @Override
  public MilterResponse mail(List<String> args, MilterContext ctx) {
    resetMessage();
    mailFrom = stripBrackets(args.get(0));
    queueId = ctx.macro("i").orElse(null);
    user = ctx.macro("auth_authen").filter(u -> !u.isEmpty()).orElse(null);
    if (!outbound() && clientIp != null) {
      MailSession session = inboundSession().build();
      if (pipelines.inboundApplies(session)) {
        inboundEvaluation = pipelines.inbound().evaluate(session);
      }
    }
    return MilterResponse.CONTINUE;
  }

  private boolean outbound() {
    return user != null || trustedNetwork;
  }

  private MailSession.Builder inboundSession() {
    MailSession.Builder b = MailSession.builder();
    if (queueId != null) {
      b.id(queueId);
    }
    if (clientIp != null) {
      b.clientIp(clientIp);
    }
    if (helo != null) {
      b.helo(helo);
    }
    if (mailFrom != null) {
      b.mailFrom(mailFrom);
    }
    if (user != null) {
      b.authenticatedUser(user);
    }
    return b;
  }

  @Override
  public MilterResponse rcpt(List<String> args, MilterContext ctx) {
    String rcpt = stripBrackets(args.get(0));
    if (user != null && pipelines.limiter().isPresent()) {
      RateDecision d = pipelines.acquire(user);
      if (!d.allowed()) {
        long seconds = Math.max(1, d.retryAfter().toSeconds());
        LOG.info("milter id={} user={} rcpt refused: over its limit ({})", id(), user, d.status());
        return MilterResponse.reply(
            SmtpReply.of(
                450, "4.7.1", "Sending rate limit exceeded, try again in " + seconds + " s"));
      }
    }
    if (inboundEvaluation != null) {
      Evaluation ev;
      try {
        ev = inboundEvaluation.get(commandTimeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException | ExecutionException e) {
        LOG.warn(
            "milter id={} inbound evaluation failed ({}): answering {}",
            id(),
            e,
            onErrorAccept ? "accept" : "tempfail");
        return onError();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return onError();
      }
      if (!inboundLogged) {
        inboundLogged = true;
        LOG.info("milter stage=rcpt {}", ev.summary());
      }
      if (ev.verdict() == Verdict.REJECT || ev.verdict() == Verdict.TEMPFAIL) {
        return MilterResponse.reply(ev.smtpReply());
      }
    }
    if (recipients.size() < MAX_RECIPIENTS) {
      recipients.add(rcpt);
    }
    return MilterResponse.CONTINUE;
  }

  @Override
  public MilterResponse header(String name, String value, MilterContext ctx) {
    if (headerOverCap) {
      return MilterResponse.CONTINUE;
    }
    String field = name + ":" + (ctx.leadingSpace() ? value : " " + value);
    byte[] raw = crlf(field);
    headerBytes += raw.length;
    if (headerBytes > maxHeaderBytes) {
      headerOverCap = true; // refused at end of headers; nothing more is kept
      closeStreams();
      return MilterResponse.CONTINUE;
    }
    if (name.equalsIgnoreCase(AUTH_RESULTS)) {
      authResultsSeen++;
      if (AuthservId.claims(value, authservId)) {
        ourAuthResults.add(authResultsSeen);
      }
    }
    if (name.equalsIgnoreCase("From")) {
      fromFields.writeBytes(raw);
    }
    if (outbound()) {
      if (pipelines.signs()) {
        headerBlock.writeBytes(raw); // the signer is chosen by the From domain at end of headers
      }
    } else {
      if (pipelines.verifyDkim()) {
        if (dkim == null) {
          dkim = pipelines.dkim().stream(pipelines.dns(), Clock.systemUTC(), pipelines.executor());
        }
        dkim.write(raw, 0, raw.length);
      }
      Optional<ArcSealer> sealer = pipelines.arcSealer();
      if (sealer.isPresent()) {
        if (arcSeal == null || arcChain == null) {
          arcChain = pipelines.arc().stream(pipelines.dns(), pipelines.executor());
          arcSeal = sealer.get().stream();
        }
        arcChain.write(raw, 0, raw.length);
        arcSeal.write(raw, 0, raw.length);
      }
    }
    return MilterResponse.CONTINUE;
  }

  @Override
  public MilterResponse endOfHeaders(MilterContext ctx) {
    if (headerOverCap) {
      LOG.info("milter id={} header block over {} bytes: refused", id(), maxHeaderBytes);
      return MilterResponse.reply(SmtpReply.of(552, "5.3.4", "Message header size exceeds limit"));
    }
    if (dkim != null) {
      dkim.write(CRLF, 0, 2);
    }
    if (arcChain != null && arcSeal != null) {
      arcChain.write(CRLF, 0, 2);
      arcSeal.write(CRLF, 0, 2);
    }
    if (outbound() && pipelines.signs()) {
      Optional<String> domain = fromDomain(fromFields.toByteArray());
      Optional<DkimSigner> signer = domain.flatMap(pipelines::signerFor);
      if (signer.isPresent()) {
        signing = signer.get().stream();
        signing.write(headerBlock.toByteArray(), 0, headerBlock.size());
        signing.write(CRLF, 0, 2);
      } else {
        LOG.info(
            "milter id={} not signed: no dkim-sign key for From domain {}",
            id(),
            domain.orElse("(none or several)"));
      }
      headerBlock.reset();
    }
    return MilterResponse.CONTINUE;
  }

  @Override
  public MilterResponse body(byte[] chunk, MilterContext ctx) {
    if (dkim != null) {
      dkim.write(chunk, 0, chunk.length);
    }
    if (signing != null) {
      signing.write(chunk, 0, chunk.length);
    }
    if (arcChain != null && arcSeal != null) {
      arcChain.write(chunk, 0, chunk.length);
      arcSeal.write(chunk, 0, chunk.length);
    }
    return MilterResponse.CONTINUE;
  }

  @Override
  public List<MilterResponse> endOfMessage(MilterContext ctx) {
    if (queueId == null) {
      queueId = ctx.macro("i").orElse(null); // Postfix knows the queue ID only once DATA began
    }
    try {
      return outbound() ? outboundEnd(ctx) : inboundEnd(ctx);
    } finally {
      resetMessage();
    }
  }

  private List<MilterResponse> outboundEnd(MilterContext ctx) {
    List<MilterResponse> out = new ArrayList<>(deleteOurAuthResults());
    if (signing != null) {
      signing.close();
      String field = signing.signatureField();
      out.add(MilterResponse.insertHeader(0, "DKIM-Signature", headerValue(field, ctx)));
      LOG.info("milter id={} user={} signed", id(), user == null ? "-" : user);
    }
    out.add(MilterResponse.CONTINUE);
    return out;
  }

  private List<MilterResponse> inboundEnd(MilterContext ctx) {
    List<KnownResult<?>> known = new ArrayList<>();
    Optional<Evaluation> earlier = Optional.empty();
    if (inboundEvaluation != null
        && inboundEvaluation.isDone()
        && !inboundEvaluation.isCompletedExceptionally()) {
      earlier = Optional.of(inboundEvaluation.join());
    }
    earlier
        .flatMap(e -> e.result(Iprev.KEY))
        .ifPresent(
            r ->
                known.add(
                    new KnownResult<>(pipelines.iprev(), CompletableFuture.completedFuture(r))));
    earlier
        .flatMap(e -> e.result(Spf.KEY))
        .ifPresent(
            r ->
                known.add(
                    new KnownResult<>(pipelines.spf(), CompletableFuture.completedFuture(r))));
    if (dkim != null) {
      dkim.close();
      known.add(new KnownResult<>(pipelines.dkim(), dkim.result()));
    }
    if (arcChain != null) {
      arcChain.close();
      known.add(new KnownResult<>(pipelines.arc(), arcChain.result()));
    }
    MailSession.Builder session = inboundSession().recipients(recipients);
    if (pipelines.verifyDkim()) {
      // DMARC reads only the From fields; the body went to the hashers
      fromFields.writeBytes(CRLF);
      session.message(fromFields.toByteArray());
    }
    Evaluation ev;
    try {
      ev =
          pipelines
              .endOfMessage(known)
              .evaluate(session.build())
              .get(commandTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      LOG.warn(
          "milter id={} end-of-message evaluation failed ({}): answering {}",
          id(),
          e,
          onErrorAccept ? "accept" : "tempfail");
      return List.of(onError());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of(onError());
    }
    LOG.info("milter stage=eom {}", ev.summary());
    if (ev.verdict() == Verdict.REJECT || ev.verdict() == Verdict.TEMPFAIL) {
      return List.of(MilterResponse.reply(ev.smtpReply()));
    }
    List<MilterResponse> out = new ArrayList<>(deleteOurAuthResults());
    String authResults = ev.authenticationResults(authservId);
    out.add(MilterResponse.insertHeader(0, AUTH_RESULTS, headerValue(authResults, ctx)));
    out.addAll(arcSet(ev, authResults, ctx));
    if (ev.verdict() == Verdict.QUARANTINE
        && (ctx.actions() & MilterProtocol.SMFIF_QUARANTINE) != 0) {
      String domain = ev.result(Dmarc.KEY).flatMap(DmarcResult::fromDomain).orElse("-");
      out.add(MilterResponse.quarantine("DMARC policy quarantine for " + domain));
    }
    out.add(MilterResponse.CONTINUE);
    return out;
  }

  /**
   * The ARC set (RFC 8617 5.1) as three inserts at the top, above our Authentication-Results, or
   * nothing (with a log line saying why) when the message must not or cannot be sealed.
   */
  private List<MilterResponse> arcSet(Evaluation ev, String authResults, MilterContext ctx) {
    ArcSealingStream stream = arcSeal;
    if (stream == null) {
      return List.of(); // not configured, or no header came
    }
    Optional<ArcResult> chain = ev.result(Arc.KEY);
    if (chain.isEmpty() || chain.get().outcome() == Outcome.TEMPERROR) {
      // a cv=fail seal would end the chain for every later hop over what may be a DNS hiccup
      LOG.info(
          "milter id={} not ARC-sealed: the chain could not be validated ({})",
          id(),
          chain.map(ArcResult::reason).orElse("no result"));
      return List.of();
    }
    if ((ctx.actions() & MilterProtocol.SMFIF_ADDHDRS) == 0) {
      LOG.info("milter id={} not ARC-sealed: the MTA did not grant adding headers", id());
      return List.of();
    }
    ArcStatus cv = chain.get().status();
    stream.close();
    Optional<String> set;
    try {
      set = stream.sealHeaders(cv, authResults.substring(authResults.indexOf(':') + 1));
    } catch (IllegalArgumentException e) {
      LOG.info("milter id={} not ARC-sealed: {}", id(), e.getMessage());
      return List.of();
    } catch (RuntimeException e) {
      // sealing adds to the message; its failure must not defer the mail
      LOG.warn("milter id={} not ARC-sealed: sealing failed", id(), e);
      return List.of();
    }
    if (set.isEmpty()) {
      LOG.info("milter id={} not ARC-sealed: the chain already ended with cv=fail", id());
      return List.of();
    }
    // ARC-Seal, ARC-Message-Signature, ARC-Authentication-Results from the top; each insert at
    // index 0 lands above the one before, so they are sent bottom first
    List<String> fields = new ArrayList<>(List.of(set.get().split("\r\n(?![ \t])")));
    Collections.reverse(fields);
    List<MilterResponse> out = new ArrayList<>(3);
    for (String field : fields) {
      out.add(
          MilterResponse.insertHeader(
              0, field.substring(0, field.indexOf(':')), headerValue(field, ctx)));
    }
    LOG.info("milter id={} ARC-sealed cv={}", id(), cv.token());
    return out;
  }

  /** Deletes, highest index first so earlier indexes stay valid, every A-R claiming our id. */
  private List<MilterResponse> deleteOurAuthResults() {
    List<MilterResponse> out = new ArrayList<>();
    for (int i = ourAuthResults.size() - 1; i >= 0; i--) {
      out.add(MilterResponse.changeHeader(ourAuthResults.get(i), AUTH_RESULTS, ""));
    }
    if (!ourAuthResults.isEmpty()) {
      LOG.info(
          "milter id={} removed {} Authentication-Results claiming {}",
          id(),
          ourAuthResults.size(),
          authservId);
    }
    return out;
  }

  /**
   * A whole field ("Name: value\r\n\tmore") as a milter header value: LF folding, leading space per
   * negotiation.
   */
  static String headerValue(String field, MilterContext ctx) {
    String v = field.substring(field.indexOf(':') + 1).replace("\r\n", "\n");
    if (v.endsWith("\n")) {
      v = v.substring(0, v.length() - 1);
    }
    if (!ctx.leadingSpace() && v.startsWith(" ")) {
      v = v.substring(1); // the MTA adds it
    } else if (ctx.leadingSpace() && !v.startsWith(" ")) {
      v = " " + v;
    }
    return v;
  }

  @Override
  public void abort() {
    resetMessage();
  }

  @Override
  public void endSession() {
    resetMessage();
    clientIp = null;
    helo = null;
    trustedNetwork = false;
  }

  private void resetMessage() {
    closeStreams();
    queueId = null;
    mailFrom = null;
    user = null;
    recipients.clear();
    inboundEvaluation = null;
    inboundLogged = false;
    fromFields.reset();
    headerBlock.reset();
    ourAuthResults.clear();
    authResultsSeen = 0;
    headerBytes = 0;
    headerOverCap = false;
  }

  private void closeStreams() {
    // dropped, not closed: closing would finish the verification of a message nobody wants
    dkim = null;
    signing = null;
    arcChain = null;
    arcSeal = null;
  }

  private String id() {
    return queueId == null ? "-" : queueId;
  }

  private static String stripBrackets(String s) {
    String t = s.trim();
    return t.startsWith("<") && t.endsWith(">") ? t.substring(1, t.length() - 1) : t;
  }

  /** Header text (one char per byte) with LF line ends made CRLF, plus the final CRLF. */
  private static byte[] crlf(String field) {
    StringBuilder b = new StringBuilder(field.length() + 8);
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\n' && (i == 0 || field.charAt(i - 1) != '\r')) {
        b.append('\r');
      }
      b.append(c);
    }
    b.append("\r\n");
    return b.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  /** The domain of the single From address, for choosing the signing key. */
  static Optional<String> fromDomain(byte[] fromFields) {
    String text = new String(fromFields, StandardCharsets.ISO_8859_1);
    String[] fields = text.split("\r\n(?![ \t])");
    List<String> values = new ArrayList<>();
    for (String f : fields) {
      if (!f.isBlank() && f.indexOf(':') > 0) {
        values.add(f.substring(f.indexOf(':') + 1).replace("\r\n", ""));
      }
    }
    if (values.size() != 1) {
      return Optional.empty();
    }
    try {
      InternetAddress[] a = InternetAddress.parseHeader(values.get(0), false);
      if (a.length != 1 || a[0].getAddress() == null || a[0].getAddress().lastIndexOf('@') < 0) {
        return Optional.empty();
      }
      String addr = a[0].getAddress();
      return Optional.of(addr.substring(addr.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT));
    } catch (AddressException e) {
      return Optional.empty();
    }
  }
}
