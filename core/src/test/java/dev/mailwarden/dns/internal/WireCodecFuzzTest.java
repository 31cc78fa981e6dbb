package dev.mailwarden.dns.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsRecord;
import dev.mailwarden.dns.DnsStatus;
import dev.mailwarden.dns.RecordType;
import java.io.IOException;
import java.util.EnumSet;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * DNS responses are bytes from the network. This decodes them the way {@code NioTransport} does
 * (dnsjava's parser, whose exceptions the transport turns into SERVFAIL) and then feeds every
 * decodable response that matches its own question to {@link WireCodec#toAnswer}, which must not
 * throw and must give an answer for the name and type asked. The transport's fast path ({@link
 * WireCodec#fastAnswer}) must either decline a response or give exactly that answer. In the normal
 * build it runs over the seeds in {@code WireCodecFuzzTestInputs/}; with {@code JAZZER_FUZZ=1} it
 * fuzzes.
 */
class WireCodecFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void response_decodesToAnAnswerForTheQuestion(byte[] wire) {
    assertThat(WireCodec.id(wire, wire.length)).isBetween(-1, 0xffff);
    Message response;
    try {
      response = WireCodec.parse(wire.clone(), wire.length);
    } catch (IOException | RuntimeException malformed) {
      // NioTransport catches exactly these and treats the reply as malformed (SERVFAIL, next
      // server). A TTL with the top bit set is read as zero first (seed ttl-high-bit).
      // The fast path must leave such a reply to this path, for whatever question it is asked.
      for (RecordType t : FAST_TYPES) {
        assertThat(WireCodec.fastAnswer(wire, wire.length, new byte[] {0}, t, ".")).isNull();
        byte[] asked = questionName(wire);
        if (asked != null) {
          assertThat(WireCodec.fastAnswer(wire, wire.length, asked, t, "x")).isNull();
        }
      }
      return;
    }
    Record q = response.getQuestion();
    if (q == null) {
      return;
    }
    RecordType type;
    try {
      type = RecordType.fromCode(q.getType());
    } catch (IllegalArgumentException notAsked) {
      return; // we never ask for this type, so the transport ignores the response
    }
    Name qname = q.getName();
    String asked = WireCodec.text(qname);
    boolean matches = WireCodec.answersQuestion(response, qname, type);
    DnsAnswer fast = WireCodec.fastAnswer(wire, wire.length, qname.toWire(), type, asked);
    if (!matches) {
      assertThat(fast).as("fast path on a reply to another question").isNull();
      return;
    }
    if (WireCodec.isTruncated(response)) {
      assertThat(fast).as("fast path on a truncated reply").isNull();
    }
    DnsAnswer answer = WireCodec.toAnswer(asked, qname, type, response);
    if (fast != null) {
      // the fast path may decline anything, but what it answers is what dnsjava's path gives
      assertThat(fast).isEqualTo(answer);
      assertThat(fast.toString()).isEqualTo(answer.toString());
      assertThat(fast.addresses().toString()).isEqualTo(answer.addresses().toString());
    }
    assertThat(answer.name()).isNotNull();
    assertThat(answer.type()).isEqualTo(type);
    assertThat(answer.status()).isIn(EnumSet.allOf(DnsStatus.class));
    assertThat(answer.ttlSeconds()).isNotNegative();
    if (answer.isSuccess()) {
      assertThat(answer.records()).isNotEmpty();
      for (DnsRecord r : answer.records()) {
        boolean addressType = type == RecordType.A || type == RecordType.AAAA;
        assertThat(addressType ? r instanceof DnsRecord.Address : r.type() == type)
            .as("record %s for a %s question", r, type)
            .isTrue();
      }
    } else {
      assertThat(answer.records()).isEmpty();
    }
    assertThat(answer.toString()).isNotEmpty();
  }

  private static final RecordType[] FAST_TYPES = {RecordType.A, RecordType.AAAA, RecordType.TXT};

  /** The uncompressed question name at offset 12, or null. */
  private static byte[] questionName(byte[] wire) {
    int p = 12;
    while (p < wire.length) {
      int len = wire[p] & 0xff;
      if (len == 0) {
        return java.util.Arrays.copyOfRange(wire, 12, p + 1);
      }
      if (len > 63) {
        return null;
      }
      p += 1 + len;
    }
    return null;
  }
}
