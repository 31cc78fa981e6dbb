package dev.mailwarden.examples.logs;

/**
 * One syslog line taken apart without regular expressions or copies of the whole line: the
 * timestamp (classic {@code Dec 5 08:00:01} or RFC 3339), the host, and for Postfix lines the
 * daemon and the first token of the message (the queue id, {@code NOQUEUE}, {@code warning}, ...).
 * Reused from line to line (one instance per analyzer, not thread-safe).
 *
 * <p>The rules follow what pflogsumm 1.1.5 accepts, so that totals agree: a classic timestamp is
 * three characters, one or two spaces, a day, {@code hh:mm:ss}, one space, the host and one space;
 * the daemon ({@link #command()}) is what follows {@code postfix/} (after an optional {@code
 * smtps/} or {@code submission/}) up to {@code [} or {@code :}; the token is the first run of
 * characters other than colon and white space after a {@code ": "}.
 */
final class SyslogLine {
  private static final String[] MONTHS = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
  };

  private final String syslogName;
  private String line = "";

  /** -1 for classic syslog lines (no year). */
  int year;

  /** 0..11, -1 for an unknown month name. */
  int month;

  int day;
  int hour;
  int minute;
  int second;

  /** Index of the text after the host. */
  int rest;

  private String command = "";
  private int commandStart;
  private int commandEnd;
  private String token = "";

  /** Index of the first character after the token. */
  int tokenEnd;

  /** Index of the message after the {@code "program[pid]: "} prefix. */
  int message;

  SyslogLine(String syslogName) {
    this.syslogName = syslogName;
  }

  String line() {
    return line;
  }

  /** Parses the timestamp and host; false when the line has neither timestamp format. */
  boolean parse(String s) {
    this.line = s;
    return classic(s) || rfc3339(s);
  }

  private boolean classic(String s) {
    int n = s.length();
    if (n < 17 || s.charAt(3) != ' ') {
      return false;
    }
    int i = 4;
    if (s.charAt(i) == ' ') {
      i++;
    }
    if (!digit(s, i)) {
      return false;
    }
    int d = s.charAt(i++) - '0';
    if (digit(s, i)) {
      d = d * 10 + s.charAt(i++) - '0';
    }
    if (i + 10 > n || s.charAt(i) != ' ') {
      return false;
    }
    i++;
    if (!twoDigits(s, i)
        || s.charAt(i + 2) != ':'
        || !twoDigits(s, i + 3)
        || s.charAt(i + 5) != ':'
        || !twoDigits(s, i + 6)
        || s.charAt(i + 8) != ' ') {
      return false;
    }
    int h = num2(s, i);
    int mi = num2(s, i + 3);
    int se = num2(s, i + 6);
    int r = host(s, i + 9);
    if (r < 0) {
      return false;
    }
    year = -1;
    month = monthOf(s);
    day = d;
    hour = h;
    minute = mi;
    second = se;
    rest = r;
    return true;
  }

  private boolean rfc3339(String s) {
    int n = s.length();
    if (n < 23
        || !twoDigits(s, 0)
        || !twoDigits(s, 2)
        || s.charAt(4) != '-'
        || !twoDigits(s, 5)
        || s.charAt(7) != '-'
        || !twoDigits(s, 8)
        || s.charAt(10) != 'T'
        || !twoDigits(s, 11)
        || s.charAt(13) != ':'
        || !twoDigits(s, 14)
        || s.charAt(16) != ':'
        || !twoDigits(s, 17)) {
      return false;
    }
    int i = 19;
    if (i < n && s.charAt(i) == '.') {
      i++;
      if (!digit(s, i)) {
        return false;
      }
      while (digit(s, i)) {
        i++;
      }
    }
    if (i < n && s.charAt(i) == 'Z') {
      i++;
    } else if (i + 6 <= n
        && (s.charAt(i) == '+' || s.charAt(i) == '-')
        && twoDigits(s, i + 1)
        && s.charAt(i + 3) == ':'
        && twoDigits(s, i + 4)) {
      i += 6;
    } else {
      return false;
    }
    if (i >= n || s.charAt(i) != ' ') {
      return false;
    }
    int r = host(s, i + 1);
    if (r < 0) {
      return false;
    }
    year = num2(s, 0) * 100 + num2(s, 2);
    month = num2(s, 5) - 1;
    day = num2(s, 8);
    hour = num2(s, 11);
    minute = num2(s, 14);
    second = num2(s, 17);
    rest = r;
    return true;
  }

  /**
   * The index after "host ", or -1: the host is a run of non-space characters, then one space, then
   * at least one character.
   */
  private static int host(String s, int i) {
    int n = s.length();
    int j = i;
    while (j < n && !space(s.charAt(j))) {
      j++;
    }
    if (j == i || j >= n || s.charAt(j) != ' ' || j + 1 >= n) {
      return -1;
    }
    return j + 1;
  }

  /**
   * Takes apart a Postfix program prefix after the host; false when the line is not from Postfix
   * (pflogsumm ignores such lines).
   */
  boolean parsePostfix() {
    String s = line;
    int r = rest;
    int n = s.length();
    if (s.startsWith(syslogName, r)
        && r + syslogName.length() < n
        && s.charAt(r + syslogName.length()) == '/') {
      int p = r + syslogName.length();
      int cmdStart;
      if (s.startsWith("/smtps/", p)) {
        cmdStart = p + 7;
      } else if (s.startsWith("/submission/", p)) {
        cmdStart = p + 12;
      } else {
        cmdStart = p + 1;
      }
      int cmdEnd = cmdStart;
      while (cmdEnd < n && s.charAt(cmdEnd) != '[' && s.charAt(cmdEnd) != ':') {
        cmdEnd++;
      }
      if (findToken(s, cmdEnd)) {
        command = null;
        commandStart = cmdStart;
        commandEnd = cmdEnd;
        return true;
      }
    }
    if (s.startsWith("postfix", r)) {
      int p = r + 7;
      if (s.startsWith("-script", p)) {
        p += 7;
      }
      int cmdEnd = p;
      if (p < n && s.charAt(p) == '[') {
        int q = p + 1;
        while (digit(s, q)) {
          q++;
        }
        if (q > p + 1 && q < n && s.charAt(q) == ']') {
          p = q + 1;
        }
      }
      if (s.startsWith(": ", p) && p + 2 < n && tokenChar(s.charAt(p + 2))) {
        int e = p + 2;
        while (e < n && tokenChar(s.charAt(e))) {
          e++;
        }
        token = s.substring(p + 2, e);
        tokenEnd = e;
        message = p + 2;
        command = null;
        commandStart = r;
        commandEnd = cmdEnd;
        return true;
      }
    }
    return false;
  }

  private boolean findToken(String s, int from) {
    int n = s.length();
    int i = from;
    while (true) {
      int c = s.indexOf(": ", i);
      if (c < 0 || c + 2 >= n) {
        return false;
      }
      if (tokenChar(s.charAt(c + 2))) {
        int e = c + 2;
        while (e < n && tokenChar(s.charAt(e))) {
          e++;
        }
        token = s.substring(c + 2, e);
        tokenEnd = e;
        message = c + 2;
        return true;
      }
      i = c + 1;
    }
  }

  /**
   * The daemon as pflogsumm names it: {@code smtpd}, {@code cleanup}, {@code submissions/smtpd},
   * ...
   */
  String command() {
    if (command == null) {
      command = line.substring(commandStart, commandEnd);
    }
    return command;
  }

  /** True when {@link #command()} is {@code name} (no allocation). */
  boolean commandIs(String name) {
    return commandEnd - commandStart == name.length() && line.startsWith(name, commandStart);
  }

  /**
   * The daemon itself, without a service-name prefix ({@code submissions/smtpd} is {@code smtpd}).
   */
  String daemon() {
    String c = command();
    int slash = c.lastIndexOf('/');
    return slash < 0 ? c : c.substring(slash + 1);
  }

  /** True when the daemon, without a service-name prefix, is {@code name} (no allocation). */
  boolean daemonIs(String name) {
    int k = name.length();
    int start = commandEnd - k;
    return start >= commandStart
        && line.startsWith(name, start)
        && (start == commandStart || line.charAt(start - 1) == '/');
  }

  /**
   * The queue id or the first word of the message ({@code NOQUEUE}, {@code warning}, {@code
   * connect}).
   */
  String token() {
    return token;
  }

  /**
   * A sortable number for the wall-clock time of the line: yyyyMMddHHmmss (year as given or
   * inferred).
   */
  long sortableTime(int inferredYear) {
    int y = year >= 0 ? year : inferredYear;
    return ((((y * 100L + month + 1) * 100 + day) * 100 + hour) * 100 + minute) * 100 + second;
  }

  static boolean space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0B;
  }

  private static boolean tokenChar(char c) {
    return c != ':' && !space(c);
  }

  private static boolean digit(String s, int i) {
    return i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9';
  }

  private static boolean twoDigits(String s, int i) {
    return digit(s, i) && digit(s, i + 1);
  }

  private static int num2(String s, int i) {
    return (s.charAt(i) - '0') * 10 + s.charAt(i + 1) - '0';
  }

  /**
   * The month names as three chars packed in a long: twelve compares, not twelve {@code startsWith}
   * (9 % of the pass).
   */
  private static final long[] MONTH_KEYS = new long[12];

  static {
    for (int m = 0; m < 12; m++) {
      MONTH_KEYS[m] = monthKey(MONTHS[m]);
    }
  }

  private static long monthKey(String s) {
    return ((long) s.charAt(0) << 32) | ((long) s.charAt(1) << 16) | s.charAt(2);
  }

  /** The month of a line at least three chars long. */
  private static int monthOf(String s) {
    long key = monthKey(s);
    for (int m = 0; m < 12; m++) {
      if (MONTH_KEYS[m] == key) {
        return m;
      }
    }
    return -1;
  }
}
