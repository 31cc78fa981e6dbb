package dev.mailwarden.internal;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeUtility;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Addresses in header values, parsed by Jakarta Mail (never by hand), so that no other module needs
 * it to read a From header. Non-strict, as mail is: RFC 5322 obsolete forms are accepted.
 */
public final class MailAddresses {
  private MailAddresses() {}

  /**
   * One entry of an address list: a mailbox, or a group ({@code name: a@x, b@y;}), whose address is
   * then the group's text as Jakarta Mail gives it.
   */
  public static final class Mailbox { // a plain class: Jazzer 0.24 breaks records it instruments
    private final @Nullable String address;
    private final boolean group;

    Mailbox(@Nullable String address, boolean group) {
      this.address = address;
      this.group = group;
    }

    /** The addr-spec ({@code local@domain}), or null when the entry has none. */
    public @Nullable String address() {
      return address;
    }

    public boolean isGroup() {
      return group;
    }

    @Override
    public String toString() {
      return group ? "group " + address : String.valueOf(address);
    }
  }

  /** A header value that is not an address list; the message is Jakarta Mail's. */
  public static final class MalformedException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * The entries of an address-list header value (folded or not).
   *
   * @throws MalformedException when the value does not parse
   */
  public static List<Mailbox> parseList(String value) throws MalformedException {
    InternetAddress[] parsed;
    try {
      parsed = InternetAddress.parseHeader(value, false);
    } catch (AddressException e) {
      throw new MalformedException(e.getMessage(), e);
    }
    List<Mailbox> out = new ArrayList<>(parsed.length);
    for (InternetAddress a : parsed) {
      out.add(new Mailbox(a.getAddress(), a.isGroup()));
    }
    return out;
  }

  /**
   * The domain of one address ({@code local@domain}, strict RFC 822 syntax), lower case, without a
   * trailing dot; null when it does not parse or has no domain.
   */
  public static @Nullable String domainOf(String address) {
    String a;
    try {
      a = new InternetAddress(address, true).getAddress();
    } catch (AddressException | IllegalArgumentException e) {
      return null;
    }
    int at = a == null ? -1 : a.lastIndexOf('@');
    if (at < 0 || at == a.length() - 1) {
      return null;
    }
    return DomainNames.stripDot(a.substring(at + 1).toLowerCase(Locale.ROOT));
  }

  /** The value with its folding (CRLF before whitespace) removed (RFC 5322 section 2.2.3). */
  public static String unfold(String value) {
    return MimeUtility.unfold(value);
  }
}
