package dev.mailwarden.examples.milter;

import static dev.mailwarden.examples.milter.MilterProtocol.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MilterSessionTest {

  /**
   * Records every call; answers each step with a distinct response so the test sees which came
   * back.
   */
  static final class Recorder implements MilterSession.Handler {
    final List<String> calls = new ArrayList<>();
    RuntimeException failAt;
    String failStep = "";

    private MilterResponse step(String name) {
      calls.add(name);
      if (name.startsWith(failStep) && failAt != null) {
        throw failAt;
      }
      return MilterResponse.CONTINUE;
    }

    @Override
    public MilterResponse connect(MilterRequest.Connect c, MilterContext ctx) {
      return step("connect " + c.address());
    }

    @Override
    public MilterResponse helo(String name, MilterContext ctx) {
      return step("helo " + name);
    }

    @Override
    public MilterResponse mail(List<String> args, MilterContext ctx) {
      return step("mail " + args.get(0) + " user=" + ctx.macro("auth_authen").orElse("-"));
    }

    @Override
    public MilterResponse rcpt(List<String> args, MilterContext ctx) {
      step("rcpt " + args.get(0));
      return MilterResponse.reply(dev.mailwarden.SmtpReply.of(550, "5.7.1", "no"));
    }

    @Override
    public MilterResponse header(String name, String value, MilterContext ctx) {
      return step("header " + name);
    }

    @Override
    public MilterResponse endOfHeaders(MilterContext ctx) {
      return step("eoh");
    }

    @Override
    public MilterResponse body(byte[] chunk, MilterContext ctx) {
      return step("body " + chunk.length);
    }

    @Override
    public List<MilterResponse> endOfMessage(MilterContext ctx) {
      step("eom queue=" + ctx.macro("{i}").orElse("-"));
      return List.of(MilterResponse.addHeader("X-Test", "1"), MilterResponse.CONTINUE);
    }

    @Override
    public void abort() {
      calls.add("abort");
    }

    @Override
    public void endSession() {
      calls.add("end");
    }
  }

  private final Recorder handler = new Recorder();
  private final MilterSession session =
      new MilterSession(
          handler,
          SMFIF_ADDHDRS | SMFIF_CHGHDRS,
          SMFIP_NR_HDR | SMFIP_NODATA,
          MilterResponse.TEMPFAIL);

  private List<MilterResponse> send(byte[] frame) throws Exception {
    return session.handle(
        MilterDecoder.decode(
            new MilterDecoder(1 << 16)
                .readFrame(new java.io.ByteArrayInputStream(frame))
                .orElseThrow()));
  }

  @Test
  void negotiation_asksOnlyForWhatTheMtaOffers() throws Exception {
    List<MilterResponse> r =
        send(Frames.optneg(6, SMFIF_ADDHDRS | SMFIF_QUARANTINE, SMFIP_NODATA | SMFIP_NOBODY));
    assertThat(r).hasSize(1);
    assertThat((char) r.get(0).code()).isEqualTo('O');
    byte[] d = r.get(0).data();
    assertThat(Frames.int32(d, 0)).isEqualTo(6);
    assertThat(Frames.int32(d, 4)).isEqualTo(SMFIF_ADDHDRS);
    assertThat(Frames.int32(d, 8)).isEqualTo(SMFIP_NODATA);
  }

  @Test
  void olderProtocolVersion_isRefused() {
    assertThatThrownBy(() -> send(Frames.optneg(2, 0x3f, 0x7f))).hasMessageContaining("version 2");
  }

  @Test
  void anyCommandBeforeNegotiation_isRefused() {
    assertThatThrownBy(() -> send(Frames.helo("x")))
        .hasMessageContaining("negotiation must come first");
  }

  @Test
  void negotiationTwice_isRefused_butAllowedAfterQuitNewConnection() throws Exception {
    send(Frames.optneg(6, 0x3f, 0x1fffff));
    assertThatThrownBy(() -> send(Frames.optneg(6, 0x3f, 0x1fffff)))
        .hasMessageContaining("repeated");
    send(Frames.empty(SMFIC_QUIT_NC));
    assertThat(send(Frames.optneg(6, 0x3f, 0x1fffff))).hasSize(1);
  }

  @Test
  void wholeTransaction_repliesWhereNeeded_headersNotAnsweredWhenNegotiatedAway() throws Exception {
    send(Frames.optneg(6, 0x3f, 0x1fffff));
    assertThat(send(Frames.macros('C', "j", "mx.example"))).isEmpty();
    assertThat(send(Frames.connect("client.example", '4', 1234, "192.0.2.1")))
        .containsExactly(MilterResponse.CONTINUE);
    assertThat(send(Frames.helo("client.example"))).containsExactly(MilterResponse.CONTINUE);
    send(Frames.macros('M', "{auth_authen}", "alice", "i", "QID1"));
    assertThat(send(Frames.mail("<a@example.com>"))).containsExactly(MilterResponse.CONTINUE);
    assertThat(send(Frames.rcpt("<b@example.org>")).get(0).code()).isEqualTo(SMFIR_REPLYCODE);
    // SMFIP_NODATA asks the MTA not to send DATA; one sent anyway is answered (no SMFIP_NR_DATA)
    assertThat(send(Frames.empty(SMFIC_DATA))).containsExactly(MilterResponse.CONTINUE);
    assertThat(send(Frames.header("From", " a@example.com"))).isEmpty(); // SMFIP_NR_HDR
    assertThat(send(Frames.empty(SMFIC_EOH))).containsExactly(MilterResponse.CONTINUE);
    assertThat(send(Frames.body(new byte[100]))).containsExactly(MilterResponse.CONTINUE);
    List<MilterResponse> eom = send(Frames.empty(SMFIC_BODYEOB));
    assertThat(eom).hasSize(2).endsWith(MilterResponse.CONTINUE);
    assertThat(send(Frames.empty(SMFIC_QUIT))).isEmpty();
    assertThat(session.finished()).isTrue();
    assertThat(handler.calls)
        .containsExactly(
            "connect 192.0.2.1",
            "helo client.example",
            "mail <a@example.com> user=alice",
            "rcpt <b@example.org>",
            "header From",
            "eoh",
            "body 100",
            "eom queue=QID1",
            "end");
  }

  @Test
  void messageMacros_doNotLeakIntoTheNextMessage() throws Exception {
    send(Frames.optneg(6, 0x3f, 0x1fffff));
    send(Frames.macros('M', "{auth_authen}", "alice"));
    send(Frames.mail("<a@example.com>"));
    send(Frames.empty(SMFIC_ABORT));
    send(Frames.mail("<c@example.com>"));
    assertThat(handler.calls)
        .containsExactly("mail <a@example.com> user=alice", "abort", "mail <c@example.com> user=-");
  }

  @Test
  void messageCommandsOutsideATransaction_areRefused() throws Exception {
    send(Frames.optneg(6, 0x3f, 0x1fffff));
    assertThatThrownBy(() -> send(Frames.header("From", "x")))
        .hasMessageContaining("outside a transaction");
    assertThatThrownBy(() -> send(Frames.body(new byte[1])))
        .hasMessageContaining("outside a transaction");
    assertThatThrownBy(() -> send(Frames.rcpt("<b@example.org>")))
        .hasMessageContaining("outside a transaction");
    assertThatThrownBy(() -> send(Frames.empty(SMFIC_BODYEOB)))
        .hasMessageContaining("outside a transaction");
  }

  @Test
  void abortMidMessage_endsTheTransaction_andTheNextBodyIsRefused() throws Exception {
    send(Frames.optneg(6, 0x3f, 0x1fffff));
    send(Frames.mail("<a@example.com>"));
    send(Frames.header("Subject", "x"));
    send(Frames.body(new byte[10]));
    assertThat(send(Frames.empty(SMFIC_ABORT))).isEmpty();
    assertThat(handler.calls).endsWith("abort");
    assertThatThrownBy(() -> send(Frames.body(new byte[1])))
        .hasMessageContaining("outside a transaction");
  }

  @Test
  void handlerFailure_givesTheOnErrorResponse_notAnException() throws Exception {
    handler.failAt = new IllegalStateException("boom");
    handler.failStep = "mail";
    send(Frames.optneg(6, 0x3f, 0));
    assertThat(send(Frames.mail("<a@example.com>"))).containsExactly(MilterResponse.TEMPFAIL);
    handler.failStep = "eom";
    assertThat(send(Frames.empty(SMFIC_BODYEOB))).containsExactly(MilterResponse.TEMPFAIL);
  }

  @Test
  void closeWithoutQuit_endsTheSessionOnce() throws Exception {
    send(Frames.optneg(6, 0x3f, 0));
    send(Frames.mail("<a@example.com>"));
    session.close();
    session.close();
    assertThat(handler.calls).containsExactly("mail <a@example.com> user=-", "abort", "end");
    assertThatThrownBy(() -> send(Frames.helo("x"))).hasMessageContaining("after QUIT");
  }
}
