package dev.mailwarden.examples.milter;

import dev.mailwarden.SmtpReply;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** One response frame to the MTA: a response code and its data. */
public record MilterResponse(byte code, byte[] data) {
  private static final byte[] NONE = new byte[0];

  public static final MilterResponse CONTINUE =
      new MilterResponse(MilterProtocol.SMFIR_CONTINUE, NONE);
  public static final MilterResponse ACCEPT = new MilterResponse(MilterProtocol.SMFIR_ACCEPT, NONE);
  public static final MilterResponse REJECT = new MilterResponse(MilterProtocol.SMFIR_REJECT, NONE);
  public static final MilterResponse TEMPFAIL =
      new MilterResponse(MilterProtocol.SMFIR_TEMPFAIL, NONE);

  /** The milter's side of option negotiation. */
  public static MilterResponse optionNegotiation(int version, int actions, int protocol) {
    byte[] d = new byte[12];
    putInt(d, 0, version);
    putInt(d, 4, actions);
    putInt(d, 8, protocol);
    return new MilterResponse(MilterProtocol.SMFIR_OPTNEG, d);
  }

  /** {@code SMFIR_REPLYCODE}: reject or defer with this SMTP reply (text already sanitized). */
  public static MilterResponse reply(SmtpReply reply) {
    // the MTA formats the text with printf-like rules: a lone % would be read as a directive
    String text =
        reply.code() + " " + reply.enhancedStatus() + " " + reply.text().replace("%", "%%");
    return new MilterResponse(MilterProtocol.SMFIR_REPLYCODE, cstrings(text));
  }

  /** {@code SMFIR_ADDHEADER}: append a header field. */
  public static MilterResponse addHeader(String name, String value) {
    return new MilterResponse(MilterProtocol.SMFIR_ADDHEADER, cstrings(name, value));
  }

  /** {@code SMFIR_INSHEADER}: insert a header field at {@code index} (0 is the top). */
  public static MilterResponse insertHeader(int index, String name, String value) {
    return new MilterResponse(MilterProtocol.SMFIR_INSHEADER, indexed(index, name, value));
  }

  /**
   * {@code SMFIR_CHGHEADER}: change the {@code index}-th (1-based) field of that name; an empty
   * value deletes it.
   */
  public static MilterResponse changeHeader(int index, String name, String value) {
    return new MilterResponse(MilterProtocol.SMFIR_CHGHEADER, indexed(index, name, value));
  }

  /** {@code SMFIR_QUARANTINE}: hold the message in the MTA's quarantine with this reason. */
  public static MilterResponse quarantine(String reason) {
    return new MilterResponse(MilterProtocol.SMFIR_QUARANTINE, cstrings(reason));
  }

  /** Writes the frame (not flushed). */
  public void writeTo(OutputStream out) throws IOException {
    byte[] head = new byte[5];
    putInt(head, 0, data.length + 1);
    head[4] = code;
    out.write(head);
    out.write(data);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MilterResponse r && r.code == code && java.util.Arrays.equals(r.data, data);
  }

  @Override
  public int hashCode() {
    return 31 * code + java.util.Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("MilterResponse['").append((char) code).append('\'');
    if (data.length > 0) {
      b.append(", ").append(new String(data, StandardCharsets.ISO_8859_1).replace('\0', '|'));
    }
    return b.append(']').toString();
  }

  private static byte[] indexed(int index, String name, String value) {
    byte[] strings = cstrings(name, value);
    byte[] d = new byte[4 + strings.length];
    putInt(d, 0, index);
    System.arraycopy(strings, 0, d, 4, strings.length);
    return d;
  }

  private static byte[] cstrings(String... strings) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (String s : strings) {
      if (s.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("NUL inside a milter string");
      }
      b.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
      b.write(0);
    }
    return b.toByteArray();
  }

  private static void putInt(byte[] d, int at, int v) {
    d[at] = (byte) (v >>> 24);
    d[at + 1] = (byte) (v >>> 16);
    d[at + 2] = (byte) (v >>> 8);
    d[at + 3] = (byte) v;
  }
}
