package dev.mailwarden.dnsbl.internal;

import dev.mailwarden.internal.HeaderText;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** The domains of a message's From header: fields split by {@link HeaderText}, addresses parsed by Jakarta Mail. */
public final class FromHeader {
  /** Longest From header value parsed (as DMARC's); a longer one is an error naming this cap. */
  public static final int MAX_FROM_VALUE = 16 * 1024;

  /** Longest header block read (far beyond any real one). */
  private static final int MAX_HEADER_BLOCK = 1 << 20;

  private FromHeader() {}

  /** The normalized domains of every From address; empty when there is none or it is malformed. */
  public static List<String> domains(InputStream message) {
    List<String> d = domains(message, Integer.MAX_VALUE);
    return d == null ? List.of() : d;
  }

  /**
   * The distinct normalized domains of the From addresses, in order, at most {@code limit + 1} of
   * them: one more than the caller allows is enough to know the limit was passed. A set, not a
   * list search, keeps thousands of addresses linear. Null when a From value is longer than
   * {@link #MAX_FROM_VALUE}.
   */
  public static @Nullable List<String> domains(InputStream message, int limit) {
    Set<String> out = new LinkedHashSet<>();
    Set<String> seen = new java.util.HashSet<>();
    try {
      List<String> values = HeaderText.fieldValues(message, "From", MAX_HEADER_BLOCK);
      for (String raw : values) {
        if (raw.length() > MAX_FROM_VALUE) {
          return null; // over the cap: the caller reports it, nothing is parsed
        }
        String v = HeaderText.utf8IfValid(raw);
        try {
          for (InternetAddress a : InternetAddress.parseHeader(v, false)) {
            String address = a.getAddress();
            int at = address == null ? -1 : address.lastIndexOf('@');
            // the same raw domain is normalized (IDN, case) once, however often it repeats
            if (at >= 0 && seen.add(address.substring(at + 1))) {
              DomainNames.ofAddress(address).ifPresent(out::add);
              if (out.size() > limit) {
                return new ArrayList<>(out);
              }
            }
          }
        } catch (AddressException malformed) {
          // a malformed From header gives no domain; other checks (DMARC) judge it
        }
      }
    } catch (IOException unreadable) {
      return new ArrayList<>(out);
    }
    return new ArrayList<>(out);
  }

}
