package dev.mailwarden.dns;

/** The DNS record types mail checks need, with their RFC 1035/3596 type codes. */
public enum RecordType {
  A(1),
  NS(2),
  CNAME(5),
  SOA(6),
  PTR(12),
  MX(15),
  TXT(16),
  AAAA(28);

  private final int code;

  RecordType(int code) {
    this.code = code;
  }

  /** The numeric type code on the wire. */
  public int code() {
    return code;
  }

  /** The type with this code; throws {@link IllegalArgumentException} for others. */
  public static RecordType fromCode(int code) {
    for (RecordType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    throw new IllegalArgumentException("unsupported record type code " + code);
  }
}
