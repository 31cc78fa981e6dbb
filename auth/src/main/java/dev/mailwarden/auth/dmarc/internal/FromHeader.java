package dev.mailwarden.auth.dmarc.internal;

import dev.mailwarden.internal.DomainNames;
import dev.mailwarden.internal.HeaderIndex;
import dev.mailwarden.internal.HeaderText;
import dev.mailwarden.internal.MailAddresses;
import java.util.List;
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

  /** Extracts the From domain of a raw message (its header fields split here). */
  public static Extracted fromMessage(byte[] message) {
    return fromHeaders(HeaderIndex.of(message, message.length));
  }

  /**
   * Extracts the From domain from a message's header fields, as split by the evaluation's shared
   * {@link HeaderIndex} (not Jakarta Mail's {@code InternetHeaders}, whose stream constructor looks
   * its line reader up through {@code ServiceLoader} on every call); addresses are still parsed by
   * Jakarta Mail, through core's {@link MailAddresses}.
   */
  public static Extracted fromHeaders(HeaderIndex index) {
    HeaderIndex.Block block = index.block(MAX_HEADER_BLOCK);
    if (block.overCap()) {
      return fail(
          "message header block is unreadable: header block longer than "
              + MAX_HEADER_BLOCK
              + " bytes");
    }
    int found = -1;
    int count = 0;
    for (int i = 0; i < block.size(); i++) {
      if (block.isNamed(i, "From")) {
        found = found < 0 ? i : found;
        count++;
      }
    }
    if (count == 0) {
      return fail("no From header");
    }
    if (count > 1) {
      return fail(count + " From headers (exactly one is required)");
    }
    if (block.valueLength(found) > MAX_FROM_VALUE) {
      return fail(OVER_CAP + " (the cap); not parsed");
    }
    return fromHeaderValue(HeaderText.utf8IfValid(block.value(found)));
  }

  /** Extracts the domain from one From header value (unfolded or folded). */
  public static Extracted fromHeaderValue(String rawValue) {
    String value = MailAddresses.unfold(rawValue).strip();
    if (value.isEmpty()) {
      return fail("empty From header");
    }
    List<MailAddresses.Mailbox> addresses;
    try {
      addresses = MailAddresses.parseList(value);
    } catch (MailAddresses.MalformedException e) {
      return fail("From header does not parse: " + e.getMessage());
    }
    if (addresses.size() != 1) {
      return fail(
          addresses.isEmpty()
              ? "From header has no address"
              : "From header has " + addresses.size() + " addresses (exactly one is required)");
    }
    MailAddresses.Mailbox a = addresses.get(0);
    if (a.isGroup()) {
      return fail("From header is a group");
    }
    String address = a.address();
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

  /**
   * Normalises a domain: lower case, A-labels, no trailing dot ({@link DomainNames#toAscii}); a
   * failure for invalid names and single labels.
   */
  public static Extracted toDomain(String domain) {
    String ascii = DomainNames.toAscii(DomainNames.stripDot(domain));
    if (ascii == null) {
      return fail("From domain is not a valid domain name");
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
