package dev.mailwarden.dns.internal;

import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsRecord;
import dev.mailwarden.dns.DnsStatus;
import dev.mailwarden.dns.RecordType;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
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

  /** The fast path leaves replies with more answer records than this to dnsjava... */
  private static final int FAST_MAX_ANSWERS = 32;

  /** ... and names that follow more compression pointers than this. */
  private static final int FAST_MAX_POINTERS = 8;

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

  /**
   * The absolute name for {@code name} in wire form (its labels, then the root label; case as
   * given, uncompressed), or null if it is not a valid domain name. The same bytes as {@code
   * absoluteName(name).toWire()}: names of printable ASCII without escapes, the everyday case, are
   * encoded here without building a dnsjava {@link Name}; anything else ({@code \} escapes, other
   * characters, "@") is left to dnsjava.
   */
  static byte @Nullable [] nameWire(String name) {
    int n = name.length();
    if (n == 0) {
      return null;
    }
    if (n == 1 && name.charAt(0) == '.') {
      return new byte[] {0};
    }
    if (n == 1 && name.charAt(0) == '@') {
      return slowNameWire(name);
    }
    byte[] out = new byte[n + 2];
    int lengthAt = 0; // where the current label's length octet goes
    int p = 1;
    for (int i = 0; i < n; i++) {
      char c = name.charAt(i);
      if (c == '.') {
        int label = p - lengthAt - 1;
        if (label == 0 || label > 63) {
          return null; // an empty label, or one over 63 octets (as dnsjava decides)
        }
        out[lengthAt] = (byte) label;
        lengthAt = p++;
      } else if (c < 0x21 || c > 0x7e || c == '\\') {
        return slowNameWire(name);
      } else {
        out[p++] = (byte) c;
      }
    }
    int label = p - lengthAt - 1;
    if (label > 63) {
      return null;
    }
    int total;
    if (label == 0) {
      total = lengthAt + 1; // ended with a dot: that length octet is the root label
    } else {
      out[lengthAt] = (byte) label;
      total = p + 1; // out[p] is already the root label
    }
    if (total > 255) {
      return null;
    }
    return total == out.length ? out : Arrays.copyOf(out, total);
  }

  private static byte @Nullable [] slowNameWire(String name) {
    Name parsed = absoluteName(name);
    return parsed == null ? null : parsed.toWire();
  }

  /** The dnsjava name of a wire-form name made by {@link #nameWire}. */
  static Name name(byte[] nameWire) {
    try {
      return new Name(nameWire);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a name in wire form", e);
    }
  }

  /** A query with recursion desired and an EDNS(0) OPT record. */
  static byte[] query(Name qname, RecordType type, int id) {
    return queryMessage(qname, type, id).toWire();
  }

  /**
   * The bytes of {@link #queryMessage} for a name in wire form, written directly: header (ID, RD,
   * one question, one additional record), the question (class IN), and an OPT record advertising
   * {@link #EDNS_PAYLOAD}.
   */
  static byte[] query(byte[] qnameWire, RecordType type, int id) {
    int n = qnameWire.length;
    byte[] q = new byte[12 + n + 4 + 11];
    q[0] = (byte) (id >>> 8);
    q[1] = (byte) id;
    q[2] = 0x01; // RD
    q[5] = 1; // QDCOUNT
    q[11] = 1; // ARCOUNT
    System.arraycopy(qnameWire, 0, q, 12, n);
    int p = 12 + n;
    int code = type.code();
    q[p] = (byte) (code >>> 8);
    q[p + 1] = (byte) code;
    q[p + 3] = DClass.IN;
    // OPT: root owner (0), TYPE 41, CLASS = UDP payload size, TTL 0 (no extended flags), RDLEN 0
    q[p + 6] = Type.OPT;
    q[p + 7] = (byte) (EDNS_PAYLOAD >>> 8);
    q[p + 8] = (byte) EDNS_PAYLOAD;
    return q;
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

  // ------------------------------------------------------------ the fast path for replies

  /**
   * The answer of an everyday reply, read straight from the bytes without building a dnsjava {@link
   * Message}; null for anything else, which the caller then parses with dnsjava as before.
   *
   * <p>It only answers when dnsjava would parse the whole message and {@link #answersQuestion},
   * {@link #isTruncated} and {@link #toAnswer} would give this same answer: a response (QR) to a
   * standard query for an A, AAAA or TXT question, one question equal to {@code qnameWire} (ASCII
   * case ignored) with that type and class IN, not truncated, RCODE NOERROR or NXDOMAIN (an OPT
   * record's extended RCODE included), and every record of a type it checks as dnsjava does (A,
   * AAAA, CNAME, NS, SOA, TXT; OPT without options), names with backward compression pointers only,
   * at most 128 labels and 255 octets. TTLs with the top bit set are read as zero, as {@link
   * #parse} does. A CNAME chain longer than {@value #MAX_CNAME_CHAIN} goes to dnsjava.
   *
   * <p>Work is linear in {@code length}: one pass over the records, each name following at most
   * {@value #FAST_MAX_POINTERS} pointers, then at most {@value #MAX_CNAME_CHAIN} passes over at
   * most {@value #FAST_MAX_ANSWERS} answer records. It reads {@code wire} and never changes it.
   */
  static @Nullable DnsAnswer fastAnswer(
      byte[] wire, int length, byte[] qnameWire, RecordType type, String asked) {
    if (type != RecordType.A && type != RecordType.AAAA && type != RecordType.TXT) {
      return null;
    }
    if (length < 12 || length > wire.length) {
      return null;
    }
    int flags = u16(wire, 2);
    if ((flags & 0x8000) == 0 || ((flags >>> 11) & 0xf) != 0 || (flags & 0x0200) != 0) {
      return null; // not a response, not a standard query (UPDATE parses differently), or TC
    }
    if (u16(wire, 4) != 1) {
      return null;
    }
    int answers = u16(wire, 6);
    int authority = u16(wire, 8);
    int additional = u16(wire, 10);
    if (answers > FAST_MAX_ANSWERS) {
      return null; // the CNAME walk below is answers x hops: keep it small
    }
    // the question: the name asked, the type asked, class IN
    int p = scanName(wire, 12, length, length);
    if (p < 0 || p + 4 > length) {
      return null;
    }
    if (!sameName(wire, 12, qnameWire, 0)
        || u16(wire, p) != type.code()
        || u16(wire, p + 2) != DClass.IN) {
      return null;
    }
    p += 4;
    int answerStart = p;
    int authorityStart = -1;
    long extendedRcode = -1; // from the first OPT of the additional section
    int records = answers + authority + additional;
    for (int i = 0; i < records; i++) {
      if (i == answers) {
        authorityStart = p;
      }
      int nameEnd = scanName(wire, p, length, length);
      if (nameEnd < 0 || nameEnd + 10 > length) {
        return null;
      }
      int rtype = u16(wire, nameEnd);
      int rdlength = u16(wire, nameEnd + 8);
      int rdata = nameEnd + 10;
      int end = rdata + rdlength;
      if (end > length) {
        return null;
      }
      switch (rtype) {
        case Type.A:
          if (rdlength != 4) {
            return null;
          }
          break;
        case Type.AAAA:
          if (rdlength != 16) {
            return null;
          }
          break;
        case Type.CNAME:
        case Type.NS:
          if (scanName(wire, rdata, end, length) != end) {
            return null;
          }
          break;
        case Type.SOA:
          int mname = scanName(wire, rdata, end, length);
          int rname = mname < 0 ? -1 : scanName(wire, mname, end, length);
          if (rname < 0 || rname + 20 != end) {
            return null;
          }
          break;
        case Type.TXT:
          int s = rdata;
          while (s < end) {
            s += 1 + (wire[s] & 0xff);
          }
          if (s != end) {
            return null;
          }
          break;
        case Type.OPT:
          if (rdlength != 0) {
            return null; // EDNS options: dnsjava parses them
          }
          if (i >= answers + authority && extendedRcode < 0) {
            extendedRcode = u32(wire, nameEnd + 4) >>> 24;
          }
          break;
        default:
          return null;
      }
      p = end;
    }
    if (authorityStart < 0) {
      authorityStart = p; // no authority or additional records
    }
    long rcode = (flags & 0xf) + (extendedRcode < 0 ? 0 : extendedRcode << 4);
    if (rcode == Rcode.NXDOMAIN) {
      return DnsAnswer.nxdomain(asked, type, negativeTtl(wire, authorityStart, authority));
    }
    if (rcode != Rcode.NOERROR) {
      return null;
    }
    // the records at the owner, following CNAMEs as toAnswer does
    byte[] ownerIn = qnameWire;
    int owner = 0;
    long ttl = Long.MAX_VALUE;
    for (int hop = 0; hop <= MAX_CNAME_CHAIN; hop++) {
      DnsRecord first = null; // most answers hold one record: no list to copy then
      List<DnsRecord> found = null;
      int cnameTarget = -1;
      p = answerStart;
      for (int i = 0; i < answers; i++) {
        int nameEnd = skipScannedName(wire, p);
        int rtype = u16(wire, nameEnd);
        int rdata = nameEnd + 10;
        int rdlength = u16(wire, nameEnd + 8);
        if (u16(wire, nameEnd + 2) == DClass.IN && sameName(wire, p, ownerIn, owner)) {
          if (rtype == type.code()) {
            DnsRecord r = record(wire, p, rtype, rdata, rdlength);
            if (first == null) {
              first = r;
            } else {
              if (found == null) {
                found = new ArrayList<>(answers);
                found.add(first);
              }
              found.add(r);
            }
            ttl = Math.min(ttl, ttl(wire, nameEnd));
          } else if (rtype == Type.CNAME && cnameTarget < 0) {
            cnameTarget = rdata;
            ttl = Math.min(ttl, ttl(wire, nameEnd));
          }
        }
        p = rdata + rdlength;
      }
      if (first != null) {
        return DnsAnswer.of(asked, type, found != null ? found : List.of(first), ttl);
      }
      if (cnameTarget < 0) {
        return DnsAnswer.nodata(asked, type, negativeTtl(wire, authorityStart, authority));
      }
      ownerIn = wire;
      owner = cnameTarget;
    }
    return null; // a long chain: dnsjava's path words the SERVFAIL
  }

  /**
   * Checks the name at {@code p} as dnsjava's {@code Name(DNSInput)} reads it: labels up to {@code
   * limit} (a record's data) until the first compression pointer and up to {@code length} after it,
   * pointers only to an earlier offset, at most 128 labels and 255 octets. Returns where the name
   * ends in place, or -1 where dnsjava would throw, and also for a name that follows more than
   * {@value #FAST_MAX_POINTERS} pointers (legal, but left to dnsjava so that comparing names here
   * stays cheap).
   */
  private static int scanName(byte[] w, int p, int limit, int length) {
    int labels = 0;
    int octets = 0;
    int pointers = 0;
    int end = -1;
    int lim = limit;
    while (true) {
      if (p >= lim) {
        return -1;
      }
      int len = w[p] & 0xff;
      int kind = len & 0xc0;
      if (kind == 0) {
        if (labels >= 128 || p + 1 + len > lim) {
          return -1;
        }
        labels++;
        octets += 1 + len;
        if (octets > 255) {
          return -1;
        }
        if (len == 0) {
          return end < 0 ? p + 1 : end;
        }
        p += 1 + len;
      } else if (kind == 0xc0) {
        if (p + 2 > lim) {
          return -1;
        }
        int target = ((len & 0x3f) << 8) | (w[p + 1] & 0xff);
        if (target >= p || ++pointers > FAST_MAX_POINTERS) {
          return -1; // dnsjava accepts only pointers backwards: no loops; long chains go to it
        }
        if (end < 0) {
          end = p + 2;
        }
        p = target;
        lim = length;
      } else {
        return -1;
      }
    }
  }

  /** Where a name already checked by {@link #scanName} ends in place. */
  private static int skipScannedName(byte[] w, int p) {
    while (true) {
      int len = w[p] & 0xff;
      if (len == 0) {
        return p + 1;
      }
      if ((len & 0xc0) == 0xc0) {
        return p + 2;
      }
      p += 1 + len;
    }
  }

  /** Resolves compression pointers until a label starts at the returned offset. */
  private static int label(byte[] w, int p) {
    while ((w[p] & 0xc0) == 0xc0) {
      p = ((w[p] & 0x3f) << 8) | (w[p + 1] & 0xff);
    }
    return p;
  }

  /**
   * True if two checked names (each in its own array, pointers followed) have the same labels,
   * ASCII letters compared without case, as dnsjava's {@code Name.equals}.
   */
  private static boolean sameName(byte[] a, int ap, byte[] b, int bp) {
    while (true) {
      ap = label(a, ap);
      bp = label(b, bp);
      int len = a[ap] & 0xff;
      if (len != (b[bp] & 0xff)) {
        return false;
      }
      if (len == 0) {
        return true;
      }
      for (int i = 1; i <= len; i++) {
        if (lower(a[ap + i]) != lower(b[bp + i])) {
          return false;
        }
      }
      ap += 1 + len;
      bp += 1 + len;
    }
  }

  private static int lower(byte b) {
    int c = b & 0xff;
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
  }

  /**
   * A checked name as dnsjava's {@code Name.toString()} writes it: labels joined by dots, a final
   * dot, control, space and non-ASCII octets as {@code \DDD}, special characters escaped.
   */
  private static String nameText(byte[] w, int p) {
    byte[] out = new byte[textLength(w, p)];
    int n = 0;
    while (true) {
      p = label(w, p);
      int len = w[p] & 0xff;
      if (len == 0) {
        if (n == 0) {
          return ".";
        }
        out[n++] = '.';
        return new String(out, StandardCharsets.ISO_8859_1);
      }
      if (n > 0) {
        out[n++] = '.';
      }
      for (int i = p + 1; i <= p + len; i++) {
        int b = w[i] & 0xff;
        if (b <= 0x20 || b >= 0x7f) {
          out[n++] = '\\';
          out[n++] = (byte) ('0' + b / 100);
          out[n++] = (byte) ('0' + b / 10 % 10);
          out[n++] = (byte) ('0' + b % 10);
        } else {
          if (b == '"' || b == '(' || b == ')' || b == '.' || b == ';' || b == '\\' || b == '@'
              || b == '$') {
            out[n++] = '\\';
          }
          out[n++] = (byte) b;
        }
      }
      p += 1 + len;
    }
  }

  /** The length of {@link #nameText}. */
  private static int textLength(byte[] w, int p) {
    int n = 0;
    while (true) {
      p = label(w, p);
      int len = w[p] & 0xff;
      if (len == 0) {
        return Math.max(1, n); // the final dot; "." for the root
      }
      for (int i = p + 1; i <= p + len; i++) {
        int b = w[i] & 0xff;
        n +=
            b <= 0x20 || b >= 0x7f
                ? 4
                : b == '"' || b == '(' || b == ')' || b == '.' || b == ';' || b == '\\' || b == '@'
                        || b == '$'
                    ? 2
                    : 1;
      }
      n++; // the dot after the label
      p += 1 + len;
    }
  }

  /** An A, AAAA or TXT record's data, as {@link #convert} gives it from dnsjava's record. */
  private static DnsRecord record(byte[] w, int owner, int rtype, int rdata, int rdlength) {
    if (rtype == Type.TXT) {
      List<byte[]> strings = new ArrayList<>(2);
      int s = rdata;
      int end = rdata + rdlength;
      while (s < end) {
        int len = w[s] & 0xff;
        strings.add(Arrays.copyOfRange(w, s + 1, s + 1 + len));
        s += 1 + len;
      }
      return new DnsRecord.Txt(strings);
    }
    try {
      // dnsjava's getAddress() names the address after the record's owner, so this does too
      return new DnsRecord.Address(
          InetAddress.getByAddress(
              nameText(w, owner), Arrays.copyOfRange(w, rdata, rdata + rdlength)));
    } catch (UnknownHostException e) {
      throw new IllegalStateException("an address of 4 or 16 octets was refused", e);
    }
  }

  /** A record's TTL (the type field at {@code typeAt}); the top bit set reads as zero. */
  private static long ttl(byte[] w, int typeAt) {
    long ttl = u32(w, typeAt + 4);
    return ttl > Integer.MAX_VALUE ? 0 : ttl;
  }

  /** min(TTL, MINIMUM) of the first SOA of the authority section, else 0 (checked records). */
  private static long negativeTtl(byte[] w, int p, int count) {
    for (int i = 0; i < count; i++) {
      int nameEnd = skipScannedName(w, p);
      int rdata = nameEnd + 10;
      int end = rdata + u16(w, nameEnd + 8);
      if (u16(w, nameEnd) == Type.SOA) {
        return Math.max(0, Math.min(ttl(w, nameEnd), u32(w, end - 4)));
      }
      p = end;
    }
    return 0;
  }

  private static long u32(byte[] w, int p) {
    return ((long) u16(w, p) << 16) | u16(w, p + 2);
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
