package dev.mailwarden.examples.milter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MilterDecoderTest {
  private final MilterDecoder decoder = new MilterDecoder(MilterDecoder.DEFAULT_MAX_FRAME);

  private MilterRequest decode(byte[] frame) throws Exception {
    return decoder.read(new ByteArrayInputStream(frame)).orElseThrow();
  }

  @Test
  void optionNegotiation_readsVersionActionsAndSteps() throws Exception {
    assertThat(decode(Frames.optneg(6, 0x1ff, 0x1fffff)))
        .isEqualTo(new MilterRequest.OptionNegotiation(6, 0x1ff, 0x1fffff));
  }

  @Test
  void macros_keepStageNamesAndValues() throws Exception {
    MilterRequest.Macros m =
        (MilterRequest.Macros) decode(Frames.macros('M', "{auth_authen}", "alice", "i", "4XyZ"));
    assertThat(m.stage()).isEqualTo('M');
    assertThat(m.values()).containsEntry("{auth_authen}", "alice").containsEntry("i", "4XyZ");
  }

  @Test
  void connect_ipv4_andUnknownFamilyWithoutAddress() throws Exception {
    assertThat(decode(Frames.connect("mail.example.com", '4', 25025, "192.0.2.1")))
        .isEqualTo(new MilterRequest.Connect("mail.example.com", '4', 25025, "192.0.2.1"));
    byte[] unknown =
        Frames.frame(
            MilterProtocol.SMFIC_CONNECT, "unknown\0U".getBytes(StandardCharsets.US_ASCII));
    assertThat(decode(unknown)).isEqualTo(new MilterRequest.Connect("unknown", 'U', 0, ""));
  }

  @Test
  void envelopeAndHeader_keepEveryArgument_andHeaderBytesExactly() throws Exception {
    assertThat(decode(Frames.mail("<a@example.com>", "SIZE=100", "BODY=8BITMIME")))
        .isEqualTo(
            new MilterRequest.Mail(
                java.util.List.of("<a@example.com>", "SIZE=100", "BODY=8BITMIME")));
    byte[] value = {' ', 'c', (byte) 0xe9, '\n', '\t', 'x'};
    byte[] frame =
        Frames.frame(
            MilterProtocol.SMFIC_HEADER,
            concat("Subject\0".getBytes(StandardCharsets.US_ASCII), value, new byte[] {0}));
    MilterRequest.Header h = (MilterRequest.Header) decode(frame);
    assertThat(h.name()).isEqualTo("Subject");
    assertThat(h.value().getBytes(StandardCharsets.ISO_8859_1)).isEqualTo(value);
  }

  @Test
  void bodyChunk_andEndOfMessage_carryTheirBytes() throws Exception {
    byte[] chunk = "line one\r\nline two\r\n".getBytes(StandardCharsets.US_ASCII);
    assertThat(((MilterRequest.BodyChunk) decode(Frames.body(chunk))).bytes()).isEqualTo(chunk);
    assertThat(
            ((MilterRequest.EndOfMessage) decode(Frames.empty(MilterProtocol.SMFIC_BODYEOB)))
                .lastChunk())
        .isEmpty();
    assertThat(decode(Frames.empty(MilterProtocol.SMFIC_ABORT)))
        .isInstanceOf(MilterRequest.Abort.class);
    assertThat(decode(Frames.empty(MilterProtocol.SMFIC_QUIT)))
        .isInstanceOf(MilterRequest.Quit.class);
    assertThat(decode(Frames.empty(MilterProtocol.SMFIC_QUIT_NC)))
        .isInstanceOf(MilterRequest.QuitNewConnection.class);
  }

  @Test
  void severalFramesInOneStream_thenCleanEnd_isEmpty() throws Exception {
    InputStream in =
        new ByteArrayInputStream(
            concat(Frames.helo("a.example"), Frames.empty(MilterProtocol.SMFIC_EOH)));
    assertThat(decoder.read(in)).contains(new MilterRequest.Helo("a.example"));
    assertThat(decoder.read(in)).containsInstanceOf(MilterRequest.EndOfHeaders.class);
    assertThat(decoder.read(in)).isEmpty();
  }

  // hostile twins

  @Test
  void hostileLength_2GiB_isRefusedBeforeAnyAllocation() {
    // 0x7fffffff announced, 5 bytes present: reading must fail on the cap, not try to allocate 2
    // GiB
    byte[] frame = {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 'B'};
    long before = allocated();
    assertThatThrownBy(() -> decode(frame))
        .isInstanceOf(MilterProtocolException.class)
        .hasMessageContaining("above the cap");
    assertThat(allocated() - before).isLessThan(1 << 20);
  }

  @Test
  void hostileLength_justOverTheCap_isRefused_andAtTheCapIsRead() throws Exception {
    MilterDecoder small = new MilterDecoder(4096);
    byte[] over = Frames.body(new byte[4096]); // length 4097
    assertThatThrownBy(() -> small.read(new ByteArrayInputStream(over)))
        .hasMessageContaining("4097 is above the cap of 4096");
    byte[] at = Frames.body(new byte[4095]);
    assertThat(small.read(new ByteArrayInputStream(at))).isPresent();
  }

  @Test
  void zeroLength_isRefused() {
    assertThatThrownBy(() -> decode(new byte[] {0, 0, 0, 0})).hasMessageContaining("length 0");
  }

  @Test
  void truncatedFrames_areRefused_atEveryCut() {
    byte[] whole = Frames.mail("<a@example.com>", "SIZE=10");
    for (int cut = 1; cut < whole.length; cut++) {
      byte[] part = Arrays.copyOf(whole, cut);
      assertThatThrownBy(() -> decoder.read(new ByteArrayInputStream(part)))
          .as("cut at %d", cut)
          .isInstanceOf(MilterProtocolException.class)
          .hasMessageContaining("ended");
    }
  }

  @Test
  void unknownCommand_isRefused() {
    assertThatThrownBy(() -> decode(Frames.frame((byte) 'Z', new byte[0])))
        .hasMessageContaining("unknown command 0x5a");
  }

  @Test
  void malformedPayloads_areRefused() {
    assertThatThrownBy(
            () ->
                decode(
                    Frames.frame(
                        MilterProtocol.SMFIC_HELO, "no-nul".getBytes(StandardCharsets.US_ASCII))))
        .hasMessageContaining("not NUL-terminated");
    assertThatThrownBy(() -> decode(Frames.frame(MilterProtocol.SMFIC_OPTNEG, new byte[8])))
        .hasMessageContaining("12 bytes");
    assertThatThrownBy(
            () ->
                decode(
                    Frames.frame(
                        MilterProtocol.SMFIC_CONNECT,
                        "h\0004\0".getBytes(StandardCharsets.US_ASCII))))
        .hasMessageContaining("ends early");
    assertThatThrownBy(() -> decode(Frames.macros('C', "lonely"))).hasMessageContaining("no value");
    assertThatThrownBy(() -> decode(Frames.frame(MilterProtocol.SMFIC_MAIL, new byte[0])))
        .hasMessageContaining("NUL");
    assertThatThrownBy(() -> decode(Frames.frame(MilterProtocol.SMFIC_MACRO, new byte[0])))
        .hasMessageContaining("stage");
  }

  @Test
  void tooManyMacros_areRefused() {
    String[] many = new String[2 * (MilterDecoder.MAX_MACROS + 1)];
    for (int i = 0; i < many.length; i++) {
      many[i] = "m" + i;
    }
    assertThatThrownBy(() -> decode(Frames.macros('C', many)))
        .hasMessageContaining("more than " + MilterDecoder.MAX_MACROS);
  }

  @Test
  void responses_encodeLengthCodeAndNulTerminatedStrings() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    MilterResponse.changeHeader(2, "Authentication-Results", "").writeTo(out);
    byte[] b = out.toByteArray();
    assertThat(Frames.int32(b, 0)).isEqualTo(b.length - 4);
    assertThat((char) b[4]).isEqualTo('m');
    assertThat(Frames.int32(b, 5)).isEqualTo(2);
    assertThat(new String(b, 9, b.length - 9, StandardCharsets.US_ASCII))
        .isEqualTo("Authentication-Results\0\0");
    out.reset();
    MilterResponse.reply(dev.mailwarden.SmtpReply.of(550, "5.7.1", "100% spam")).writeTo(out);
    assertThat(new String(out.toByteArray(), 5, out.size() - 5, StandardCharsets.US_ASCII))
        .isEqualTo("550 5.7.1 100%% spam\0");
    assertThatThrownBy(() -> MilterResponse.addHeader("X", "a\0b"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void decoder_refusesAUselessCap() {
    assertThatThrownBy(() -> new MilterDecoder(10)).isInstanceOf(IllegalArgumentException.class);
  }

  private static long allocated() {
    return ((com.sun.management.ThreadMXBean)
            java.lang.management.ManagementFactory.getThreadMXBean())
        .getThreadAllocatedBytes(Thread.currentThread().getId());
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      b.writeBytes(p);
    }
    return b.toByteArray();
  }
}
