package dev.mailwarden.examples.milter;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The MTA side of the milter protocol over TCP, for tests: what Postfix does, in a few lines. */
final class MilterTestClient implements AutoCloseable {
  private static final String FINAL = "cartyd";

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final MilterDecoder decoder = new MilterDecoder(1 << 20);
  int actions;
  int protocol;

  MilterTestClient(int port) throws IOException {
    socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    socket.setSoTimeout(20_000);
    in = new BufferedInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  /** Offers every action and step, as Postfix does, and records what the milter asked for. */
  MilterTestClient negotiate() throws IOException {
    send(Frames.optneg(6, 0x1ff, 0x1fffff));
    MilterDecoder.Frame f = readFrame().orElseThrow();
    if (f.code() != 'O') {
      throw new IllegalStateException("expected an option negotiation, got " + (char) f.code());
    }
    actions = Frames.int32(f.data(), 4);
    protocol = Frames.int32(f.data(), 8);
    return this;
  }

  void send(byte[] frame) throws IOException {
    out.write(frame);
    out.flush();
  }

  /**
   * Sends a command and reads responses up to the final one, unless {@code noReplyFlag} was
   * negotiated.
   */
  List<MilterResponse> call(byte[] frame, int noReplyFlag) throws IOException {
    send(frame);
    if ((protocol & noReplyFlag) != 0) {
      return List.of();
    }
    return readUntilFinal();
  }

  List<MilterResponse> readUntilFinal() throws IOException {
    List<MilterResponse> got = new ArrayList<>();
    while (true) {
      MilterDecoder.Frame f =
          readFrame().orElseThrow(() -> new IOException("milter closed the connection"));
      MilterResponse r = new MilterResponse(f.code(), f.data());
      got.add(r);
      if (FINAL.indexOf((char) f.code()) >= 0) {
        return got;
      }
    }
  }

  Optional<MilterDecoder.Frame> readFrame() throws IOException {
    try {
      return decoder.readFrame(in);
    } catch (MilterProtocolException e) {
      throw new IOException(e.getMessage());
    }
  }

  /** Connect and HELO as Postfix sends them. */
  void connect(String ip, String helo) throws IOException {
    send(Frames.macros('C', "j", "mx.test.example", "{daemon_name}", "smtpd"));
    call(
        Frames.connect("unknown", ip.contains(":") ? '6' : '4', 40000, ip),
        MilterProtocol.SMFIP_NR_CONN);
    call(Frames.helo(helo), MilterProtocol.SMFIP_NR_HELO);
  }

  /**
   * MAIL with optional {auth_authen}; returns nothing (MAIL is not answered when negotiated away).
   */
  List<MilterResponse> mail(String from, String user) throws IOException {
    if (user != null) {
      send(Frames.macros('M', "i", "QID" + System.nanoTime(), "{auth_authen}", user));
    } else {
      send(Frames.macros('M', "i", "QID" + System.nanoTime()));
    }
    return call(Frames.mail("<" + from + ">"), MilterProtocol.SMFIP_NR_MAIL);
  }

  List<MilterResponse> rcpt(String to) throws IOException {
    return call(Frames.rcpt("<" + to + ">"), MilterProtocol.SMFIP_NR_RCPT);
  }

  /** Headers one frame each (values keep their leading space: SMFIP_HDR_LEADSPC), then EOH. */
  List<MilterResponse> headers(byte[] raw) throws IOException {
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    String head = text.substring(0, end + 2);
    for (String field : head.split("\r\n(?![ \t])")) {
      if (field.isEmpty()) {
        continue;
      }
      int colon = field.indexOf(':');
      String value = field.substring(colon + 1).replace("\r\n", "\n");
      if ((protocol & MilterProtocol.SMFIP_HDR_LEADSPC) == 0 && value.startsWith(" ")) {
        value = value.substring(1);
      }
      List<MilterResponse> r =
          call(Frames.header(field.substring(0, colon), value), MilterProtocol.SMFIP_NR_HDR);
      if (!r.isEmpty() && r.get(r.size() - 1).code() != MilterProtocol.SMFIR_CONTINUE) {
        return r;
      }
    }
    return call(Frames.empty(MilterProtocol.SMFIC_EOH), MilterProtocol.SMFIP_NR_EOH);
  }

  /** The body of a raw message, in chunks of at most {@code chunk} bytes. */
  void body(byte[] raw, int chunk) throws IOException {
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    int start = text.indexOf("\r\n\r\n") + 4;
    for (int i = start; i < raw.length; i += chunk) {
      byte[] part = java.util.Arrays.copyOfRange(raw, i, Math.min(raw.length, i + chunk));
      call(Frames.body(part), MilterProtocol.SMFIP_NR_BODY);
    }
  }

  List<MilterResponse> endOfMessage() throws IOException {
    return call(Frames.empty(MilterProtocol.SMFIC_BODYEOB), 0);
  }

  /** A whole message after MAIL and RCPT: headers, body chunks, end of message. */
  List<MilterResponse> message(byte[] raw) throws IOException {
    List<MilterResponse> h = headers(raw);
    if (!h.isEmpty() && h.get(h.size() - 1).code() != MilterProtocol.SMFIR_CONTINUE) {
      return h;
    }
    body(raw, MilterProtocol.CHUNK_SIZE);
    return endOfMessage();
  }

  void quit() throws IOException {
    send(Frames.empty(MilterProtocol.SMFIC_QUIT));
  }

  /** True when the milter closed the connection (end of stream within the socket timeout). */
  boolean closedByMilter() throws IOException {
    try {
      return in.read() < 0;
    } catch (java.net.SocketException e) {
      return true;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  static String text(MilterResponse r) {
    return new String(r.data(), StandardCharsets.ISO_8859_1);
  }
}
