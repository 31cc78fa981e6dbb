package dev.mailwarden.examples.milter;

import static dev.mailwarden.examples.milter.MilterProtocol.*;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The milter protocol state of one MTA connection, apart from any I/O: takes each decoded {@link
 * MilterRequest}, checks that it is allowed now, calls the {@link Handler} and returns the
 * responses to send (none for commands that take no reply, or whose reply was negotiated away).
 *
 * <p>Order enforced: option negotiation first; headers, body and end of message only inside a
 * transaction (after MAIL); RCPT only after MAIL. A handler that throws gets the configured
 * on-error response for that step instead.
 */
public final class MilterSession implements MilterContext {

  /** What the milter does at each step. Implementations hold one SMTP session's state. */
  public interface Handler {
    MilterResponse connect(MilterRequest.Connect connect, MilterContext ctx);

    MilterResponse helo(String name, MilterContext ctx);

    MilterResponse mail(List<String> args, MilterContext ctx);

    MilterResponse rcpt(List<String> args, MilterContext ctx);

    /** One header field; the reply may have been negotiated away ({@code SMFIP_NR_HDR}). */
    MilterResponse header(String name, String value, MilterContext ctx);

    MilterResponse endOfHeaders(MilterContext ctx);

    /** One body chunk; the reply may have been negotiated away ({@code SMFIP_NR_BODY}). */
    MilterResponse body(byte[] chunk, MilterContext ctx);

    /** The modifications, then one final response (continue, reject, tempfail, reply code). */
    List<MilterResponse> endOfMessage(MilterContext ctx);

    /** The current message is abandoned. */
    void abort();

    /** The SMTP session ended (quit or a new session on the same connection). */
    void endSession();
  }

  private static final String MESSAGE_STAGES = "MRTLNBE";

  private final Handler handler;
  private final int wantedActions;
  private final int wantedProtocol;
  private final MilterResponse onError;
  private final Map<Character, Map<String, String>> macros = new HashMap<>();
  private int actions;
  private int protocol;
  private boolean negotiated;
  private boolean renegotiable = true;
  private boolean inTransaction;
  private boolean finished;

  /**
   * @param wantedActions the {@code SMFIF_*} actions the milter asks for
   * @param wantedProtocol the {@code SMFIP_*} steps to skip or not reply to; only those the MTA
   *     offers are asked for
   * @param onError the response when the handler fails at a step
   */
  public MilterSession(
      Handler handler, int wantedActions, int wantedProtocol, MilterResponse onError) {
    this.handler = handler;
    this.wantedActions = wantedActions;
    this.wantedProtocol = wantedProtocol;
    this.onError = onError;
  }

  /** True after QUIT: close the connection. */
  public boolean finished() {
    return finished;
  }

  @Override
  public int actions() {
    return actions;
  }

  @Override
  public int protocol() {
    return protocol;
  }

  @Override
  public Optional<String> macro(String name) {
    String bare =
        name.startsWith("{") && name.endsWith("}") ? name.substring(1, name.length() - 1) : name;
    for (char stage : "ENLBTRMHC".toCharArray()) {
      Map<String, String> m = macros.get(stage);
      if (m != null) {
        String v = m.get(bare);
        if (v == null) {
          v = m.get("{" + bare + "}");
        }
        if (v != null) {
          return Optional.of(v);
        }
      }
    }
    return Optional.empty();
  }

  /** The responses to send for this request, in order. */
  public List<MilterResponse> handle(MilterRequest request) throws MilterProtocolException {
    if (finished) {
      throw new MilterProtocolException("command after QUIT");
    }
    if (!negotiated && !(request instanceof MilterRequest.OptionNegotiation)) {
      throw new MilterProtocolException("option negotiation must come first, got " + name(request));
    }
    if (request instanceof MilterRequest.OptionNegotiation o) {
      return List.of(negotiate(o));
    }
    if (request instanceof MilterRequest.Macros m) {
      if (m.stage() < 'A' || m.stage() > 'Z') {
        throw new MilterProtocolException(
            "macros for an unknown stage 0x" + Integer.toHexString(m.stage()));
      }
      macros.put(m.stage(), m.values());
      return List.of();
    }
    if (request instanceof MilterRequest.Connect c) {
      return reply(SMFIP_NR_CONN, () -> handler.connect(c, this));
    }
    if (request instanceof MilterRequest.Helo h) {
      return reply(SMFIP_NR_HELO, () -> handler.helo(h.name(), this));
    }
    if (request instanceof MilterRequest.Mail m) {
      if (inTransaction) {
        endTransaction(); // a new MAIL without abort: start afresh
      }
      inTransaction = true;
      return reply(SMFIP_NR_MAIL, () -> handler.mail(m.args(), this));
    }
    if (request instanceof MilterRequest.Rcpt r) {
      requireTransaction(request);
      return reply(SMFIP_NR_RCPT, () -> handler.rcpt(r.args(), this));
    }
    if (request instanceof MilterRequest.Data) {
      requireTransaction(request);
      return reply(SMFIP_NR_DATA, () -> MilterResponse.CONTINUE);
    }
    if (request instanceof MilterRequest.Header h) {
      requireTransaction(request);
      return reply(SMFIP_NR_HDR, () -> handler.header(h.name(), h.value(), this));
    }
    if (request instanceof MilterRequest.EndOfHeaders) {
      requireTransaction(request);
      return reply(SMFIP_NR_EOH, () -> handler.endOfHeaders(this));
    }
    if (request instanceof MilterRequest.BodyChunk b) {
      requireTransaction(request);
      return reply(SMFIP_NR_BODY, () -> handler.body(b.bytes(), this));
    }
    if (request instanceof MilterRequest.EndOfMessage e) {
      requireTransaction(request);
      List<MilterResponse> out;
      try {
        if (e.lastChunk().length > 0) {
          handler.body(e.lastChunk(), this);
        }
        out = handler.endOfMessage(this);
      } catch (RuntimeException ex) {
        out = List.of(onError);
      }
      inTransaction = false;
      clearMessageMacros();
      return out;
    }
    if (request instanceof MilterRequest.Abort) {
      if (inTransaction) {
        endTransaction();
      }
      return List.of();
    }
    if (request instanceof MilterRequest.QuitNewConnection) {
      endSession();
      macros.clear();
      renegotiable = true;
      return List.of();
    }
    if (request instanceof MilterRequest.Quit) {
      endSession();
      finished = true;
      return List.of();
    }
    if (request instanceof MilterRequest.Unknown) {
      return reply(SMFIP_NR_UNKN, () -> MilterResponse.CONTINUE);
    }
    throw new MilterProtocolException("unexpected " + name(request));
  }

  /** The connection ended (QUIT, end of stream or error): ends the session if QUIT did not. */
  public void close() {
    if (!finished) {
      finished = true;
      if (negotiated) {
        endSession();
      }
    }
  }

  /** The response the milter gives when it cannot go on (a protocol error, a failed step). */
  public MilterResponse onError() {
    return onError;
  }

  private MilterResponse negotiate(MilterRequest.OptionNegotiation o)
      throws MilterProtocolException {
    if (!renegotiable) {
      throw new MilterProtocolException("option negotiation repeated inside a session");
    }
    if (o.version() < VERSION) {
      throw new MilterProtocolException(
          "the MTA offers milter protocol version " + o.version() + "; version 6 is needed");
    }
    actions = wantedActions & o.actions();
    protocol = wantedProtocol & o.protocol();
    negotiated = true;
    renegotiable = false;
    return MilterResponse.optionNegotiation(VERSION, actions, protocol);
  }

  private interface Step {
    MilterResponse run();
  }

  private List<MilterResponse> reply(int noReplyFlag, Step step) {
    MilterResponse r;
    try {
      r = step.run();
    } catch (RuntimeException e) {
      r = onError;
    }
    return (protocol & noReplyFlag) != 0 ? List.of() : List.of(r);
  }

  private void requireTransaction(MilterRequest r) throws MilterProtocolException {
    if (!inTransaction) {
      throw new MilterProtocolException(name(r) + " outside a transaction (no MAIL before it)");
    }
  }

  private void endTransaction() {
    inTransaction = false;
    clearMessageMacros();
    try {
      handler.abort();
    } catch (RuntimeException ignored) {
      // the message is gone either way
    }
  }

  private void endSession() {
    if (inTransaction) {
      endTransaction();
    }
    try {
      handler.endSession();
    } catch (RuntimeException ignored) {
      // the session is over either way
    }
  }

  private void clearMessageMacros() {
    for (int i = 0; i < MESSAGE_STAGES.length(); i++) {
      char c = MESSAGE_STAGES.charAt(i);
      macros.remove(c);
    }
  }

  private static String name(MilterRequest r) {
    return r.getClass().getSimpleName();
  }
}
