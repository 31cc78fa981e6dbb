package dev.mailwarden.dnsbl.internal;

import dev.mailwarden.internal.DomainNames;
import dev.mailwarden.internal.HeaderIndex;
import dev.mailwarden.internal.HeaderText;
import dev.mailwarden.internal.MailAddresses;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The domains of a message's From header, for domain lists. The header fields come from the
 * evaluation's shared {@link HeaderIndex} (no From value is copied before its length is known to be
 * within the cap); addresses are parsed by core's {@link MailAddresses} (Jakarta Mail).
 */
public final class FromHeader {
  /** Longest From header value parsed (as DMARC's); a longer one is an error naming this cap. */
  public static final int MAX_FROM_VALUE = 16 * 1024;

  /** Longest header block read (far beyond any real one); a longer block gives no domain. */
  static final int MAX_HEADER_BLOCK = 1 << 20;

  private FromHeader() {}

  /** The normalized domains of every From address; empty when there is none or it is malformed. */
  public static List<String> domains(byte[] message) {
    List<String> d = domains(HeaderIndex.of(message, message.length), Integer.MAX_VALUE);
    return d == null ? List.of() : d;
  }

  /**
   * The distinct normalized domains of the From addresses, in order, at most {@code limit + 1} of
   * them: one more than the caller allows is enough to know the limit was passed. A set, not a list
   * search, keeps thousands of addresses linear. Null when a From value read before the limit was
   * passed is longer than {@link #MAX_FROM_VALUE}. Empty when the header block is longer than 1
   * MiB, whatever came first.
   */
  public static @Nullable List<String> domains(HeaderIndex index, int limit) {
    HeaderIndex.Block block = index.block(MAX_HEADER_BLOCK);
    if (block.overCap()) {
      return List.of();
    }
    Set<String> domains = new LinkedHashSet<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < block.size(); i++) {
      if (!block.isNamed(i, "From")) {
        continue;
      }
      if (block.valueLength(i) > MAX_FROM_VALUE) {
        return null; // over the cap: the caller reports it, nothing is parsed
      }
      String v = HeaderText.utf8IfValid(block.value(i));
      try {
        for (MailAddresses.Mailbox a : MailAddresses.parseList(v)) {
          String address = a.address();
          int at = address == null ? -1 : address.lastIndexOf('@');
          // the same raw domain is normalized (IDN, case) once, however often it repeats
          if (at >= 0 && seen.add(address.substring(at + 1))) {
            DomainNames.hostNameOfAddress(address).ifPresent(domains::add);
            if (domains.size() > limit) {
              return new ArrayList<>(domains);
            }
          }
        }
      } catch (MailAddresses.MalformedException malformed) {
        // a malformed From header gives no domain; other checks (DMARC) judge it
      }
    }
    return new ArrayList<>(domains);
  }
}
