package dev.mailwarden.dnsbl.internal;

import dev.mailwarden.internal.HeaderText;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/** The domains of a message's From header: fields split by {@link HeaderText}, addresses parsed by Jakarta Mail. */
public final class FromHeader {
  /** Longest header block read (far beyond any real one). */
  private static final int MAX_HEADER_BLOCK = 1 << 20;

  private FromHeader() {}

  /** The normalized domains of every From address; empty when there is none or it is malformed. */
  public static List<String> domains(InputStream message) {
    List<String> out = new ArrayList<>();
    try {
      List<String> values = HeaderText.fieldValues(message, "From", MAX_HEADER_BLOCK);
      for (String raw : values) {
        String v = HeaderText.utf8IfValid(raw);
        try {
          for (InternetAddress a : InternetAddress.parseHeader(v, false)) {
            String address = a.getAddress();
            if (address != null) {
              DomainNames.ofAddress(address).filter(d -> !out.contains(d)).ifPresent(out::add);
            }
          }
        } catch (AddressException malformed) {
          // a malformed From header gives no domain; other checks (DMARC) judge it
        }
      }
    } catch (IOException unreadable) {
      return out;
    }
    return out;
  }

}
