package dev.mailwarden.auth.spf.internal;

import dev.mailwarden.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A parsed SPF record (RFC 7208 sections 4.5, 4.6, 5 and 6). The whole record is parsed before
 * evaluation, so a syntax error anywhere is a permerror (section 4.6).
 */
public final class SpfRecord {
  /** Mechanism kinds. */
  public enum Kind {
    ALL(false),
    INCLUDE(true),
    A(true),
    MX(true),
    PTR(true),
    IP4(false),
    IP6(false),
    EXISTS(true);

    final boolean queriesDns;

    Kind(boolean queriesDns) {
      this.queriesDns = queriesDns;
    }
  }

  /** One directive: qualifier and mechanism. */
  public static final class Directive {
    public final Outcome qualifier;
    public final Kind kind;

    /** The mechanism as written, without the qualifier. */
    public final String text;

    public final @Nullable MacroString domainSpec;
    public final int cidr4;
    public final int cidr6;

    /** For ip4/ip6: the network address (4 or 16 bytes). */
    public final byte @Nullable [] network;

    Directive(
        Outcome qualifier,
        Kind kind,
        String text,
        @Nullable MacroString domainSpec,
        int cidr4,
        int cidr6,
        byte @Nullable [] network) {
      this.qualifier = qualifier;
      this.kind = kind;
      this.text = text;
      this.domainSpec = domainSpec;
      this.cidr4 = cidr4;
      this.cidr6 = cidr6;
      this.network = network;
    }
  }

  public final List<Directive> directives;
  public final @Nullable MacroString redirect;
  public final @Nullable MacroString exp;

  private SpfRecord(
      List<Directive> directives, @Nullable MacroString redirect, @Nullable MacroString exp) {
    this.directives = List.copyOf(directives);
    this.redirect = redirect;
    this.exp = exp;
  }

  /**
   * True if the TXT bytes are an SPF record: {@code v=spf1} (any case) followed by a space or the
   * end (RFC 7208 section 4.5).
   */
  public static boolean isSpfRecord(byte[] txt) {
    if (txt.length < 6) {
      return false;
    }
    String v = "v=spf1";
    for (int i = 0; i < 6; i++) {
      int c = txt[i] & 0xff;
      if (Character.toLowerCase(c) != v.charAt(i)) {
        return false;
      }
    }
    return txt.length == 6 || txt[6] == ' ';
  }

  /** Parses a record's bytes; only printable ASCII is allowed (RFC 7208 section 3.1, 4.6.1). */
  /** What a parsed record retains, roughly: the list and each directive with its macro parts. */
  int estimatedBytes() {
    return 96 + 160 * directives.size();
  }

  public static SpfRecord parse(byte[] txt) throws SpfSyntaxException {
    char[] chars = new char[txt.length];
    for (int i = 0; i < txt.length; i++) {
      int c = txt[i] & 0xff;
      if (c < 0x20 || c > 0x7e) {
        throw new SpfSyntaxException(
            "record contains the byte 0x"
                + Integer.toHexString(c)
                + " (only printable ASCII is allowed)");
      }
      chars[i] = (char) c;
    }
    return parse(new String(chars));
  }

  /** Parses a record that starts with {@code v=spf1}. */
  public static SpfRecord parse(String record) throws SpfSyntaxException {
    List<Directive> directives = new ArrayList<>();
    MacroString redirect = null;
    MacroString exp = null;
    int i = 6; // after "v=spf1"
    int n = record.length();
    while (i < n) {
      if (record.charAt(i) == ' ') {
        i++;
        continue;
      }
      int end = record.indexOf(' ', i);
      if (end < 0) {
        end = n;
      }
      String term = record.substring(i, end);
      i = end;
      int eq = modifierNameEnd(term);
      if (eq > 0) {
        String name = term.substring(0, eq).toLowerCase(Locale.ROOT);
        String value = term.substring(eq + 1);
        if (name.equals("redirect")) {
          if (redirect != null) {
            throw new SpfSyntaxException("more than one redirect= modifier");
          }
          redirect = MacroString.parseDomainSpec(value);
        } else if (name.equals("exp")) {
          if (exp != null) {
            throw new SpfSyntaxException("more than one exp= modifier");
          }
          exp = MacroString.parseDomainSpec(value);
        } else {
          MacroString.parse(value, false); // unknown modifiers are ignored, but must parse
        }
      } else {
        directives.add(parseDirective(term));
      }
    }
    return new SpfRecord(directives, redirect, exp);
  }

  /**
   * The index of '=' if the term is a modifier (name = ALPHA *(ALPHA / DIGIT / - / _ / .)), else
   * -1.
   */
  private static int modifierNameEnd(String term) {
    int eq = term.indexOf('=');
    if (eq <= 0) {
      return -1;
    }
    char first = term.charAt(0);
    if (!((first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z'))) {
      return -1;
    }
    for (int k = 1; k < eq; k++) {
      char c = term.charAt(k);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '_'
              || c == '.';
      if (!ok) {
        return -1;
      }
    }
    return eq;
  }

  private static Directive parseDirective(String term) throws SpfSyntaxException {
    Outcome q = Outcome.PASS;
    int start = 0;
    char c0 = term.charAt(0);
    switch (c0) {
      case '+' -> start = 1;
      case '-' -> {
        q = Outcome.FAIL;
        start = 1;
      }
      case '~' -> {
        q = Outcome.SOFTFAIL;
        start = 1;
      }
      case '?' -> {
        q = Outcome.NEUTRAL;
        start = 1;
      }
      default -> {}
    }
    String text = term.substring(start);
    int nameEnd = 0;
    while (nameEnd < text.length() && text.charAt(nameEnd) != ':' && text.charAt(nameEnd) != '/') {
      nameEnd++;
    }
    String name = text.substring(0, nameEnd).toLowerCase(Locale.ROOT);
    String rest = text.substring(nameEnd);
    switch (name) {
      case "all" -> {
        if (!rest.isEmpty()) {
          throw new SpfSyntaxException("'all' takes no argument: " + term);
        }
        return new Directive(q, Kind.ALL, text, null, 32, 128, null);
      }
      case "include", "exists" -> {
        if (!rest.startsWith(":")) {
          throw new SpfSyntaxException("'" + name + "' needs a domain: " + term);
        }
        MacroString spec = MacroString.parseDomainSpec(rest.substring(1));
        return new Directive(
            q, name.equals("include") ? Kind.INCLUDE : Kind.EXISTS, text, spec, 32, 128, null);
      }
      case "ptr" -> {
        MacroString spec = null;
        if (rest.startsWith(":")) {
          spec = MacroString.parseDomainSpec(rest.substring(1));
        } else if (!rest.isEmpty()) {
          throw new SpfSyntaxException("'ptr' takes no CIDR length: " + term);
        }
        return new Directive(q, Kind.PTR, text, spec, 32, 128, null);
      }
      case "a", "mx" -> {
        MacroString spec = null;
        String cidr = rest;
        if (rest.startsWith(":")) {
          String body = rest.substring(1);
          int cut = dualCidrStart(body);
          spec = MacroString.parseDomainSpec(body.substring(0, cut));
          cidr = body.substring(cut);
        }
        int[] lengths = parseDualCidr(cidr, term);
        return new Directive(
            q, name.equals("a") ? Kind.A : Kind.MX, text, spec, lengths[0], lengths[1], null);
      }
      case "ip4" -> {
        if (!rest.startsWith(":")) {
          throw new SpfSyntaxException("'ip4' needs an address: " + term);
        }
        String arg = rest.substring(1);
        int slash = arg.indexOf('/');
        String addr = slash < 0 ? arg : arg.substring(0, slash);
        int len = slash < 0 ? 32 : parseLength(arg.substring(slash + 1), 32, term);
        byte[] net = Ip.parseIpv4(addr);
        if (net == null) {
          throw new SpfSyntaxException("not an IPv4 address: " + term);
        }
        return new Directive(q, Kind.IP4, text, null, len, 128, net);
      }
      case "ip6" -> {
        if (!rest.startsWith(":")) {
          throw new SpfSyntaxException("'ip6' needs an address: " + term);
        }
        String arg = rest.substring(1);
        int slash = arg.indexOf('/');
        String addr = slash < 0 ? arg : arg.substring(0, slash);
        int len = slash < 0 ? 128 : parseLength(arg.substring(slash + 1), 128, term);
        byte[] net = Ip.parseIpv6(addr);
        if (net == null) {
          throw new SpfSyntaxException("not an IPv6 address: " + term);
        }
        return new Directive(q, Kind.IP6, text, null, 32, len, net);
      }
      default -> throw new SpfSyntaxException("unknown mechanism: " + term);
    }
  }

  /** Where a trailing dual-cidr-length ({@code /n}, {@code //n}, {@code /n//m}) starts. */
  private static int dualCidrStart(String body) {
    int end = body.length();
    int k = end;
    // optional "//" digits
    int d = k;
    while (d > 0 && Character.isDigit(body.charAt(d - 1))) {
      d--;
    }
    if (d < k && d >= 2 && body.charAt(d - 1) == '/' && body.charAt(d - 2) == '/') {
      k = d - 2;
    }
    d = k;
    while (d > 0 && Character.isDigit(body.charAt(d - 1))) {
      d--;
    }
    if (d < k && d >= 1 && body.charAt(d - 1) == '/' && (d < 2 || body.charAt(d - 2) != '/')) {
      k = d - 1;
    }
    return k;
  }

  private static int[] parseDualCidr(String cidr, String term) throws SpfSyntaxException {
    int v4 = 32;
    int v6 = 128;
    String s = cidr;
    if (s.isEmpty()) {
      return new int[] {v4, v6};
    }
    int dbl = s.indexOf("//");
    String four = dbl < 0 ? s : s.substring(0, dbl);
    String six = dbl < 0 ? null : s.substring(dbl + 2);
    if (!four.isEmpty()) {
      if (!four.startsWith("/")) {
        throw new SpfSyntaxException("bad CIDR length: " + term);
      }
      v4 = parseLength(four.substring(1), 32, term);
    }
    if (six != null) {
      v6 = parseLength(six, 128, term);
    }
    return new int[] {v4, v6};
  }

  private static int parseLength(String digits, int max, String term) throws SpfSyntaxException {
    if (digits.isEmpty()
        || digits.length() > 3
        || (digits.length() > 1 && digits.charAt(0) == '0')) {
      throw new SpfSyntaxException("bad CIDR length: " + term);
    }
    int v = 0;
    for (int i = 0; i < digits.length(); i++) {
      char c = digits.charAt(i);
      if (c < '0' || c > '9') {
        throw new SpfSyntaxException("bad CIDR length: " + term);
      }
      v = v * 10 + (c - '0');
    }
    if (v > max) {
      throw new SpfSyntaxException("CIDR length over " + max + ": " + term);
    }
    return v;
  }
}
