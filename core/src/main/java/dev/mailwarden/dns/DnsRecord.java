package dev.mailwarden.dns;

import static java.util.Objects.requireNonNull;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** One resource record's data, in our own small types (no dnsjava type leaks). */
public sealed interface DnsRecord
    permits DnsRecord.Address, DnsRecord.Txt, DnsRecord.Mx, DnsRecord.Name {

  /** The record's type. */
  RecordType type();

  /** An A or AAAA record. */
  record Address(InetAddress address) implements DnsRecord {
    public Address {
      requireNonNull(address, "address");
    }

    @Override
    public RecordType type() {
      return address instanceof Inet6Address ? RecordType.AAAA : RecordType.A;
    }

    @Override
    public String toString() {
      return type() + " " + address.getHostAddress();
    }
  }

  /**
   * A TXT record: its character-strings as raw bytes (non-ASCII kept, nothing escaped). Most users
   * want {@link #joined()}, the strings concatenated (RFC 7208 section 3.3, RFC 6376 section
   * 3.6.2.2).
   */
  final class Txt implements DnsRecord {
    // one copy of the data: the strings back to back, and where each one ends
    private final byte[] joined;
    private final int[] ends;
    private int hash; // of joined, made on first use (0: not yet); a benign race, as String's

    public Txt(List<byte[]> strings) {
      int length = 0;
      for (byte[] s : strings) {
        length += requireNonNull(s, "string").length;
      }
      this.joined = new byte[length];
      this.ends = new int[strings.size()];
      int at = 0;
      for (int i = 0; i < ends.length; i++) {
        byte[] s = strings.get(i);
        System.arraycopy(s, 0, joined, at, s.length);
        at += s.length;
        ends[i] = at;
      }
    }

    public static Txt of(String... strings) {
      List<byte[]> list = new ArrayList<>(strings.length);
      for (String s : strings) {
        list.add(s.getBytes(StandardCharsets.UTF_8));
      }
      return new Txt(list);
    }

    @Override
    public RecordType type() {
      return RecordType.TXT;
    }

    /** The number of character-strings. */
    public int stringCount() {
      return ends.length;
    }

    /** One character-string, copied. */
    public byte[] string(int index) {
      return java.util.Arrays.copyOfRange(joined, index == 0 ? 0 : ends[index - 1], ends[index]);
    }

    /** The length in bytes of all strings joined. */
    public int length() {
      return joined.length;
    }

    /** All character-strings concatenated, copied. */
    public byte[] joined() {
      return joined.clone();
    }

    /** The joined bytes decoded as UTF-8 (malformed bytes become U+FFFD). */
    public String text() {
      return new String(joined, StandardCharsets.UTF_8);
    }

    /** True if the joined bytes start with {@code prefix} compared ASCII-case-insensitively. */
    public boolean startsWithIgnoreCase(String prefix) {
      if (prefix.length() > joined.length) {
        return false;
      }
      for (int i = 0; i < prefix.length(); i++) {
        int a = joined[i] & 0xff;
        int b = prefix.charAt(i);
        if (a != b && asciiLower(a) != asciiLower(b)) {
          return false;
        }
      }
      return true;
    }

    // ASCII only: bytes >= 0x80 are UTF-8 fragments, not Latin-1 letters with a case
    private static int asciiLower(int c) {
      return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
    }

    @Override
    public boolean equals(Object o) {
      return o == this
          || (o instanceof Txt other
              && java.util.Arrays.equals(ends, other.ends)
              && java.util.Arrays.equals(joined, other.joined));
    }

    @Override
    public int hashCode() {
      int h = hash;
      if (h == 0) {
        h = java.util.Arrays.hashCode(joined); // a key record is looked up per message
        hash = h;
      }
      return h;
    }

    @Override
    public String toString() {
      // Presentation format (RFC 1035 section 5.1): printable ASCII as is, quote and backslash
      // escaped,
      // every other byte as \DDD, so DNS data can never inject line breaks into logs.
      StringBuilder b = new StringBuilder("TXT");
      for (int i = 0, start = 0; i < ends.length; start = ends[i++]) {
        b.append(" \"");
        for (int at = start; at < ends[i]; at++) {
          int c = joined[at] & 0xff;
          if (c == '"' || c == '\\') {
            b.append('\\').append((char) c);
          } else if (c >= 0x20 && c < 0x7f) {
            b.append((char) c);
          } else {
            b.append('\\')
                .append((char) ('0' + c / 100))
                .append((char) ('0' + c / 10 % 10))
                .append((char) ('0' + c % 10));
          }
        }
        b.append('"');
      }
      return b.toString();
    }
  }

  /** An MX record. The exchange is a domain name without the trailing dot. */
  record Mx(int preference, String exchange) implements DnsRecord {
    public Mx {
      requireNonNull(exchange, "exchange");
      if (preference < 0 || preference > 0xffff) {
        throw new IllegalArgumentException("MX preference out of range 0-65535: " + preference);
      }
    }

    @Override
    public RecordType type() {
      return RecordType.MX;
    }

    @Override
    public String toString() {
      return "MX " + preference + " " + exchange;
    }
  }

  /** A record whose data is one domain name: PTR, CNAME or NS (without the trailing dot). */
  record Name(RecordType type, String target) implements DnsRecord {
    public Name {
      requireNonNull(type, "type");
      requireNonNull(target, "target");
      if (type != RecordType.PTR && type != RecordType.CNAME && type != RecordType.NS) {
        throw new IllegalArgumentException("not a name record type: " + type);
      }
    }

    @Override
    public String toString() {
      return type + " " + target;
    }
  }

  /** An address record, checking the family. */
  static Address address(InetAddress address) {
    return new Address(address);
  }

  /** True for an IPv4 address record. */
  static boolean isIpv4(DnsRecord r) {
    return r instanceof Address a && a.address() instanceof Inet4Address;
  }
}
