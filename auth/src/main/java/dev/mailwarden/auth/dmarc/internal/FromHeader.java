package dev.mailwarden.auth.dmarc.internal;

import dev.mailwarden.internal.HeaderText;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeUtility;
import java.io.IOException;
import java.io.InputStream;
import java.net.IDN;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Finds the RFC5322.From domain DMARC evaluates. Exactly one From header with exactly one mailbox
 * that has a domain is accepted; anything else is a permerror, because receivers that pick "the
 * first" of several From headers or addresses can be made to check a domain the reader does not see
 * (OpenDMARC CVE-2019-16378, CVE-2021-34555).
 */
public final class FromHeader {

  /** Longest header block read before giving up (far beyond any real one). */
  private static final int MAX_HEADER_BLOCK = 1 << 20;

  /**
   * Longest From header value parsed: one mailbox never needs more, and the address parser's cost
   * grows with the text (a 400 KB list of addresses took milliseconds).
   */
  public static final int MAX_FROM_VALUE = 16 * 1024;

  /** How the problem starts when the From value was over {@link #MAX_FROM_VALUE}. */
  public static final String OVER_CAP = "From header longer than " + MAX_FROM_VALUE + " characters";

  /** Longest domain accepted (RFC 1035). */
  private static final int MAX_DOMAIN = 253;

  /**
   * Either a domain (A-labels, lower case) or a reason it could not be found. A plain class, not a
   * record: Jazzer 0.24's instrumentation breaks this record's constructor ({@code
   * NoSuchFieldError: domain}) and FromHeaderFuzzTest could not fuzz it.
   */
  public static final class Extracted {
    private final @Nullable String domain;
    private final String problem;

    Extracted(@Nullable String domain, String problem) {
      this.domain = domain;
      this.problem = problem;
    }

    public @Nullable String domain() {
      return domain;
    }

    public String problem() {
      return problem;
    }

    public boolean ok() {
      return domain != null;
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof Extracted e
          && Objects.equals(domain, e.domain)
          && problem.equals(e.problem);
    }

    @Override
    public int hashCode() {
      return Objects.hash(domain, problem);
    }

    @Override
    public String toString() {
      return domain != null ? domain : "no domain: " + problem;
    }
  }

  private FromHeader() {}

  /**
   * Reads the header block of a raw message and extracts the From domain. Fields are split by
   * {@link HeaderText}, not Jakarta Mail's {@code InternetHeaders}, whose stream constructor looks
   * its line reader up through {@code ServiceLoader} on every call (it was most of a DMARC check's
   * time and allocation); addresses are still parsed by Jakarta Mail.
   */
  public static Extracted fromMessage(InputStream message) {
    List<String> values;
    try {
      values = HeaderText.fieldValues(message, "From", MAX_HEADER_BLOCK);
    } catch (IOException | RuntimeException e) {
      return fail("message header block is unreadable: " + e.getMessage());
    }
    if (values.isEmpty()) {
      return fail("no From header");
    }
    if (values.size() > 1) {
      return fail(values.size() + " From headers (exactly one is required)");
    }
    if (values.get(0).length() > MAX_FROM_VALUE) {
      return fail(OVER_CAP + " (the cap); not parsed");
    }
    return fromHeaderValue(HeaderText.utf8IfValid(values.get(0)));
  }

  /** Extracts the domain from one From header value (unfolded or folded). */
  public static Extracted fromHeaderValue(String rawValue) {
    String value = MimeUtility.unfold(rawValue).strip();
    if (value.isEmpty()) {
      return fail("empty From header");
    }
    InternetAddress[] addresses;
    try {
      addresses = InternetAddress.parseHeader(value, false);
    } catch (AddressException e) {
      return fail("From header does not parse: " + e.getMessage());
    }
    if (addresses.length != 1) {
      return fail(
          addresses.length == 0
              ? "From header has no address"
              : "From header has " + addresses.length + " addresses (exactly one is required)");
    }
    InternetAddress a = addresses[0];
    if (a.isGroup()) {
      return fail("From header is a group");
    }
    String address = a.getAddress();
    if (address == null) {
      return fail("From header has no address");
    }
    int at = address.lastIndexOf('@');
    if (at < 0 || at == address.length() - 1) {
      return fail("From address has no domain");
    }
    String domain = address.substring(at + 1).strip();
    if (domain.startsWith("[")) {
      return fail("From address has an address literal, not a domain");
    }
    return toDomain(domain);
  }

  /** Normalises a domain: lower case, A-labels, no trailing dot; a failure for invalid names. */
  public static Extracted toDomain(String domain) {
    String d = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
    String ascii;
    try {
      ascii = IDN.toASCII(d, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      return fail("From domain is not a valid domain name");
    }
    if (ascii.isEmpty()
        || ascii.length() > MAX_DOMAIN
        || ascii.startsWith(".")
        || ascii.endsWith(".")
        || ascii.contains("..")) {
      return fail("From domain is not a valid domain name");
    }
    for (int i = 0; i < ascii.length(); i++) {
      char c = ascii.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
      if (!ok) {
        return fail("From domain is not a valid domain name");
      }
    }
    if (!ascii.contains(".")) {
      return fail("From domain '" + ascii + "' is a single label");
    }
    return new Extracted(ascii, "");
  }

  private static Extracted fail(String problem) {
    return new Extracted(null, problem);
  }
}
