package dev.mailwarden.auth.dkim.internal;

import dev.mailwarden.internal.DomainNames;
import dev.mailwarden.internal.Swar;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The tags of one DKIM-Signature field, checked against RFC 6376 section 3.5 and 6.1.1. Reading
 * stops at the first problem; {@link #problem()} then says what it was and whether it is a {@code
 * policy} refusal (RFC 8301) rather than a malformed signature.
 */
public final class SignatureTags {
  final HeaderField field;
  String domain = "";
  String selector = "";
  String identity = "";
  String identityDomain = "";
  String algorithm = "";
  String keyType = "";
  String signaturePrefix = "";
  boolean relaxedHeader;
  boolean relaxedBody;
  long limit = -1;

  /** Longest DKIM-Signature field parsed, in characters (folding included). */
  public static final int MAX_FIELD = 16 * 1024;

  /** Most names one h= may list (RFC 6376 section 8 lets verifiers limit their work). */
  public static final int MAX_SIGNED_HEADERS = 256;

  /** The names h= lists, in lower case. */
  List<String> signedHeaders = List.of();

  byte[] bodyHash = new byte[0];
  byte[] signature = new byte[0];
  @Nullable String problem;
  boolean policyProblem;
  // where b='s raw value stands in the field's bytes, [blankFrom..blankTo): what the signed header
  // data leaves out; -1 when there is no b=
  int blankFrom = -1;
  int blankTo = -1;
  private @Nullable String keyName;

  private SignatureTags(HeaderField field) {
    this.field = field;
  }

  private static final List<String> REQUIRED = List.of("a", "b", "bh", "d", "h", "s");

  /** The tags read, in the order of {@link TagList#positions}' answer. */
  private static final TagList.Names TAGS =
      TagList.Names.of("v", "a", "b", "bh", "c", "d", "h", "s", "q", "i", "l", "t", "x");

  /** Reads a DKIM-Signature field; never throws for bad data. */
  public static SignatureTags read(HeaderField field, long nowEpochSeconds, Duration skew) {
    SignatureTags s = new SignatureTags(field);
    try {
      s.check(nowEpochSeconds, skew.toSeconds());
    } catch (DkimSyntaxException e) {
      s.problem = e.getMessage();
    }
    return s;
  }

  /** What makes the signature unusable, or null when it can be verified. */
  public @Nullable String problem() {
    return problem;
  }

  public boolean policyProblem() {
    return policyProblem;
  }

  private void check(long now, long skew) throws DkimSyntaxException {
    if (field.length() > MAX_FIELD) {
      // an 8192-bit b= and 256 h= names fit in well under this; anything longer is not parsed
      throw new DkimSyntaxException(
          SignatureCaps.FIELD_MARKER
              + ": "
              + field.length()
              + " characters, the cap is "
              + MAX_FIELD);
    }
    byte[] raw = field.bytes();
    TagList tags;
    try {
      // parsed in place in the field's bytes: no copy of the value, b= decoded where it stands
      tags = TagList.parse(raw, field.colon() + 1, field.end());
    } catch (DkimSyntaxException e) {
      throw new DkimSyntaxException("signature syntax: " + e.getMessage());
    }
    // every tag's position found in one pass, then values read by position
    int[] at = tags.positions(TAGS);
    int v = at[0];
    int a = at[1];
    int b = at[2];
    int bh = at[3];
    int c = at[4];
    int d = at[5];
    int h = at[6];
    int s = at[7];
    domain = orEmpty(tags.value(d));
    selector = orEmpty(tags.value(s));
    algorithm = known(tags, a, ALGORITHMS);
    int bFrom = tags.valueStart(b);
    int bTo = tags.valueEnd(b);
    if (b >= 0) {
      blankFrom = field.colon() + 1 + tags.rawValueStart(b);
      blankTo = field.colon() + 1 + tags.rawValueEnd(b);
    }
    signaturePrefix = bFrom < 0 ? "" : prefix(raw, bFrom, bTo, 8);
    if (v < 0) {
      throw new DkimSyntaxException("signature has no v= tag");
    }
    if (!tags.valueIs(v, "1")) {
      throw new DkimSyntaxException(
          "unsupported signature version v=" + TagList.printable(orEmpty(tags.value(v))));
    }
    int[] required = {a, b, bh, d, h, s}; // in REQUIRED's order
    for (int k = 0; k < required.length; k++) {
      if (required[k] < 0) {
        throw new DkimSyntaxException("signature lacks the required " + REQUIRED.get(k) + "= tag");
      }
    }
    boolean sha1 = false;
    switch (algorithm) {
      case "rsa-sha256" -> keyType = "rsa";
      case "ed25519-sha256" -> keyType = "ed25519";
      case "rsa-sha1" -> {
        keyType = "rsa";
        sha1 = true;
      }
      default ->
          throw new DkimSyntaxException(
              "unknown signature algorithm a=" + TagList.printable(algorithm));
    }
    if (c >= 0) {
      String canon = known(tags, c, CANONICALIZATIONS);
      int slash = canon.indexOf('/');
      relaxedHeader = canonicalization(canon, 0, slash < 0 ? canon.length() : slash);
      relaxedBody = slash >= 0 && canonicalization(canon, slash + 1, canon.length());
    }
    String q = tags.value(at[8]);
    if (q != null) {
      boolean dnsTxt = false;
      for (String method : TagList.splitList(q)) {
        dnsTxt |= method.equalsIgnoreCase("dns/txt");
      }
      if (!dnsTxt) {
        throw new DkimSyntaxException("no supported query method in q=" + TagList.printable(q));
      }
    }
    if (!DomainNames.isAsciiName(domain)) {
      throw new DkimSyntaxException("d=" + TagList.printable(domain) + " is not a domain name");
    }
    if (!DomainNames.isAsciiName(selector)) {
      throw new DkimSyntaxException(
          "s=" + TagList.printable(selector) + " is not a valid selector");
    }
    String i = tags.value(at[9]);
    if (i == null) {
      identity = "@" + domain;
      identityDomain = domain;
    } else {
      identity = decodeQuotedPrintable(TagList.stripFws(i));
      int sign = identity.lastIndexOf('@');
      if (sign < 0) {
        throw new DkimSyntaxException("i=" + TagList.printable(identity) + " has no '@'");
      }
      identityDomain = identity.substring(sign + 1);
      String id = identityDomain.toLowerCase(Locale.ROOT);
      String dl = domain.toLowerCase(Locale.ROOT);
      if (!id.equals(dl) && !id.endsWith("." + dl)) {
        throw new DkimSyntaxException(
            "i= domain " + TagList.printable(identityDomain) + " is not within d=" + domain);
      }
    }
    signedHeaders = signedHeaderNames(raw, tags.valueStart(h), tags.valueEnd(h));
    int l = at[10];
    if (l >= 0) {
      limit = number(raw, tags.valueStart(l), tags.valueEnd(l), "l");
    }
    long t = -1;
    int ts = at[11];
    if (ts >= 0) {
      t = number(raw, tags.valueStart(ts), tags.valueEnd(ts), "t");
      if (t > now + skew) {
        throw new DkimSyntaxException("signature timestamp t=" + t + " is in the future");
      }
    }
    int xs = at[12];
    if (xs >= 0) {
      long x = number(raw, tags.valueStart(xs), tags.valueEnd(xs), "x");
      if (t >= 0 && x < t) {
        throw new DkimSyntaxException("x= is earlier than t=");
      }
      if (x < now - skew) {
        throw new DkimSyntaxException("signature expired (x=" + x + ")");
      }
    }
    bodyHash = base64(raw, tags.valueStart(bh), tags.valueEnd(bh), "bh");
    signature = bFrom < 0 ? new byte[0] : base64(raw, bFrom, bTo, "b");
    if (signature.length == 0) {
      throw new DkimSyntaxException("b= is empty");
    }
    if (sha1) {
      policyProblem = true;
      throw new DkimSyntaxException("rsa-sha1 signatures are not accepted (RFC 8301)");
    }
  }

  /**
   * The names of h= in {@code raw[from..to)}, in lower case (as the header index is keyed), read in
   * place: a common name is a shared string, nothing is allocated for it. At most {@link
   * #MAX_SIGNED_HEADERS}; one must be From.
   */
  private static List<String> signedHeaderNames(byte[] raw, int from, int to)
      throws DkimSyntaxException {
    int count = 1;
    for (int k = from; k < to; k++) {
      count += raw[k] == ':' ? 1 : 0;
    }
    if (count > MAX_SIGNED_HEADERS) {
      // real signatures name tens of fields; thousands only make every verifier work for nothing
      throw new DkimSyntaxException(
          SignatureCaps.SIGNED_HEADERS_MARKER
              + ": "
              + count
              + " header fields, the cap is "
              + MAX_SIGNED_HEADERS);
    }
    List<String> names = new ArrayList<>(count);
    boolean signsFrom = false;
    int i = from;
    while (true) {
      int colon = i;
      while (colon < to && raw[colon] != ':') {
        colon++;
      }
      int a = i;
      int e = colon;
      while (a < e && TagList.isFws(raw[a])) {
        a++;
      }
      while (e > a && TagList.isFws(raw[e - 1])) {
        e--;
      }
      if (a == e) {
        throw new DkimSyntaxException("empty header name in h=");
      }
      String name = HeaderField.lowerCase(raw, a, e);
      signsFrom |= name.equals("from");
      names.add(name);
      if (colon >= to) {
        break;
      }
      i = colon + 1;
    }
    if (!signsFrom) {
      throw new DkimSyntaxException("h= does not sign the From header field");
    }
    return names;
  }

  private static final List<String> ALGORITHMS =
      List.of("rsa-sha256", "ed25519-sha256", "rsa-sha1");
  private static final List<String> CANONICALIZATIONS =
      List.of("relaxed/relaxed", "relaxed/simple", "simple/simple", "simple/relaxed", "simple");

  /**
   * The value of the tag at {@code tag}: one of {@code common} without making a string when it is
   * one of them, else its text; "" when absent.
   */
  private static String known(TagList tags, int tag, List<String> common) {
    for (String k : common) {
      if (tags.valueIs(tag, k)) {
        return k;
      }
    }
    return orEmpty(tags.value(tag));
  }

  private static String orEmpty(@Nullable String s) {
    return s == null ? "" : s;
  }

  /** Whether {@code c[from..to)} names relaxed (true) or simple (false) canonicalization. */
  private static boolean canonicalization(String c, int from, int to) throws DkimSyntaxException {
    int length = to - from;
    if (length == 6 && c.startsWith("simple", from)) {
      return false;
    }
    if (length == 7 && c.startsWith("relaxed", from)) {
      return true;
    }
    throw new DkimSyntaxException(
        "unknown canonicalization c=" + TagList.printable(c.substring(from, to)));
  }

  /** The decimal number in {@code raw[from..to)}, saturating at {@code Long.MAX_VALUE}. */
  private static long number(byte[] raw, int from, int to, String tag) throws DkimSyntaxException {
    if (from == to || to - from > 76) {
      throw new DkimSyntaxException(tag + "= is not a number");
    }
    long n = 0;
    for (int k = from; k < to; k++) {
      byte c = raw[k];
      if (c < '0' || c > '9') {
        throw new DkimSyntaxException(tag + "= is not a number");
      }
      n = n > (Long.MAX_VALUE - 9) / 10 ? Long.MAX_VALUE : n * 10 + (c - '0');
    }
    return n;
  }

  /** The first {@code n} bytes of {@code s[from..to)} that are not folding whitespace. */
  private static String prefix(byte[] s, int from, int to, int n) {
    byte[] b = new byte[n];
    int length = 0;
    for (int k = from; k < to && length < n; k++) {
      byte c = s[k];
      if (!TagList.isFws(c)) {
        b[length++] = c;
      }
    }
    return new String(b, 0, length, StandardCharsets.ISO_8859_1);
  }

  private static final byte FWS = -2;
  private static final byte PAD = -3;

  /** Base64 digit values by character; -1 not base64, FWS folding whitespace, PAD '='. */
  private static final byte[] BASE64 = new byte[128];

  static {
    Arrays.fill(BASE64, (byte) -1);
    String digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int k = 0; k < digits.length(); k++) {
      BASE64[digits.charAt(k)] = (byte) k;
    }
    BASE64[' '] = FWS;
    BASE64['\t'] = FWS;
    BASE64['\r'] = FWS;
    BASE64['\n'] = FWS;
    BASE64['='] = PAD;
  }

  /** Strict base64 that skips folding whitespace, in one pass (b= is long and usually folded). */
  public static byte[] base64(@Nullable String v, String tag) throws DkimSyntaxException {
    byte[] s = v == null ? new byte[0] : v.getBytes(StandardCharsets.UTF_8);
    return base64(s, 0, s.length, tag);
  }

  /**
   * {@link #base64(String, String)} of {@code s[from..to)}, read where it stands (e.g. inside a
   * header field's bytes); an empty array when {@code from} is negative (the tag is absent).
   */
  public static byte[] base64(byte[] s, int from, int to, String tag) throws DkimSyntaxException {
    if (from < 0) {
      return new byte[0];
    }
    // the folding whitespace goes, then the JDK's decoder (an intrinsic, several times faster than
    // a loop here) reads the digits; on any error the loop below says precisely what is wrong
    byte[] digits = new byte[to - from + 8]; // room for the last word's store
    int n = 0;
    long high = 0;
    int i = from;
    while (i < to) {
      if (i + 8 <= to) {
        // eight digits are copied whole; else as many as come before the first whitespace (or
        // control) byte. The step stays 8 on the usual path, not the flag's position: a step that
        // waits for each word's test makes every load wait for the one before
        long w = Swar.get(s, i);
        long whitespace = Swar.atMost(w, ' ');
        Swar.set(digits, n, w);
        high |= w; // bytes past the whitespace are read again below: no harm to the ASCII test
        if (whitespace == 0) {
          n += 8;
          i += 8;
          continue;
        }
        int before = Swar.firstFlagged(whitespace);
        n += before;
        i += before;
      }
      byte c = s[i++];
      digits[n] = c;
      n += TagList.isFws(c) ? 0 : 1;
      high |= c;
    }
    if ((high & Swar.HIGH) == 0) { // ASCII only
      try {
        ByteBuffer decoded = Base64.getDecoder().decode(ByteBuffer.wrap(digits, 0, n));
        byte[] bytes = decoded.array(); // sized to the result for valid input, but not promised
        return decoded.remaining() == bytes.length
            ? bytes
            : Arrays.copyOf(bytes, decoded.remaining());
      } catch (IllegalArgumentException e) {
        // fall through to the exact diagnosis
      }
    }
    return base64Strict(s, from, to, tag);
  }

  private static byte[] base64Strict(byte[] s, int from, int to, String tag)
      throws DkimSyntaxException {
    byte[] out = new byte[(to - from) * 3 / 4 + 3];
    int n = 0;
    int acc = 0;
    int bits = 0;
    int pad = 0;
    for (int i = from; i < to; i++) {
      byte c = s[i];
      int d = c >= 0 ? BASE64[c] : -1;
      if (d < 0) {
        if (d == FWS) {
          continue;
        }
        if (d == PAD) {
          pad++;
          continue;
        }
        throw new DkimSyntaxException(tag + "= is not base64");
      }
      if (pad > 0) {
        throw new DkimSyntaxException(tag + "= is not base64 (data after padding)");
      }
      acc = (acc << 6) | d;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out[n++] = (byte) (acc >> bits);
        acc &= (1 << bits) - 1;
      }
    }
    boolean padOk = pad == 0 || (bits == 4 && pad == 2) || (bits == 2 && pad == 1);
    if (bits >= 6 || !padOk) {
      throw new DkimSyntaxException(tag + "= is not base64 (bad length or padding)");
    }
    return n == out.length ? out : Arrays.copyOf(out, n);
  }

  /** dkim-quoted-printable (RFC 6376 section 2.11): {@code =XX} hex escapes. */
  static String decodeQuotedPrintable(String s) throws DkimSyntaxException {
    if (s.indexOf('=') < 0) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length());
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      if (c == '=') {
        if (k + 2 >= s.length()) {
          throw new DkimSyntaxException("bad quoted-printable escape in i=");
        }
        int hi = Character.digit(s.charAt(k + 1), 16);
        int lo = Character.digit(s.charAt(k + 2), 16);
        if (hi < 0 || lo < 0) {
          throw new DkimSyntaxException("bad quoted-printable escape in i=");
        }
        b.append((char) (hi * 16 + lo));
        k += 2;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /** The name to query for the key: {@code <s>._domainkey.<d>}, lower case. */
  public String keyName() {
    String k = keyName;
    if (k == null) {
      k = (selector + "._domainkey." + domain).toLowerCase(Locale.ROOT);
      keyName = k;
    }
    return k;
  }
}
