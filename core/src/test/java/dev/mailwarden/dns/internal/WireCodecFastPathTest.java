package dev.mailwarden.dns.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsStatus;
import dev.mailwarden.dns.RecordType;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * The transport's own encoding of names and queries gives dnsjava's bytes, and its fast path for
 * replies ({@link WireCodec#fastAnswer}) either declines a reply or gives exactly the answer that
 * dnsjava's path (parse, question check, truncation, {@link WireCodec#toAnswer}) gives: on everyday
 * replies, on edge cases, and on many thousands of corrupted ones.
 */
class WireCodecFastPathTest {

  // ------------------------------------------------------------------ names and queries

  private static byte[] dnsjavaNameWire(String name) {
    Name n = WireCodec.absoluteName(name);
    return n == null ? null : n.toWire();
  }

  @Test
  void nameWire_isDnsjavasEncoding_includingEveryInvalidName() {
    List<String> names =
        new ArrayList<>(
            List.of(
                ".",
                "@",
                "example.com",
                "EXAMPLE.Com",
                "2.0.0.127.zen.spamhaus.org",
                "_dmarc.example.com",
                "*.example",
                "a.",
                "a..",
                "..",
                ".a",
                "a..b",
                "a b.example",
                "a\\.b.example",
                "a\\065.example",
                "a\\",
                "\u00e9t\u00e9.example",
                "x.\u0100.example",
                "tab\t.example",
                "a-b.c_d.e/f.example",
                "a@b.example",
                "(paren).example"));
    names.add("a".repeat(63) + ".example");
    names.add("a".repeat(64) + ".example");
    names.add("example." + "b".repeat(63));
    names.add("example." + "b".repeat(64));
    // total length around the 255-octet limit: 4 labels of 63 = 256 octets with the root
    String l63 = "c".repeat(63);
    names.add(l63 + "." + l63 + "." + l63 + "." + "c".repeat(61)); // 255
    names.add(l63 + "." + l63 + "." + l63 + "." + "c".repeat(62)); // 256
    names.add(l63 + "." + l63 + "." + l63 + "." + "c".repeat(61) + ".");
    Random random = new Random(18);
    String alphabet = "ab.Z9-_.\\.* \u00e9";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder sb = new StringBuilder();
      int n = 1 + random.nextInt(i % 50 == 0 ? 300 : 20);
      for (int j = 0; j < n; j++) {
        sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      names.add(sb.toString());
    }

    int valid = 0;
    for (String name : names) {
      byte[] expected = dnsjavaNameWire(name);
      assertThat(WireCodec.nameWire(name)).as(name).isEqualTo(expected);
      if (expected != null) {
        valid++;
      }
    }
    assertThat(valid).as("valid names among the samples").isGreaterThan(1_000);
  }

  @Test
  void query_isDnsjavasMessage_forEveryTypeAndId() throws Exception {
    Random random = new Random(5452);
    for (String name : List.of(".", "example.com", "Mixed.Case.example", "a\\032b.example")) {
      byte[] wire = WireCodec.nameWire(name);
      for (RecordType type : RecordType.values()) {
        int id = random.nextInt(65_536);
        assertThat(WireCodec.query(wire, type, id))
            .as("%s %s", name, type)
            .isEqualTo(WireCodec.query(Name.fromString(name, Name.root), type, id));
      }
    }
  }

  // ------------------------------------------------------------------ replies

  private static Name n(String s) throws IOException {
    return Name.fromString(s, Name.root);
  }

  private static Message reply(String qname, int type, int rcode) throws IOException {
    Message m = new Message(4242);
    m.getHeader().setFlag(Flags.QR);
    m.getHeader().setFlag(Flags.RD);
    m.getHeader().setFlag(Flags.RA);
    m.getHeader().setRcode(rcode);
    m.addRecord(Record.newRecord(n(qname), type, DClass.IN), Section.QUESTION);
    return m;
  }

  private static SOARecord soa(String zone, long ttl, long minimum) throws IOException {
    return new SOARecord(
        n(zone), DClass.IN, ttl, n("ns." + zone), n("hostmaster." + zone), 1, 2, 3, 4, minimum);
  }

  /** Everyday replies and edge cases, each with the question it answers. */
  private static List<Case> cases() throws IOException {
    List<Case> cases = new ArrayList<>();
    InetAddress a1 = InetAddress.getByName("127.0.0.2");
    InetAddress a2 = InetAddress.getByName("127.0.0.10");

    Message listed = reply("2.0.0.127.bl.example", Type.A, Rcode.NOERROR);
    listed.addRecord(new ARecord(n("2.0.0.127.bl.example"), DClass.IN, 300, a1), Section.ANSWER);
    listed.addRecord(new ARecord(n("2.0.0.127.bl.example"), DClass.IN, 60, a2), Section.ANSWER);
    listed.addRecord(new NSRecord(n("bl.example"), DClass.IN, 300, n("ns.bl.example")), 2);
    listed.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
    cases.add(new Case("dnsbl listed, NS, OPT", listed, "2.0.0.127.bl.example", RecordType.A));

    Message nx = reply("1.0.0.10.bl.example", Type.A, Rcode.NXDOMAIN);
    nx.addRecord(soa("bl.example", 3600, 300), Section.AUTHORITY);
    nx.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
    cases.add(new Case("nxdomain with SOA", nx, "1.0.0.10.bl.example", RecordType.A));

    Message nxBare = reply("1.0.0.10.bl.example", Type.A, Rcode.NXDOMAIN);
    cases.add(new Case("nxdomain without SOA", nxBare, "1.0.0.10.bl.example", RecordType.A));

    Message nodata = reply("example.com", Type.AAAA, Rcode.NOERROR);
    nodata.addRecord(soa("example.com", 60, 3600), Section.AUTHORITY);
    cases.add(new Case("nodata", nodata, "example.com", RecordType.AAAA));

    Message aaaa = reply("Host.Example.COM", Type.AAAA, Rcode.NOERROR);
    aaaa.addRecord(
        new AAAARecord(n("host.example.com"), DClass.IN, 30, InetAddress.getByName("2001:db8::1")),
        Section.ANSWER);
    aaaa.addRecord(
        new AAAARecord(n("HOST.example.com"), DClass.IN, 20, InetAddress.getByName("2001:db8::2")),
        Section.ANSWER);
    cases.add(new Case("aaaa, case differs", aaaa, "host.example.com", RecordType.AAAA));

    Message txt = reply("example.com", Type.TXT, Rcode.NOERROR);
    txt.addRecord(
        new TXTRecord(
            n("example.com"), DClass.IN, 300, List.of("v=spf1 ", "ip4:192.0.2.0/24 -all")),
        Section.ANSWER);
    txt.addRecord(new TXTRecord(n("example.com"), DClass.IN, 200, ""), Section.ANSWER);
    txt.addRecord(
        new TXTRecord(n("example.com"), DClass.IN, 100, "caf\u00e9 \"q\" ; \\"), Section.ANSWER);
    cases.add(new Case("txt, several strings", txt, "example.com", RecordType.TXT));

    Message chain = reply("www.example.com", Type.A, Rcode.NOERROR);
    chain.addRecord(
        new CNAMERecord(n("www.example.com"), DClass.IN, 600, n("web.example.net")),
        Section.ANSWER);
    chain.addRecord(
        new CNAMERecord(n("WEB.example.net"), DClass.IN, 500, n("edge.example.org")),
        Section.ANSWER);
    chain.addRecord(new ARecord(n("edge.example.org"), DClass.IN, 40, a1), Section.ANSWER);
    chain.addRecord(new ARecord(n("other.example.org"), DClass.IN, 40, a2), Section.ANSWER);
    cases.add(new Case("cname chain", chain, "www.example.com", RecordType.A));

    Message dangling = reply("www.example.com", Type.A, Rcode.NOERROR);
    dangling.addRecord(
        new CNAMERecord(n("www.example.com"), DClass.IN, 600, n("gone.example.net")),
        Section.ANSWER);
    dangling.addRecord(soa("example.net", 100, 50), Section.AUTHORITY);
    cases.add(new Case("cname to nothing", dangling, "www.example.com", RecordType.A));

    Message loop = reply("a.example", Type.A, Rcode.NOERROR);
    loop.addRecord(new CNAMERecord(n("a.example"), DClass.IN, 60, n("b.example")), 1);
    loop.addRecord(new CNAMERecord(n("b.example"), DClass.IN, 60, n("a.example")), 1);
    cases.add(new Case("cname loop", loop, "a.example", RecordType.A));

    Message chaos = reply("version.example", Type.A, Rcode.NOERROR);
    chaos.addRecord(new ARecord(n("version.example"), DClass.CH, 60, a1), Section.ANSWER);
    cases.add(new Case("class CH answer", chaos, "version.example", RecordType.A));

    Message odd = reply("odd.example", Type.A, Rcode.NOERROR);
    odd.addRecord(new ARecord(n("odd.example"), DClass.IN, 60, a1), Section.ANSWER);
    odd.addRecord(new MXRecord(n("odd.example"), DClass.IN, 60, 10, n("mx.example")), 1);
    cases.add(new Case("a type the fast path leaves to dnsjava", odd, "odd.example", RecordType.A));

    Message servfail = reply("example.com", Type.A, Rcode.SERVFAIL);
    cases.add(new Case("servfail", servfail, "example.com", RecordType.A));

    Message truncated = reply("example.com", Type.TXT, Rcode.NOERROR);
    truncated.getHeader().setFlag(Flags.TC);
    cases.add(new Case("truncated", truncated, "example.com", RecordType.TXT));

    Message other = reply("evil.example", Type.A, Rcode.NOERROR);
    other.addRecord(new ARecord(n("evil.example"), DClass.IN, 60, a1), Section.ANSWER);
    cases.add(new Case("another question", other, "example.com", RecordType.A));

    Message query = reply("example.com", Type.A, Rcode.NOERROR);
    query.getHeader().unsetFlag(Flags.QR);
    cases.add(new Case("not a response", query, "example.com", RecordType.A));
    return cases;
  }

  private record Case(String name, Message message, String asked, RecordType type) {
    byte[] wire() {
      return message.toWire();
    }
  }

  /** What NioTransport's dnsjava path makes of the reply; null where it gives no answer. */
  private static DnsAnswer slowAnswer(byte[] wire, int length, String asked, RecordType type) {
    Message m;
    try {
      m = WireCodec.parse(wire.clone(), length);
    } catch (IOException | RuntimeException e) {
      return null; // malformed: the next server is asked
    }
    Name qname = WireCodec.name(WireCodec.nameWire(asked));
    if (!WireCodec.answersQuestion(m, qname, type) || WireCodec.isTruncated(m)) {
      return null; // dropped, or retried over TCP
    }
    try {
      return WireCodec.toAnswer(asked, qname, type, m);
    } catch (RuntimeException e) {
      return DnsAnswer.error(asked, type, DnsStatus.SERVFAIL, "malformed");
    }
  }

  /** Checks agreement; true if the fast path answered. */
  private static boolean agrees(String what, byte[] wire, int length, String asked, RecordType t) {
    byte[] before = wire.clone();
    DnsAnswer fast = WireCodec.fastAnswer(wire, length, WireCodec.nameWire(asked), t, asked);
    assertThat(wire).as("%s: the fast path changed the bytes", what).isEqualTo(before);
    if (fast == null) {
      return false;
    }
    DnsAnswer slow = slowAnswer(wire, length, asked, t);
    assertThat(slow).as("%s: answered by the fast path only", what).isNotNull();
    assertThat(fast).as(what).isEqualTo(slow);
    assertThat(fast.toString()).as(what).isEqualTo(slow.toString());
    // InetAddress.equals ignores the host name dnsjava attaches; toString shows it
    assertThat(fast.addresses().toString()).as(what).isEqualTo(slow.addresses().toString());
    return true;
  }

  @Test
  void everydayReplies_areAnsweredByTheFastPath_exactlyAsByDnsjava() throws Exception {
    List<String> answered = new ArrayList<>();
    List<String> declined = new ArrayList<>();
    for (Case c : cases()) {
      byte[] wire = c.wire();
      (agrees(c.name(), wire, wire.length, c.asked(), c.type()) ? answered : declined)
          .add(c.name());
    }
    assertThat(answered)
        .containsExactlyInAnyOrder(
            "dnsbl listed, NS, OPT",
            "nxdomain with SOA",
            "nxdomain without SOA",
            "nodata",
            "aaaa, case differs",
            "txt, several strings",
            "cname chain",
            "cname to nothing",
            "class CH answer");
    // left to dnsjava: the loop (its SERVFAIL is worded there), what it does not check, errors,
    // truncation and replies that the transport drops
    assertThat(declined)
        .containsExactlyInAnyOrder(
            "cname loop",
            "a type the fast path leaves to dnsjava",
            "servfail",
            "truncated",
            "another question",
            "not a response");
  }

  @Test
  void highBitTtl_readsAsZero_likeTheDnsjavaPath() throws Exception {
    Message m = reply("host.example", Type.A, Rcode.NOERROR);
    m.addRecord(
        new ARecord(n("host.example"), DClass.IN, 300, InetAddress.getByName("192.0.2.1")),
        Section.ANSWER);
    byte[] wire = m.toWire();
    wire[wire.length - 10] = (byte) 0x80; // the TTL's first octet: 0x8000012C

    assertThat(agrees("high-bit TTL", wire, wire.length, "host.example", RecordType.A)).isTrue();
    DnsAnswer fast =
        WireCodec.fastAnswer(
            wire, wire.length, WireCodec.nameWire("host.example"), RecordType.A, "host.example");
    assertThat(fast.ttlSeconds()).isZero();
  }

  @Test
  void extendedRcode_inTheOptRecord_isHonoured() throws Exception {
    Message m = reply("host.example", Type.A, Rcode.NOERROR);
    m.addRecord(new OPTRecord(1232, 1, 0), Section.ADDITIONAL); // RCODE 16 (BADVERS)
    byte[] wire = m.toWire();

    assertThat(
            WireCodec.fastAnswer(
                wire,
                wire.length,
                WireCodec.nameWire("host.example"),
                RecordType.A,
                "host.example"))
        .isNull();
    assertThat(slowAnswer(wire, wire.length, "host.example", RecordType.A).status())
        .isEqualTo(DnsStatus.SERVFAIL);
  }

  @Test
  void corruptedReplies_areDeclinedOrAnsweredExactlyAsByDnsjava() throws Exception {
    Random random = new Random(2026);
    int answered = 0;
    int total = 0;
    for (Case c : cases()) {
      byte[] original = c.wire();
      for (int i = 0; i < 3_000; i++) {
        byte[] wire = original.clone();
        int length = wire.length;
        switch (random.nextInt(4)) {
          case 0 -> wire[random.nextInt(length)] = (byte) random.nextInt(256);
          case 1 -> {
            for (int k = 0; k < 3; k++) {
              wire[random.nextInt(length)] ^= (byte) (1 << random.nextInt(8));
            }
          }
          case 2 -> length = random.nextInt(length); // cut short
          default -> {
            // a compression pointer somewhere, often to an odd place
            int at = 12 + random.nextInt(length - 13);
            int target = random.nextInt(length);
            wire[at] = (byte) (0xc0 | (target >>> 8));
            wire[at + 1] = (byte) target;
          }
        }
        total++;
        if (agrees(c.name() + " #" + i, wire, length, c.asked(), c.type())) {
          answered++;
        }
      }
    }
    // many corruptions hit only data (an address octet, a TTL) and still parse
    assertThat(answered).as("corrupted replies the fast path answered").isGreaterThan(total / 20);
  }

  @Test
  void longPointerChains_andManyAnswers_goToDnsjava() throws Exception {
    // The answer's owner follows 41 compression pointers (all backwards, so legal): a TXT
    // record's data holds a chain of 40 pointers, each to the previous, the first to the
    // question's name; the A record's owner points at the chain's end.
    Message m = reply("host.example", Type.A, Rcode.NOERROR);
    byte[] head = m.toWire(); // header and question
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.write(head, 0, head.length);
    out.write(new byte[] {(byte) 0xc0, 12, 0, 16, 0, 1, 0, 0, 0, 60, 0, 81, 80});
    int previous = 12;
    int last = 0;
    for (int i = 0; i < 40; i++) {
      int at = out.size();
      out.write(0xc0 | (previous >>> 8));
      out.write(previous);
      previous = at;
      last = at;
    }
    out.write(new byte[] {(byte) (0xc0 | (last >>> 8)), (byte) last, 0, 1, 0, 1, 0, 0, 0, 60});
    out.write(new byte[] {0, 4, (byte) 192, 0, 2, 1});
    byte[] chained = out.toByteArray();
    chained[7] = 2; // ANCOUNT

    assertThat(agrees("pointer chain", chained, chained.length, "host.example", RecordType.A))
        .isFalse();
    assertThat(slowAnswer(chained, chained.length, "host.example", RecordType.A).addresses())
        .containsExactly(InetAddress.getByName("192.0.2.1"));

    Message many = reply("many.example", Type.A, Rcode.NOERROR);
    for (int i = 0; i < 40; i++) {
      many.addRecord(
          new ARecord(n("many.example"), DClass.IN, 60, InetAddress.getByName("192.0.2." + i)),
          Section.ANSWER);
    }
    byte[] manyWire = many.toWire();
    assertThat(agrees("40 answers", manyWire, manyWire.length, "many.example", RecordType.A))
        .isFalse();
    assertThat(slowAnswer(manyWire, manyWire.length, "many.example", RecordType.A).records())
        .hasSize(40);
  }

  /**
   * A reply for host.example/A whose answer section is {@code answer} (raw bytes) with {@code
   * ancount} records declared.
   */
  private static byte[] withAnswer(int ancount, int... answer) throws IOException {
    byte[] head = reply("host.example", Type.A, Rcode.NOERROR).toWire();
    byte[] wire = java.util.Arrays.copyOf(head, head.length + answer.length);
    for (int i = 0; i < answer.length; i++) {
      wire[head.length + i] = (byte) answer[i];
    }
    wire[6] = (byte) (ancount >>> 8);
    wire[7] = (byte) ancount;
    return wire;
  }

  /** TYPE A, CLASS IN, TTL 60, RDLENGTH 4, 192.0.2.1. */
  private static final int[] A_BODY = {0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1};

  private static int[] concat(int[]... parts) {
    int n = 0;
    for (int[] p : parts) {
      n += p.length;
    }
    int[] out = new int[n];
    int at = 0;
    for (int[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  private static int[] labels(int count, int length) {
    int[] out = new int[count * (length + 1)];
    for (int l = 0; l < count; l++) {
      out[l * (length + 1)] = length;
      java.util.Arrays.fill(out, l * (length + 1) + 1, (l + 1) * (length + 1), 'a');
    }
    return out;
  }

  @Test
  void hostileReplies_areDeclinedByTheFastPath_andMalformedForDnsjava() throws Exception {
    int answerAt = reply("host.example", Type.A, Rcode.NOERROR).toWire().length;
    java.util.Map<String, byte[]> hostile = new java.util.LinkedHashMap<>();
    // the owner is a pointer to itself, and a pair of pointers to each other
    hostile.put("pointer loop", withAnswer(1, concat(new int[] {0xc0, answerAt}, A_BODY)));
    hostile.put(
        "two-pointer loop",
        withAnswer(1, concat(new int[] {1, 'x', 0xc0, answerAt + 4, 0xc0, answerAt}, A_BODY)));
    // a pointer forward, to a valid name later in the packet (the TXT-like tail)
    hostile.put(
        "pointer forward",
        withAnswer(
            1,
            concat(
                new int[] {0xc0, answerAt + 16},
                A_BODY,
                new int[] {4, 'h', 'o', 's', 't', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0})));
    hostile.put("pointer out of range", withAnswer(1, concat(new int[] {0xff, 0xff}, A_BODY)));
    hostile.put("pointer cut in half", withAnswer(1, 0xc0));
    // records cut short: in the fixed fields, and in the address
    hostile.put("record cut in the type", withAnswer(1, 0xc0, 12, 0));
    hostile.put(
        "record cut in the rdata", withAnswer(1, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 1));
    hostile.put(
        "rdlength beyond the packet",
        withAnswer(1, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0xff, 0xff, 192, 0, 2, 1));
    // more records announced than the packet holds
    hostile.put(
        "ancount 65535, one record", withAnswer(0xffff, concat(new int[] {0xc0, 12}, A_BODY)));
    hostile.put("ancount 2, one record", withAnswer(2, concat(new int[] {0xc0, 12}, A_BODY)));
    byte[] arcount = withAnswer(1, concat(new int[] {0xc0, 12}, A_BODY));
    arcount[10] = (byte) 0xff;
    arcount[11] = (byte) 0xff;
    hostile.put("arcount 65535", arcount);
    byte[] qdcount = withAnswer(1, concat(new int[] {0xc0, 12}, A_BODY));
    qdcount[5] = 3;
    hostile.put("qdcount 3", qdcount);
    // label lengths 64 to 191 are the reserved extended-label types, never a label
    hostile.put("label length 64", withAnswer(1, concat(labels(1, 64), new int[] {0}, A_BODY)));
    hostile.put("label type 0x80", withAnswer(1, concat(new int[] {0x80, 0}, A_BODY)));
    // names longer than 255 octets: in plain labels, and through a pointer to the question
    hostile.put("owner of 257 octets", withAnswer(1, concat(labels(4, 63), new int[] {0}, A_BODY)));
    hostile.put(
        "owner over 255 octets through a pointer",
        withAnswer(1, concat(labels(4, 60), new int[] {0xc0, 12}, A_BODY)));
    byte[] longQuestion = withAnswer(0);
    hostile.put("empty packet after the header", java.util.Arrays.copyOf(longQuestion, 12));
    hostile.put("question cut in the name", java.util.Arrays.copyOf(longQuestion, 16));
    hostile.put(
        "question cut in the class",
        java.util.Arrays.copyOf(longQuestion, longQuestion.length - 1));

    for (var c : hostile.entrySet()) {
      byte[] wire = c.getValue();
      assertThat(agrees(c.getKey(), wire, wire.length, "host.example", RecordType.A))
          .as("%s: answered by the fast path", c.getKey())
          .isFalse();
      assertThat(slowAnswer(wire, wire.length, "host.example", RecordType.A))
          .as("%s: dnsjava's path gives an answer", c.getKey())
          .isNull();
      // under every length, too: a reply cut anywhere is never answered by the fast path alone
      for (int length = 0; length < wire.length; length++) {
        agrees(c.getKey() + " cut at " + length, wire, length, "host.example", RecordType.A);
      }
    }
  }
}
