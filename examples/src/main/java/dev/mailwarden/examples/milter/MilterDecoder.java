package dev.mailwarden.examples.milter;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads milter frames from the MTA. The length field is checked against {@code maxFrame} before
 * anything is allocated, so a hostile length never becomes a large allocation; a frame cut short, a
 * malformed payload or an unknown command is a {@link MilterProtocolException}.
 */
public final class MilterDecoder {
  /** Default frame cap: a 64 KiB body chunk, or a header of Postfix's 100 KiB header_size_limit. */
  public static final int DEFAULT_MAX_FRAME = 256 * 1024;

  /** At most this many macros in one {@code SMFIC_MACRO} frame. */
  static final int MAX_MACROS = 128;

  private final int maxFrame;

  public MilterDecoder(int maxFrame) {
    if (maxFrame < 1024) {
      throw new IllegalArgumentException("maxFrame must be at least 1024: " + maxFrame);
    }
    this.maxFrame = maxFrame;
  }

  /** A raw frame: the command (or response) byte and its data. */
  public record Frame(byte code, byte[] data) {}

  /**
   * Reads one raw frame; empty at a clean end of stream (between frames).
   *
   * @throws MilterProtocolException when the length is zero or above the cap, or the stream ends
   *     inside a frame
   */
  public Optional<Frame> readFrame(InputStream in) throws IOException, MilterProtocolException {
    byte[] head = new byte[4];
    int n = in.readNBytes(head, 0, 4);
    if (n == 0) {
      return Optional.empty();
    }
    if (n < 4) {
      throw new MilterProtocolException(
          "stream ended inside a frame length (" + n + " of 4 bytes)");
    }
    long length =
        ((head[0] & 0xffL) << 24)
            | ((head[1] & 0xff) << 16)
            | ((head[2] & 0xff) << 8)
            | (head[3] & 0xff);
    if (length < 1) {
      throw new MilterProtocolException("frame length 0: no command byte");
    }
    if (length > maxFrame) {
      throw new MilterProtocolException(
          "frame length " + length + " is above the cap of " + maxFrame + " bytes");
    }
    int code = in.read();
    if (code < 0) {
      throw new MilterProtocolException("stream ended before the command byte");
    }
    int size = (int) length - 1;
    byte[] data = new byte[size];
    if (in.readNBytes(data, 0, size) < size) {
      throw new MilterProtocolException("stream ended inside a frame of " + length + " bytes");
    }
    return Optional.of(new Frame((byte) code, data));
  }

  /** Reads and decodes one command; empty at a clean end of stream. */
  public Optional<MilterRequest> read(InputStream in) throws IOException, MilterProtocolException {
    Optional<Frame> f = readFrame(in);
    return f.isEmpty() ? Optional.empty() : Optional.of(decode(f.get()));
  }

  /** Decodes a command frame. */
  public static MilterRequest decode(Frame frame) throws MilterProtocolException {
    byte[] d = frame.data();
    Cursor c = new Cursor(d, (char) frame.code());
    return switch (frame.code()) {
      case MilterProtocol.SMFIC_OPTNEG -> {
        if (d.length < 12) {
          throw new MilterProtocolException("option negotiation needs 12 bytes, got " + d.length);
        }
        yield new MilterRequest.OptionNegotiation(c.int32(), c.int32(), c.int32());
      }
      case MilterProtocol.SMFIC_MACRO -> {
        if (d.length < 1) {
          throw new MilterProtocolException("macro frame without a stage");
        }
        char stage = (char) (c.byte8() & 0xff);
        Map<String, String> values = new LinkedHashMap<>();
        while (c.hasMore()) {
          if (values.size() >= MAX_MACROS) {
            throw new MilterProtocolException("more than " + MAX_MACROS + " macros in one frame");
          }
          String name = c.string(StandardCharsets.UTF_8);
          if (!c.hasMore()) {
            throw new MilterProtocolException("macro " + name + " has no value");
          }
          values.put(name, c.string(StandardCharsets.UTF_8));
        }
        yield new MilterRequest.Macros(stage, values);
      }
      case MilterProtocol.SMFIC_CONNECT -> {
        String host = c.string(StandardCharsets.UTF_8);
        char family = (char) (c.byte8() & 0xff);
        if (family == 'U' || !c.hasMore()) {
          yield new MilterRequest.Connect(host, family, 0, "");
        }
        int port = c.int16();
        yield new MilterRequest.Connect(host, family, port, c.string(StandardCharsets.UTF_8));
      }
      case MilterProtocol.SMFIC_HELO -> new MilterRequest.Helo(c.string(StandardCharsets.UTF_8));
      case MilterProtocol.SMFIC_MAIL -> new MilterRequest.Mail(c.strings());
      case MilterProtocol.SMFIC_RCPT -> new MilterRequest.Rcpt(c.strings());
      case MilterProtocol.SMFIC_DATA -> new MilterRequest.Data();
      case MilterProtocol.SMFIC_HEADER ->
          new MilterRequest.Header(
              c.string(StandardCharsets.ISO_8859_1), c.string(StandardCharsets.ISO_8859_1));
      case MilterProtocol.SMFIC_EOH -> new MilterRequest.EndOfHeaders();
      case MilterProtocol.SMFIC_BODY -> new MilterRequest.BodyChunk(d);
      case MilterProtocol.SMFIC_BODYEOB -> new MilterRequest.EndOfMessage(d);
      case MilterProtocol.SMFIC_ABORT -> new MilterRequest.Abort();
      case MilterProtocol.SMFIC_QUIT -> new MilterRequest.Quit();
      case MilterProtocol.SMFIC_QUIT_NC -> new MilterRequest.QuitNewConnection();
      case MilterProtocol.SMFIC_UNKNOWN ->
          new MilterRequest.Unknown(c.string(StandardCharsets.UTF_8));
      default ->
          throw new MilterProtocolException(
              "unknown command 0x" + Integer.toHexString(frame.code() & 0xff));
    };
  }

  /** Reads the fields of one frame's data; every read is checked against the data's end. */
  private static final class Cursor {
    private final byte[] d;
    private final char command;
    private int pos;

    Cursor(byte[] d, char command) {
      this.d = d;
      this.command = command;
    }

    boolean hasMore() {
      return pos < d.length;
    }

    byte byte8() throws MilterProtocolException {
      need(1);
      return d[pos++];
    }

    int int16() throws MilterProtocolException {
      need(2);
      int v = ((d[pos] & 0xff) << 8) | (d[pos + 1] & 0xff);
      pos += 2;
      return v;
    }

    int int32() throws MilterProtocolException {
      need(4);
      int v =
          ((d[pos] & 0xff) << 24)
              | ((d[pos + 1] & 0xff) << 16)
              | ((d[pos + 2] & 0xff) << 8)
              | (d[pos + 3] & 0xff);
      pos += 4;
      return v;
    }

    String string(Charset cs) throws MilterProtocolException {
      int end = pos;
      while (end < d.length && d[end] != 0) {
        end++;
      }
      if (end == d.length) {
        throw new MilterProtocolException("command '" + command + "': string not NUL-terminated");
      }
      String s = new String(d, pos, end - pos, cs);
      pos = end + 1;
      return s;
    }

    List<String> strings() throws MilterProtocolException {
      List<String> out = new ArrayList<>();
      do {
        out.add(string(StandardCharsets.UTF_8));
      } while (hasMore());
      return out;
    }

    private void need(int n) throws MilterProtocolException {
      if (d.length - pos < n) {
        throw new MilterProtocolException("command '" + command + "': data ends early");
      }
    }
  }
}
