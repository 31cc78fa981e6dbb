package dev.mailwarden.dnsbl.internal;

import dev.mailwarden.internal.HeaderText;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.InternetHeaders;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/** The domains of a message's From header, read with Jakarta Mail. */
public final class FromHeader {
  private FromHeader() {}

  /** The normalized domains of every From address; empty when there is none or it is malformed. */
  public static List<String> domains(InputStream message) {
    List<String> out = new ArrayList<>();
    try {
      String[] values = new InternetHeaders(message).getHeader("From");
      if (values == null) {
        return out;
      }
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
    } catch (MessagingException unreadable) {
      return out;
    }
    return out;
  }

}
