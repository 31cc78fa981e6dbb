package dev.mailwarden.dns.internal;

import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsRecord;
import dev.mailwarden.dns.DnsStatus;
import dev.mailwarden.dns.RecordType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
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
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Encodes queries and turns responses into {@link DnsAnswer}s, with dnsjava's message classes.
 * Stateless; touches no dnsjava default.
 */
final class WireCodec {
  /** EDNS(0) UDP payload size advertised (the 2020 DNS flag day value). */
  static final int EDNS_PAYLOAD = 1232;

  private static final int MAX_CNAME_CHAIN = 16;

  private WireCodec() {}

  /** The absolute name for {@code name}, or null if it is not a valid domain name. */
  static @Nullable Name absoluteName(String name) {
    if (name.isEmpty()) {
      return null;
    }
    try {
      return Name.fromString(name, Name.root);
    } catch (TextParseException | RuntimeException e) {
      return null;
    }
  }

  /** A query with recursion desired and an EDNS(0) OPT record. */
  static byte[] query(Name qname, RecordType type, int id) {
    return queryMessage(qname, type, id).toWire();
  }

  /** The message {@link #query} encodes. */
  static Message queryMessage(Name qname, RecordType type, int id) {
    Message m = new Message(id);
    m.getHeader().setFlag(Flags.RD);
    m.addRecord(Record.newRecord(qname, type.code(), DClass.IN), Section.QUESTION);
    m.addRecord(new OPTRecord(EDNS_PAYLOAD, 0, 0), Section.ADDITIONAL);
    return m;
  }

  /**
   * Parses a reply. A TTL with the most significant bit set is read as zero first (RFC 2181 section
   * 8; dnsjava would reject the whole message): {@code wire} is changed in place.
   *
   * @throws IOException or a runtime exception of dnsjava's if the reply does not parse
   */
  static Message parse(byte[] wire, int length) throws IOException {
    zeroHighBitTtls(wire, length);
    return new Message(ByteBuffer.wrap(wire, 0, length));
  }

  /**
   * Walks the records and zeroes TTLs above 2^31 - 1; stops at anything malformed (the parser
   * reports it).
   */
  static void zeroHighBitTtls(byte[] w, int length) {
    if (length < 12) {
      return;
    }
    int questions = u16(w, 4);
    int records = u16(w, 6) + u16(w, 8) + u16(w, 10);
    int p = 12;
    for (int i = 0; i < questions; i++) {
      p = skipName(w, p, length);
      if (p < 0 || p + 4 > length) {
        return;
      }
      p += 4;
    }
    for (int i = 0; i < records; i++) {
      p = skipName(w, p, length);
      if (p < 0 || p + 10 > length) {
        return;
      }
      boolean opt = u16(w, p) == Type.OPT; // its "TTL" holds EDNS flags, not a TTL
      if (!opt && (w[p + 4] & 0x80) != 0) {
        w[p + 4] = 0;
        w[p + 5] = 0;
        w[p + 6] = 0;
        w[p + 7] = 0;
      }
      p += 10 + u16(w, p + 8);
    }
  }

  private static int skipName(byte[] w, int p, int length) {
    while (p < length) {
      int len = w[p] & 0xff;
      if (len == 0) {
        return p + 1;
      }
      if ((len & 0xc0) == 0xc0) {
        return p + 2 <= length ? p + 2 : -1; // a compression pointer ends the name
      }
      if ((len & 0xc0) != 0) {
        return -1;
      }
      p += 1 + len;
    }
    return -1;
  }

  private static int u16(byte[] w, int p) {
    return ((w[p] & 0xff) << 8) | (w[p + 1] & 0xff);
  }

  /** The 16-bit ID of a message, or -1 if it is too short to hold a header. */
  static int id(byte[] wire, int length) {
    return length < 12 ? -1 : ((wire[0] & 0xff) << 8) | (wire[1] & 0xff);
  }

  /** True if the response is a response to exactly this question (name compared without case). */
  static boolean answersQuestion(Message response, Name qname, RecordType type) {
    Record q = response.getQuestion();
    return response.getHeader().getFlag(Flags.QR)
        && q != null
        && q.getType() == type.code()
        && q.getDClass() == DClass.IN
        && q.getName().equals(qname);
  }

  static boolean isTruncated(Message response) {
    return response.getHeader().getFlag(Flags.TC);
  }

  /** The answer a matching response gives; malformed content becomes SERVFAIL. */
  static DnsAnswer toAnswer(String asked, Name qname, RecordType type, Message response) {
    int rcode = response.getRcode();
    switch (rcode) {
      case Rcode.NOERROR:
        break;
      case Rcode.NXDOMAIN:
        return DnsAnswer.nxdomain(asked, type, negativeTtl(response));
      case Rcode.SERVFAIL:
        return DnsAnswer.error(asked, type, DnsStatus.SERVFAIL, "server answered SERVFAIL");
      case Rcode.REFUSED:
        return DnsAnswer.error(asked, type, DnsStatus.REFUSED, "server answered REFUSED");
      default:
        return DnsAnswer.error(
            asked, type, DnsStatus.SERVFAIL, "server answered " + Rcode.string(rcode));
    }
    List<Record> answers = response.getSection(Section.ANSWER);
    Name owner = qname;
    long ttl = Long.MAX_VALUE;
    for (int hop = 0; hop <= MAX_CNAME_CHAIN; hop++) {
      List<DnsRecord> found = new ArrayList<>();
      Name cnameTarget = null;
      for (Record r : answers) {
        if (!r.getName().equals(owner) || r.getDClass() != DClass.IN) {
          continue;
        }
        if (r.getType() == type.code()) {
          DnsRecord converted = convert(r);
          if (converted != null) {
            found.add(converted);
            ttl = Math.min(ttl, r.getTTL());
          }
        } else if (r instanceof CNAMERecord c && cnameTarget == null) {
          cnameTarget = c.getTarget();
          ttl = Math.min(ttl, r.getTTL());
        }
      }
      if (!found.isEmpty()) {
        return DnsAnswer.of(asked, type, found, ttl);
      }
      if (cnameTarget == null) {
        return DnsAnswer.nodata(asked, type, negativeTtl(response));
      }
      owner = cnameTarget;
    }
    return DnsAnswer.error(
        asked, type, DnsStatus.SERVFAIL, "CNAME chain longer than " + MAX_CNAME_CHAIN);
  }

  /** min(SOA TTL, SOA MINIMUM) of the authority section's SOA (RFC 2308 section 5), else 0. */
  static long negativeTtl(Message response) {
    for (Record r : response.getSection(Section.AUTHORITY)) {
      if (r instanceof SOARecord soa) {
        return Math.max(0, Math.min(soa.getTTL(), soa.getMinimum()));
      }
    }
    return 0;
  }

  private static @Nullable DnsRecord convert(Record r) {
    if (r instanceof ARecord a) {
      return new DnsRecord.Address(a.getAddress());
    } else if (r instanceof AAAARecord a) {
      return new DnsRecord.Address(a.getAddress());
    } else if (r instanceof TXTRecord t) {
      return new DnsRecord.Txt(t.getStringsAsByteArrays());
    } else if (r instanceof MXRecord m) {
      return new DnsRecord.Mx(m.getPriority(), text(m.getTarget()));
    } else if (r instanceof PTRRecord p) {
      return new DnsRecord.Name(RecordType.PTR, text(p.getTarget()));
    } else if (r instanceof CNAMERecord c) {
      return new DnsRecord.Name(RecordType.CNAME, text(c.getTarget()));
    } else if (r instanceof NSRecord n) {
      return new DnsRecord.Name(RecordType.NS, text(n.getTarget()));
    }
    return null; // a type with no DnsRecord form (e.g. SOA)
  }

  /** A name as text without the trailing dot ("." stays "."). */
  static String text(Name name) {
    return name.equals(Name.root) ? "." : name.toString(true);
  }
}
