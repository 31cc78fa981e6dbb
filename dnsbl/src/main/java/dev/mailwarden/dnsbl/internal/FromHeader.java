package dev.mailwarden.dnsbl.internal;

import dev.mailwarden.internal.DomainNames;
import dev.mailwarden.internal.HeaderText;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The domains of a message's From header. The header block is scanned once, byte by byte, and only
 * the From fields' values are kept (each up to its cap); every other line is skipped without
 * becoming a String. Addresses are parsed by Jakarta Mail.
 *
 * <p>Fields are split as {@link HeaderText#fieldValues} splits them: lines end at LF (a CR before
 * it dropped), a line starting with space or tab continues the field above (joined by CRLF), the
 * name before the first colon is compared without surrounding whitespace and case, and the value
 * loses the spaces and tabs after the colon.
 */
public final class FromHeader {
  /** Longest From header value parsed (as DMARC's); a longer one is an error naming this cap. */
  public static final int MAX_FROM_VALUE = 16 * 1024;

  /** Longest header block read (far beyond any real one); a longer block gives no domain. */
  private static final int MAX_HEADER_BLOCK = 1 << 20;

  /** Bytes read from the stream at a time (may read past the header: the body is not wanted). */
  static final int CHUNK = 4096;

  private FromHeader() {}

  /** The normalized domains of every From address; empty when there is none or it is malformed. */
  public static List<String> domains(InputStream message) {
    List<String> d = domains(message, Integer.MAX_VALUE);
    return d == null ? List.of() : d;
  }

  /**
   * The distinct normalized domains of the From addresses, in order, at most {@code limit + 1} of
   * them: one more than the caller allows is enough to know the limit was passed. A set, not a list
   * search, keeps thousands of addresses linear. Null when a From value is longer than {@link
   * #MAX_FROM_VALUE}. Empty when the stream fails or the header block is longer than 1 MiB.
   */
  public static @Nullable List<String> domains(InputStream message, int limit) {
    Domains out = new Domains(limit);
    FieldReader reader = new FieldReader(out);
    byte[] chunk = new byte[CHUNK];
    try {
      int n;
      while ((n = message.read(chunk)) > 0) {
        if (reader.feed(chunk, n)) {
          break;
        }
      }
      reader.end();
    } catch (IOException unreadable) {
      return List.of();
    }
    if (reader.overBlock) {
      return List.of();
    }
    return out.overCap ? null : new ArrayList<>(out.domains);
  }

  /** The domains of the From values in order, until a value over the cap or one past the limit. */
  private static final class Domains {
    private final int limit;
    private final Set<String> domains = new LinkedHashSet<>();
    private final Set<String> seen = new HashSet<>();
    private boolean overCap;
    private boolean done;

    Domains(int limit) {
      this.limit = limit;
    }

    void value(byte[] bytes, int length) {
      if (done) {
        return;
      }
      if (length > MAX_FROM_VALUE) {
        overCap = true; // over the cap: the caller reports it, nothing is parsed
        done = true;
        return;
      }
      String v = HeaderText.utf8IfValid(new String(bytes, 0, length, StandardCharsets.ISO_8859_1));
      try {
        for (InternetAddress a : InternetAddress.parseHeader(v, false)) {
          String address = a.getAddress();
          int at = address == null ? -1 : address.lastIndexOf('@');
          // the same raw domain is normalized (IDN, case) once, however often it repeats
          if (at >= 0 && seen.add(address.substring(at + 1))) {
            DomainNames.hostNameOfAddress(address).ifPresent(domains::add);
            if (domains.size() > limit) {
              done = true;
              return;
            }
          }
        }
      } catch (AddressException malformed) {
        // a malformed From header gives no domain; other checks (DMARC) judge it
      }
    }
  }

  /**
   * One linear pass over the header block that hands each From value to {@link Domains} when its
   * field ends. Holds one value of at most {@code MAX_FROM_VALUE + 1} bytes (one more than the cap
   * tells it was passed); the rest of a longer value, and every other field, is only scanned for
   * its line end. Still reads to the end of the block after a decision, so a block over 1 MiB gives
   * no domain whatever came first.
   */
  private static final class FieldReader {
    private static final int LINE_START = 0;
    private static final int NAME = 1;
    private static final int VALUE_START = 2;
    private static final int VALUE = 3;
    private static final int SKIP = 4;
    private static final byte[] FROM = {'f', 'r', 'o', 'm'};

    private final Domains out;
    private byte[] value = new byte[0]; // allocated at the first From field

    /** Bytes of the From value being read; -1 when the current field is not From. */
    private int valueLength = -1;

    private int state = LINE_START;

    /** Bytes of the current line so far, a CR waiting for its LF not counted. */
    private int lineLength;

    private boolean pendingCr;

    /**
     * Letters of "from" matched in the current line's name; {@code nameTrailing} once whitespace
     * follows them.
     */
    private int nameMatched;

    private boolean nameTrailing;
    private int read;
    boolean overBlock;

    FieldReader(Domains out) {
      this.out = out;
    }

    /** Reads {@code n} bytes of the stream; true once the block has ended (or passed its cap). */
    boolean feed(byte[] chunk, int n) {
      for (int i = 0; i < n; i++) {
        if (state == SKIP) { // the rest of a line nothing needs: jump to its LF
          int end = i;
          while (end < n && chunk[end] != '\n') {
            end++;
          }
          read += end - i;
          if (read > MAX_HEADER_BLOCK) {
            overBlock = true;
            return true;
          }
          pendingCr = false;
          i = end;
          if (i == n) {
            break;
          }
        }
        if (++read > MAX_HEADER_BLOCK) {
          overBlock = true;
          return true;
        }
        byte c = chunk[i];
        if (c == '\n') {
          pendingCr = false;
          if (lineLength == 0) {
            endField(); // the empty line that ends the header block
            return true;
          }
          lineLength = 0;
          state = LINE_START;
          continue;
        }
        if (pendingCr) { // a CR not followed by LF is part of the line
          pendingCr = false;
          lineByte((byte) '\r');
        }
        if (c == '\r') {
          pendingCr = true;
        } else {
          lineByte(c);
        }
      }
      return false;
    }

    /** The stream ended without an empty line: what was read is the whole block. */
    void end() {
      if (overBlock) {
        return;
      }
      if (pendingCr) {
        pendingCr = false;
        lineByte((byte) '\r');
      }
      endField();
    }

    private void lineByte(byte c) {
      if (lineLength++ == 0) {
        if (c == ' ' || c == '\t') { // a continuation line
          if (valueLength >= 0) {
            append((byte) '\r');
            append((byte) '\n');
            append(c);
            state = valueLength > MAX_FROM_VALUE ? SKIP : VALUE;
          } else {
            state = SKIP;
          }
          return;
        }
        endField();
        state = NAME;
        nameMatched = 0;
        nameTrailing = false;
      }
      switch (state) {
        case NAME -> nameByte(c);
        case VALUE_START -> {
          if (c != ' ' && c != '\t') {
            state = VALUE;
            append(c);
          }
        }
        case VALUE -> append(c);
        default -> {} // SKIP
      }
    }

    /**
     * The name before the first colon, compared as {@code name.strip().equalsIgnoreCase("From")}.
     */
    private void nameByte(byte c) {
      if (c == ':') {
        if (nameMatched == FROM.length && !out.done) {
          if (value.length == 0) {
            value = new byte[MAX_FROM_VALUE + 1];
          }
          valueLength = 0;
          state = VALUE_START;
        } else {
          state = SKIP;
        }
      } else if (Character.isWhitespace((char) (c & 0xff))) {
        if (nameMatched == FROM.length) {
          nameTrailing = true;
        } else if (nameMatched > 0) {
          state = SKIP;
        }
      } else {
        int lower = c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
        if (nameTrailing || nameMatched == FROM.length || lower != FROM[nameMatched]) {
          state = SKIP;
        } else {
          nameMatched++;
        }
      }
    }

    private void append(byte c) {
      if (valueLength > MAX_FROM_VALUE) {
        return;
      }
      value[valueLength++] = c;
      if (valueLength > MAX_FROM_VALUE) {
        state = SKIP; // over the cap: its length is all that matters now
      }
    }

    private void endField() {
      if (valueLength >= 0) {
        out.value(value, valueLength);
        valueLength = -1;
      }
    }
  }
}
