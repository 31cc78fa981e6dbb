package dev.mailwarden.dns.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsStatus;
import dev.mailwarden.dns.RecordType;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Section;

class WireCodecTest {

  /** A reply for 192.0.2.1 whose answer TTL is 0x8000012C (top bit set), as raw bytes. */
  private static byte[] replyWithHighBitTtl(Name qname) throws Exception {
    Message reply = new Message(WireCodec.id(WireCodec.query(qname, RecordType.A, 4242), 12));
    reply.getHeader().setFlag(org.xbill.DNS.Flags.QR);
    reply.addRecord(
        org.xbill.DNS.Record.newRecord(qname, org.xbill.DNS.Type.A, DClass.IN), Section.QUESTION);
    reply.addRecord(
        new ARecord(qname, DClass.IN, 300, InetAddress.getByName("192.0.2.1")), Section.ANSWER);
    byte[] wire = reply.toWire();
    int ttlAt = indexOf(wire, new byte[] {0, 0, 1, 0x2c}); // 300
    wire[ttlAt] = (byte) 0x80;
    return wire;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }

  @Test
  void ttlWithTopBitSet_isReadAsZero_rfc2181() throws Exception {
    Name qname = Name.fromString("host.example.");
    byte[] wire = replyWithHighBitTtl(qname);
    assertThat(
            new Message(ByteBuffer.wrap(wire.clone())).getSection(Section.ANSWER).get(0).getTTL())
        .as("dnsjava alone reads it as 68 years")
        .isEqualTo(0x8000012CL);

    Message parsed = WireCodec.parse(wire, wire.length);
    DnsAnswer answer = WireCodec.toAnswer("host.example", qname, RecordType.A, parsed);

    assertThat(answer.status()).isEqualTo(DnsStatus.NOERROR);
    assertThat(answer.addresses()).containsExactly(InetAddress.getByName("192.0.2.1"));
    assertThat(answer.ttlSeconds()).isZero();
  }

  @Test
  void ordinaryTtls_areLeftAlone() throws Exception {
    Name qname = Name.fromString("host.example.");
    Message reply = new Message(7);
    reply.getHeader().setFlag(org.xbill.DNS.Flags.QR);
    reply.addRecord(
        org.xbill.DNS.Record.newRecord(qname, org.xbill.DNS.Type.A, DClass.IN), Section.QUESTION);
    reply.addRecord(
        new ARecord(qname, DClass.IN, 300, InetAddress.getByName("192.0.2.1")), Section.ANSWER);
    byte[] wire = reply.toWire();
    byte[] before = wire.clone();

    Message parsed = WireCodec.parse(wire, wire.length);

    assertThat(wire).isEqualTo(before);
    assertThat(parsed.getSection(Section.ANSWER).get(0).getTTL()).isEqualTo(300);
  }
}
