package dev.mailwarden;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;

/**
 * An SMTP reply: a three-digit code (RFC 5321 section 4.2), an enhanced status code (RFC 3463) and
 * a single line of text. The text is sanitized on construction so that data from DNS (TXT reasons,
 * SPF explanations) can never inject CR/LF or control characters into the SMTP dialogue.
 */
public record SmtpReply(int code, String enhancedStatus, String text) {

  /** Longest text kept; RFC 5321 limits a reply line to 512 octets including code and CRLF. */
  public static final int MAX_TEXT_LENGTH = 400;

  private static final Pattern ENHANCED = Pattern.compile("[245]\\.\\d{1,3}\\.\\d{1,3}");

  public static final SmtpReply OK = new SmtpReply(250, "2.0.0", "OK");
  public static final SmtpReply REJECTED =
      new SmtpReply(550, "5.7.1", "Message rejected by local policy");
  public static final SmtpReply TRY_AGAIN_LATER =
      new SmtpReply(451, "4.7.1", "Temporary local problem, please try again later");

  public SmtpReply {
    if (code < 200 || code > 599) {
      throw new IllegalArgumentException("SMTP reply code out of range: " + code);
    }
    requireNonNull(enhancedStatus, "enhancedStatus");
    if (!ENHANCED.matcher(enhancedStatus).matches()
        || enhancedStatus.charAt(0) != Integer.toString(code).charAt(0)) {
      throw new IllegalArgumentException(
          "enhanced status '" + enhancedStatus + "' does not match reply code " + code);
    }
    text = sanitize(requireNonNull(text, "text"), MAX_TEXT_LENGTH);
  }

  public static SmtpReply of(int code, String enhancedStatus, String text) {
    return new SmtpReply(code, enhancedStatus, text);
  }

  /** True for 4xx replies. */
  public boolean isTransient() {
    return code >= 400 && code < 500;
  }

  /** True for 5xx replies. */
  public boolean isPermanent() {
    return code >= 500;
  }

  /**
   * Makes untrusted text safe for one protocol line: control characters (including CR, LF, TAB, DEL
   * and C1 controls) and bidirectional formatting characters become spaces, runs of spaces
   * collapse, the result is trimmed and cut to {@code maxLength} characters (an ellipsis marks the
   * cut). Non-ASCII letters are kept.
   */
  public static String sanitize(String untrusted, int maxLength) {
    if (maxLength < 1) {
      throw new IllegalArgumentException("maxLength must be positive: " + maxLength);
    }
    StringBuilder out = new StringBuilder(Math.min(untrusted.length(), maxLength + 1));
    boolean space = true; // drop leading spaces
    for (int i = 0; i < untrusted.length() && out.length() <= maxLength; i++) {
      char c = untrusted.charAt(i);
      boolean control =
          c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029' || isBidi(c);
      if (control || c == ' ') {
        if (!space) {
          out.append(' ');
          space = true;
        }
      } else if (Character.isSurrogate(c) && !validSurrogateAt(untrusted, i)) {
        out.append('?');
        space = false;
      } else {
        out.append(c);
        space = false;
      }
    }
    int end = out.length();
    while (end > 0 && out.charAt(end - 1) == ' ') {
      end--;
    }
    out.setLength(end);
    if (out.length() > maxLength) {
      int ellipsis = Math.min(3, maxLength); // a limit under 4 still holds: "." or ".."
      int cut = maxLength - ellipsis;
      if (cut > 0 && Character.isHighSurrogate(out.charAt(cut - 1))) {
        cut--;
      }
      out.setLength(cut);
      out.append("...", 0, ellipsis);
    }
    return out.toString();
  }

  /**
   * Bidirectional formatting characters (Unicode TR9: embeddings, overrides, isolates, marks) and
   * the BOM: invisible, and able to make a header or log line read differently from what it says
   * ("Trojan Source", CVE-2021-42574). A stranger's text never needs them.
   */
  static boolean isBidi(char c) {
    return c == '\u061c'
        || c == '\u200e'
        || c == '\u200f'
        || (c >= '\u202a' && c <= '\u202e')
        || (c >= '\u2066' && c <= '\u2069')
        || c == '\ufeff';
  }

  private static boolean validSurrogateAt(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }

  /** The reply as sent on the wire, without the trailing CRLF: {@code 550 5.7.1 text}. */
  @Override
  public String toString() {
    return code + " " + enhancedStatus + (text.isEmpty() ? "" : " " + text);
  }
}
