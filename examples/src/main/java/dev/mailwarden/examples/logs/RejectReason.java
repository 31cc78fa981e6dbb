package dev.mailwarden.examples.logs;

/**
 * Names the reason of a Postfix reject in a few words an admin can count: which DNSBL, HELO, SPF,
 * DMARC, unknown user, relay, the policy service's text, ... Linear in the text, no regex.
 */
final class RejectReason {
  private static final int MAX_DETAIL = 60;

  private RejectReason() {}

  /**
   * @param reply what follows {@code "reject: RCPT from host[ip]: "} (the SMTP reply and the {@code
   *     from=<> to=<>} trailer)
   */
  static String classify(String reply) {
    int b = reply.indexOf(" blocked using ");
    if (b >= 0) {
      return "DNSBL " + word(reply, b + 15);
    }
    int h = reply.indexOf("Helo command rejected: ");
    if (h >= 0) {
      return "HELO: " + detail(reply, h + 23);
    }
    if (reply.contains("SPF")) {
      return "SPF";
    }
    if (reply.contains("DMARC")) {
      return "DMARC";
    }
    if (reply.contains("User unknown")) {
      return "unknown user";
    }
    if (reply.contains("Relay access denied")) {
      return "relay access denied";
    }
    int s = reply.indexOf("Sender address rejected: ");
    if (s >= 0) {
      return "sender: " + detail(reply, s + 25);
    }
    int c = reply.indexOf("Client host rejected: ");
    if (c >= 0) {
      return "client: " + detail(reply, c + 22);
    }
    int r = reply.indexOf("Recipient address rejected: ");
    if (r >= 0) {
      return "policy: " + detail(reply, r + 28);
    }
    if (reply.contains("Message size exceeds")) {
      return "message size";
    }
    if (reply.contains("Improper use of SMTP command pipelining")) {
      return "pipelining";
    }
    if (reply.contains("Protocol error")) {
      return "protocol error";
    }
    if (reply.contains("Server configuration")) {
      return "local configuration error";
    }
    if (reply.contains("Access denied")) {
      return "access denied";
    }
    // "554 5.7.1 <x@y>: text; from=<...>": drop the codes and the address, keep the text
    int i = 0;
    int n = reply.length();
    while (i < n
        && (Character.isDigit(reply.charAt(i))
            || reply.charAt(i) == '.'
            || reply.charAt(i) == ' ')) {
      i++;
    }
    if (i < n && reply.charAt(i) == '<') {
      int close = reply.indexOf(">: ", i);
      if (close > 0) {
        i = close + 3;
      }
    }
    return "other: " + detail(reply, i);
  }

  /** The text from {@code from} up to ';' or ',' (or the end), cut at 60 characters. */
  static String detail(String s, int from) {
    int end = from;
    int n = s.length();
    while (end < n && s.charAt(end) != ';' && s.charAt(end) != ',' && end - from < MAX_DETAIL) {
      end++;
    }
    return s.substring(Math.min(from, n), end).strip();
  }

  private static String word(String s, int from) {
    int end = from;
    int n = s.length();
    while (end < n
        && s.charAt(end) != ';'
        && s.charAt(end) != ','
        && !SyslogLine.space(s.charAt(end))
        && end - from < MAX_DETAIL) {
      end++;
    }
    return s.substring(from, end);
  }
}
