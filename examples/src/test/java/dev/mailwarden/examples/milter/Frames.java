package dev.mailwarden.examples.milter;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Encodes MTA-side milter frames for tests (what Postfix or miltertest would send). */
final class Frames {
  private Frames() {}

  static byte[] frame(byte code, byte[] data) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int len = data.length + 1;
    b.write(len >>> 24);
    b.write(len >>> 16);
    b.write(len >>> 8);
    b.write(len);
    b.write(code);
    b.writeBytes(data);
    return b.toByteArray();
  }

  static byte[] optneg(int version, int actions, int protocol) {
    byte[] d = new byte[12];
    put(d, 0, version);
    put(d, 4, actions);
    put(d, 8, protocol);
    return frame(MilterProtocol.SMFIC_OPTNEG, d);
  }

  static byte[] macros(char stage, String... nameValues) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(stage);
    for (String s : nameValues) {
      cstring(b, s, StandardCharsets.UTF_8);
    }
    return frame(MilterProtocol.SMFIC_MACRO, b.toByteArray());
  }

  static byte[] connect(String host, char family, int port, String address) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    cstring(b, host, StandardCharsets.UTF_8);
    b.write(family);
    b.write(port >>> 8);
    b.write(port);
    cstring(b, address, StandardCharsets.UTF_8);
    return frame(MilterProtocol.SMFIC_CONNECT, b.toByteArray());
  }

  static byte[] strings(byte code, String... strings) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (String s : strings) {
      cstring(
          b,
          s,
          code == MilterProtocol.SMFIC_HEADER
              ? StandardCharsets.ISO_8859_1
              : StandardCharsets.UTF_8);
    }
    return frame(code, b.toByteArray());
  }

  static byte[] helo(String name) {
    return strings(MilterProtocol.SMFIC_HELO, name);
  }

  static byte[] mail(String... args) {
    return strings(MilterProtocol.SMFIC_MAIL, args);
  }

  static byte[] rcpt(String... args) {
    return strings(MilterProtocol.SMFIC_RCPT, args);
  }

  static byte[] header(String name, String value) {
    return strings(MilterProtocol.SMFIC_HEADER, name, value);
  }

  static byte[] empty(byte code) {
    return frame(code, new byte[0]);
  }

  static byte[] body(byte[] chunk) {
    return frame(MilterProtocol.SMFIC_BODY, chunk);
  }

  private static void cstring(ByteArrayOutputStream b, String s, java.nio.charset.Charset cs) {
    b.writeBytes(s.getBytes(cs));
    b.write(0);
  }

  private static void put(byte[] d, int at, int v) {
    d[at] = (byte) (v >>> 24);
    d[at + 1] = (byte) (v >>> 16);
    d[at + 2] = (byte) (v >>> 8);
    d[at + 3] = (byte) v;
  }

  static int int32(byte[] d, int at) {
    return ((d[at] & 0xff) << 24)
        | ((d[at + 1] & 0xff) << 16)
        | ((d[at + 2] & 0xff) << 8)
        | (d[at + 3] & 0xff);
  }
}
