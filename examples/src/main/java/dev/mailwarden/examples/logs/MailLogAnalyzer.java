package dev.mailwarden.examples.logs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Aggregates Postfix log lines (and mailwarden decision lines) into a {@link LogReport} in one
 * pass. Every table is capped by {@link LogLimits}. Not thread-safe: one analyzer per pass.
 *
 * <p>The grand totals are counted the way pflogsumm 1.1.5 counts them, so that both agree on the
 * same log: a message is received at smtpd's or postscreen's {@code client=} line or pickup's
 * {@code sender=}/{@code uid=} line; its sender and size come from qmgr's {@code from=<>, size=}
 * line (counted once per queue id, and only for messages received in this log); each {@code
 * status=sent} line is one delivery ({@code forwarded as} makes it a forward), each {@code
 * status=bounced} line one bounce, and a message is deferred once however often it is retried.
 * Rejects, reject warnings, holds and discards come from {@code NOQUEUE: reject:} style lines of
 * any daemon and from cleanup's header/body/milter actions. Where pflogsumm keeps a queue id
 * forever, we forget it at qmgr's {@code removed} line or when the queue-id table is full.
 */
public final class MailLogAnalyzer {
  /**
   * When a SASL user is flagged as possibly compromised.
   *
   * @param spikeFactor an hour with this many times the user's own average hourly recipients...
   * @param spikeMinRecipients ... and at least this many recipients (default 10x and 50)
   * @param spamBounces this many remote replies that call the user's mail spam (default 3)
   */
  public record Alarms(double spikeFactor, int spikeMinRecipients, int spamBounces) {
    public static Alarms defaults() {
      return new Alarms(10, 50, 3);
    }
  }

  private static final int EVIDENCE_CHARS = 512;
  private static final Pattern SOLARIS_ID =
      Pattern.compile(": \\[ID \\d+ [^\\]]+\\] ", Pattern.UNIX_LINES);
  private static final Pattern CLEANUP_ACTION =
      Pattern.compile(
          "/cleanup\\[\\d+\\]: .*?\\b((?:milter-)?reject|warning|hold|discard): (header|body|END-OF-MESSAGE) (.*)$",
          Pattern.UNIX_LINES);
  private static final Pattern CLIENT_IPV4 =
      Pattern.compile("^([^\\[]*)\\[((?:\\d{1,3}\\.){3}\\d{1,3})\\]", Pattern.UNIX_LINES);
  private static final Pattern CLIENT_SLASH =
      Pattern.compile("^([^/]*)/([0-9a-f.:]+)", Pattern.UNIX_LINES | Pattern.CASE_INSENSITIVE);
  private static final Pattern CLIENT_ANY =
      Pattern.compile("^([^\\[\\(/]*)[\\[\\(/]([^\\]\\)]+)[\\]\\)]:?\\d*$", Pattern.UNIX_LINES);

  /** A remote reply calling the message spam. */
  private static final Pattern SPAM_REPLY =
      Pattern.compile(
          "\\b(?:spam|spammy|junk|UBE|unsolicited|phish\\w*|bulk mail)\\b|message (?:content )?rejected|high probability of|content filter",
          Pattern.CASE_INSENSITIVE);

  /** A remote reply saying our IP or domain is on a blocklist. */
  private static final Pattern LISTED_REPLY =
      Pattern.compile(
          "\\b(?:black|block|deny|ban)[ -]?list(?:ed)?\\b|\\blisted\\b|\\bblocked using\\b|\\b(?:dnsbl|rbl)\\b|spamhaus|spamcop|barracuda|sorbs|uceprotect|abuseat|poor reputation",
          Pattern.CASE_INSENSITIVE);

  private static final Pattern IPV4 =
      Pattern.compile("(?<![\\d.])(\\d{1,3}(?:\\.\\d{1,3}){3})(?![\\d.]*\\d)");
  private static final String NO_DOMAIN = new String("(none)");

  /**
   * Client names whose pflogsumm domain is remembered (cleared when full; only a cost, never a
   * result).
   */
  private static final int CLIENT_CACHE = 1 << 16;

  private final LogLimits limits;
  private final Alarms alarms;
  private final SyslogLine p;
  private final int thisYear;
  private final int thisMonth;
  private final long since;

  // pflogsumm's grand totals
  private long received;
  private long delivered;
  private long forwarded;
  private long deferredMessages;
  private long bounced;
  private long rejected;
  private long rejectWarnings;
  private long held;
  private long discarded;
  private long bytesReceived;
  private long bytesDelivered;
  private final DistinctCounter senders;
  private final DistinctCounter sendingDomains;
  private final DistinctCounter recipients;
  private final DistinctCounter recipientDomains;
  private final long[][] perHour = new long[5][24];
  private int days;
  private int lastDay;
  private final BoundedCounter rejectReasons;
  private final BoundedCounter topSenders;

  // what pflogsumm does not give
  private final Map<String, Msg> queue;
  private long queueIdsForgotten;
  private final Map<String, User> users = new HashMap<>();
  private long usersNotTracked;
  private final BoundedCounter authFailures;
  private final Map<String, ListedReply> listed = new LinkedHashMap<>();
  private boolean listedCapped;
  private final Map<String, String> clientDomains = new HashMap<>();

  // decision lines
  private long decisionLines;
  private final BoundedCounter verdicts;
  private final Map<String, BoundedCounter> checks = new TreeMap<>();
  private final BoundedCounter dnsblErrors;
  private double elapsedSum;
  private long elapsedCount;
  private double dnsSum;
  private long dnsCount;

  // input
  private final List<String> files = new ArrayList<>();
  private long bytes;
  private long lines;
  private long truncatedLines;
  private long postfixLines;
  private long skippedLines;

  /** Per queue id, until qmgr's "removed" line. */
  private static final class Msg {
    /** pflogsumm's rcvdMsg: the client's domain while the sender line is pending, else null. */
    @Nullable String receivedFrom;

    long size;
    boolean sized;
    boolean deferred;
    @Nullable User user;

    /** The sender address as pflogsumm writes it, for "listed" replies that name no IP. */
    @Nullable String sender;
  }

  private final class User {
    final String name;
    long messages;
    long recipients;
    final Set<String> ips = new LinkedHashSet<>();
    long sent;
    long bounced;
    long remoteRejected;
    long spamReplies;
    long firstHour = Long.MIN_VALUE;
    long currentHour;
    long currentCount;
    long before;
    boolean spikeThisHour;
    @Nullable String spikeReason;
    final List<String> spikeLines = new ArrayList<>();
    final List<String> spamLines = new ArrayList<>();

    User(String name) {
      this.name = name;
    }

    void volume(long hour, long n, String line) {
      if (firstHour == Long.MIN_VALUE) {
        firstHour = hour;
        currentHour = hour;
      }
      if (hour < currentHour) {
        before += n; // an earlier file read late: history
        return;
      }
      if (hour > currentHour) {
        before += currentCount;
        currentHour = hour;
        currentCount = 0;
        spikeThisHour = false;
      }
      currentCount += n;
      long hoursBefore = currentHour - firstHour;
      if (hoursBefore < 1) {
        return; // no baseline yet
      }
      double baseline = (double) before / hoursBefore;
      double threshold = Math.max(alarms.spikeMinRecipients(), alarms.spikeFactor() * baseline);
      if (currentCount >= threshold) {
        if (!spikeThisHour && spikeReason == null) {
          spikeReason =
              String.format(
                  java.util.Locale.ROOT,
                  "%d recipients in the hour from %s, against an average of %.1f per hour over the %d hours before",
                  currentCount,
                  hourLabel(),
                  baseline,
                  hoursBefore);
        }
        spikeThisHour = true;
        evidence(spikeLines, line);
      }
    }

    private String hourLabel() {
      return String.format(
          java.util.Locale.ROOT,
          "%s %02d:00",
          LocalDate.ofEpochDay(Math.floorDiv(currentHour, 24)),
          Math.floorMod(currentHour, 24));
    }
  }

  private static final class ListedReply {
    final String listed;
    final String relay;
    final String reply;
    long count;

    ListedReply(String listed, String relay, String reply) {
      this.listed = listed;
      this.relay = relay;
      this.reply = reply;
    }
  }

  /**
   * @param since skip lines before this wall-clock time (as written in the log), or null
   * @param clock gives the year of classic syslog timestamps, which have none (as pflogsumm: the
   *     current year, or the one before for months after the current one)
   */
  public MailLogAnalyzer(
      LogLimits limits,
      Alarms alarms,
      @Nullable LocalDateTime since,
      Clock clock,
      String syslogName) {
    this.limits = limits;
    this.alarms = alarms;
    this.p = new SyslogLine(syslogName);
    LocalDate today = LocalDate.now(clock);
    this.thisYear = today.getYear();
    this.thisMonth = today.getMonthValue() - 1;
    this.since =
        since == null
            ? Long.MIN_VALUE
            : ((((since.getYear() * 100L + since.getMonthValue()) * 100 + since.getDayOfMonth())
                                    * 100
                                + since.getHour())
                            * 100
                        + since.getMinute())
                    * 100
                + since.getSecond();
    this.senders = new DistinctCounter(limits.maxDistinct());
    this.sendingDomains = new DistinctCounter(limits.maxDistinct());
    this.recipients = new DistinctCounter(limits.maxDistinct());
    this.recipientDomains = new DistinctCounter(limits.maxDistinct());
    this.rejectReasons = new BoundedCounter(limits.maxCounterKeys(), "other (reason table full)");
    this.topSenders = new BoundedCounter(limits.maxCounterKeys(), null);
    this.authFailures = new BoundedCounter(limits.maxCounterKeys(), null);
    this.verdicts = new BoundedCounter(64, "other");
    this.dnsblErrors = new BoundedCounter(limits.maxCounterKeys(), "other (zone table full)");
    int cap = limits.maxQueueIds();
    this.queue =
        new LinkedHashMap<>(Math.min(cap, 1 << 16), 0.75f, false) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Msg> eldest) {
            if (size() > cap) {
              queueIdsForgotten++;
              return true;
            }
            return false;
          }
        };
  }

  /** An analyzer with the default limits and alarms. */
  public static MailLogAnalyzer withDefaults(Clock clock) {
    return new MailLogAnalyzer(LogLimits.defaults(), Alarms.defaults(), null, clock, "postfix");
  }

  /** Reads one file or stream (gzip recognised) to its end. */
  public void read(String name, InputStream in) throws IOException {
    files.add(name);
    LogLines reader = new LogLines(limits.maxLineBytes());
    reader.read(LogLines.maybeGunzip(in), this::accept);
    bytes += reader.bytes();
    truncatedLines += reader.truncated();
  }

  /** One line, without its line feed. */
  public void accept(String raw) {
    lines++;
    String line = raw.indexOf(": [ID ") >= 0 ? SOLARIS_ID.matcher(raw).replaceFirst(": ") : raw;
    if (!p.parse(line)) {
      decision(line);
      return;
    }
    if (since != Long.MIN_VALUE && p.sortableTime(inferredYear(p.month)) < since) {
      skippedLines++;
      return;
    }
    if (!p.parsePostfix()) {
      decision(line);
      return;
    }
    postfixLines++;
    if (p.day != lastDay) {
      lastDay = p.day;
      days++;
    }
    pflogsumm(line);
    beyondPflogsumm(line);
  }

  private int inferredYear(int month) {
    return month > thisMonth ? thisYear - 1 : thisYear;
  }

  private void decision(String line) {
    if (!DecisionLine.looksLikeDecision(line)) {
      skippedLines++;
      return;
    }
    DecisionLine d = DecisionLine.parse(line);
    if (d == null) {
      skippedLines++;
      return;
    }
    decisionLines++;
    verdicts.add(d.verdict());
    d.checks()
        .forEach(
            (check, outcome) -> {
              BoundedCounter c = checks.get(check);
              if (c == null) {
                if (checks.size() >= 256) {
                  return;
                }
                c = new BoundedCounter(32, "other");
                checks.put(check, c);
              }
              c.add(outcome);
            });
    d.dnsblErrors().forEach(dnsblErrors::add);
    if (d.elapsedMs() >= 0) {
      elapsedSum += d.elapsedMs();
      elapsedCount++;
    }
    if (d.dnsQueries() >= 0) {
      dnsSum += d.dnsQueries();
      dnsCount++;
    }
  }

  // ---------------------------------------------------------------- pflogsumm's totals

  private void pflogsumm(String line) {
    String qid = p.token();
    if (p.commandIs("cleanup")
        && (line.contains(": header ")
            || line.contains(": body ")
            || line.contains(": END-OF-MESSAGE "))) {
      Matcher m = CLEANUP_ACTION.matcher(line).region(p.rest, line.length());
      if (m.find()) {
        String action = m.group(1);
        switch (action) {
          case "reject", "milter-reject" -> {
            rejected++;
            rejectReasons.add(cleanupReason(action, m.group(2), m.group(3)));
          }
          case "warning" -> rejectWarnings++;
          case "hold" -> held++;
          default -> discarded++;
        }
        count(4);
        return;
      }
    }
    switch (qid) {
      case "warning", "fatal", "panic" -> {
        return;
      }
      case "reject", "reject_warning", "hold", "discard" -> {
        reject(qid, line, p.tokenEnd);
        return;
      }
      default -> {}
    }
    if (p.commandIs("master")) {
      return;
    }
    if (p.commandIs("smtpd") || p.commandIs("postscreen")) {
      // pflogsumm tries "[pid]: word: client=" anywhere in the line first, then the four actions
      int c = afterPidWord(line, p.rest, SMTPD_CLIENT);
      if (c >= 0) {
        received++;
        count(0);
        int end = line.indexOf(',', c + 1);
        String client = line.substring(c, end < 0 ? line.length() : end);
        msg(qid).receivedFrom = truthy(clientDomain(client));
        return;
      }
      int a = afterPidWord(line, p.rest, SMTPD_ACTIONS);
      if (a >= 0) {
        String action = line.substring(a, line.indexOf(": ", a));
        reject(action, line, a + action.length() + 2);
      }
      return;
    }
    if (fromSize(line, qid)) {
      return;
    }
    if (delivery(line, qid)) {
      return;
    }
    if (p.commandIs("pickup") && (line.contains(": sender=") || line.contains(": uid="))) {
      received++;
      count(0);
      msg(qid).receivedFrom = "pickup";
    }
  }

  /**
   * Header and body checks are named by kind (the text is the message's own); a milter by its
   * reply.
   */
  private static String cleanupReason(String action, String where, String text) {
    if (!action.equals("milter-reject")) {
      return where + " check";
    }
    int f = text.startsWith("from ") ? text.indexOf(": ") : -1;
    String reason = RejectReason.classify(f < 0 ? text : text.substring(f + 2));
    return reason.startsWith("other: ") ? "milter: " + reason.substring(7) : reason;
  }

  /**
   * One more in the per-hour table; an hour past 23 (a broken timestamp) counts only in the totals,
   * as in pflogsumm.
   */
  private void count(int series) {
    if (p.hour < 24) {
      perHour[series][p.hour]++;
    }
  }

  private void reject(String action, String line, int from) {
    count(4);
    switch (action) {
      case "reject" -> {
        rejected++;
        // "RCPT from host[ip]: 554 5.7.1 ...": the reply follows the first ": " after " from "
        int f = line.indexOf(" from ", from);
        int c = f < 0 ? -1 : line.indexOf(": ", f + 6);
        rejectReasons.add(
            RejectReason.classify(c < 0 ? line.substring(from) : line.substring(c + 2)));
      }
      case "reject_warning" -> rejectWarnings++;
      case "hold" -> held++;
      default -> discarded++;
    }
  }

  /** qmgr's {@code from=<a@b>, size=N}: the sender of a message received in this log. */
  private boolean fromSize(String line, String qid) {
    int i = p.rest;
    while ((i = line.indexOf("from=<", i)) >= 0) {
      int gt = line.indexOf('>', i + 6);
      if (gt < 0) {
        return false;
      }
      int d0 = gt + 8;
      if (line.startsWith(", size=", gt + 1) && d0 < line.length() && isDigit(line.charAt(d0))) {
        int d1 = d0;
        while (d1 < line.length() && isDigit(line.charAt(d1))) {
          d1++;
        }
        Msg existing = queue.get(qid);
        if (existing != null && existing.sized && existing.size != 0) {
          return true; // qmgr logs this line again at each retry: count the message once
        }
        String addr = line.substring(i + 6, gt);
        long size = parseSize(line, d0, d1);
        Msg m = existing != null ? existing : msg(qid);
        m.size = size;
        m.sized = true;
        addr = addr.isEmpty() ? "from=<>" : lowerFromAt(addr);
        int at = addr.indexOf('@');
        m.sender = addr;
        if (m.receivedFrom != null) {
          String domain =
              at > 0 && at + 1 < addr.length()
                  ? addr.substring(at + 1)
                  : m.receivedFrom.equals("pickup") ? addr : m.receivedFrom;
          sendingDomains.add(domain);
          senders.add(addr);
          topSenders.add(addr);
          bytesReceived += size;
          m.receivedFrom = null;
        }
        userRecipients(m, line);
        return true;
      }
      i = gt;
    }
    return false;
  }

  private static long parseSize(String s, int from, int to) {
    long v = 0;
    for (int i = from; i < to; i++) {
      v = v * 10 + s.charAt(i) - '0';
      if (v > 1L << 50) {
        return 1L << 50; // hostile: more than a petabyte in one message
      }
    }
    return v;
  }

  /** A {@code to=<>, relay=, delay=, status=} line; false when the line is not one. */
  private boolean delivery(String line, String qid) {
    int i = p.rest;
    int n = line.length();
    while ((i = line.indexOf("to=<", i)) >= 0) {
      int gt = line.indexOf('>', i + 4);
      if (gt < 0) {
        return false;
      }
      int k = gt + 1;
      if (!line.startsWith(", ", k)) {
        i++;
        continue;
      }
      k += 2;
      if (line.startsWith("orig_to=<", k)) {
        int g = line.indexOf('>', k + 9);
        if (g >= 0 && line.startsWith(", ", g + 1)) {
          k = g + 3;
        }
      }
      int relayStart = k + 6;
      int relayEnd = line.startsWith("relay=", k) ? field(line, relayStart) : -1;
      if (relayEnd < 0) {
        i++;
        continue;
      }
      k = relayEnd + 2;
      k = optionalField(line, k, "conn_use=");
      if (!line.startsWith("delay=", k) || (k = field(line, k + 6)) < 0) {
        i++;
        continue;
      }
      k += 2;
      k = optionalField(line, k, "delays=");
      k = optionalField(line, k, "dsn=");
      if (!line.startsWith("status=", k) || k + 7 >= n || SyslogLine.space(line.charAt(k + 7))) {
        i++;
        continue;
      }
      int s0 = k + 7;
      int s1 = s0;
      while (s1 < n && !SyslogLine.space(line.charAt(s1))) {
        s1++;
      }
      int status = status(line, s0, s1);
      switch (status) {
        case SENT -> {
          String addr = lowerFromAt(line.substring(i + 4, gt));
          if (line.indexOf("forwarded as ", s1) >= 0) {
            forwarded++;
          } else {
            int at = addr.indexOf('@');
            recipientDomains.add(at > 0 ? addr.substring(at + 1) : addr);
            recipients.add(addr);
            count(1);
            delivered++;
            Msg m = queue.get(qid);
            if (m != null && m.sized) {
              bytesDelivered += m.size;
            }
          }
        }
        case DEFERRED -> {
          count(2);
          Msg m = msg(qid);
          if (!m.deferred) {
            m.deferred = true;
            deferredMessages++;
          }
        }
        case BOUNCED -> {
          count(3);
          bounced++;
        }
        default -> {}
      }
      deliveryOutcome(line, qid, status, relayStart, relayEnd, s1);
      return true;
    }
    return false;
  }

  private static final int OTHER = 0;
  private static final int SENT = 1;
  private static final int DEFERRED = 2;
  private static final int BOUNCED = 3;

  private static int status(String s, int from, int to) {
    int n = to - from;
    if (n == 4 && s.startsWith("sent", from)) {
      return SENT;
    }
    if (n == 8 && s.startsWith("deferred", from)) {
      return DEFERRED;
    }
    return n == 7 && s.startsWith("bounced", from) ? BOUNCED : OTHER;
  }

  /** The end of a {@code [^,]+} value followed by ", ", or -1. */
  private static int field(String s, int from) {
    int e = from;
    while (e < s.length() && s.charAt(e) != ',') {
      e++;
    }
    return e > from && s.startsWith(", ", e) ? e : -1;
  }

  private static int optionalField(String s, int k, String name) {
    if (s.startsWith(name, k)) {
      int e = field(s, k + name.length());
      if (e >= 0) {
        return e + 2;
      }
    }
    return k;
  }

  private Msg msg(String qid) {
    Msg m = queue.get(qid);
    if (m == null) {
      m = new Msg();
      queue.put(qid, m);
    }
    return m;
  }

  /** pflogsumm's idea of the client's domain: the parent domain of its name, or its IP. */
  @SuppressWarnings("ReferenceEquality") // NO_DOMAIN is a sentinel instance, compared by identity
  private @Nullable String clientDomain(String client) {
    String fast = clientDomainIpv4(client);
    if (fast != null) {
      return fast;
    }
    String cached = clientDomains.get(client);
    if (cached != null) {
      return cached == NO_DOMAIN ? null : cached;
    }
    String domain = null;
    String ip = null;
    Matcher m = CLIENT_IPV4.matcher(client);
    if (!m.find()) {
      m = CLIENT_SLASH.matcher(client);
      if (!m.find()) {
        m = CLIENT_ANY.matcher(client);
        if (!m.find()) {
          m = null;
        }
      }
    }
    if (m != null) {
      domain = m.group(1);
      ip = m.group(2);
    }
    String result;
    if (domain == null || domain.isEmpty() || domain.equals("unknown")) {
      result = ip;
    } else {
      result = parentDomain(domain);
    }
    if (clientDomains.size() >= CLIENT_CACHE) {
      clientDomains.clear();
    }
    clientDomains.put(client, result == null ? NO_DOMAIN : result);
    return result;
  }

  /**
   * {@link #clientDomain} for the common {@code name[a.b.c.d]} form without regular expressions or
   * a cache lookup (a table of a million distinct clients was a sixth of the pass): the same result
   * as {@code CLIENT_IPV4}, or null when that pattern does not match (the caller then tries all
   * patterns). The pattern's IP is four runs of one to three digits joined by dots, then a {@code
   * ]}; its name is everything before the first {@code [}.
   */
  static @Nullable String clientDomainIpv4(String client) {
    int open = client.indexOf('[');
    if (open < 0) {
      return null;
    }
    int n = client.length();
    int i = open + 1;
    for (int part = 0; part < 4; part++) {
      int d = i;
      while (d < n && d - i < 3 && isDigit(client.charAt(d))) {
        d++;
      }
      if (d == i || d >= n || client.charAt(d) != (part < 3 ? '.' : ']')) {
        return null;
      }
      i = d + 1;
    }
    String ip = client.substring(open + 1, i - 1);
    if (open == 0 || client.startsWith("unknown[")) {
      return ip;
    }
    return parentDomain(client.substring(0, open));
  }

  /**
   * As pflogsumm's {@code ^(.*)\.([^.]+)\.([^.]{3}|[^.]{2,3}\.[^.]{2})$} (groups 2 and 3, lower
   * case) or the name itself when that does not match: the greedy first group puts the split at the
   * rightmost dot after which come a label, a dot, and a three-character label or a two- or
   * three-character label, a dot and a two-character label. Linear: each dot is visited once.
   */
  static String parentDomain(String domain) {
    int n = domain.length();
    for (int d = domain.lastIndexOf('.');
        d >= 0;
        d = d == 0 ? -1 : domain.lastIndexOf('.', d - 1)) {
      int e = domain.indexOf('.', d + 1);
      if (e < 0 || e == d + 1) {
        continue;
      }
      int tail = n - (e + 1);
      int dot = domain.indexOf('.', e + 1);
      boolean suffix =
          dot < 0
              ? tail == 3
              : domain.indexOf('.', dot + 1) < 0
                  && n - (dot + 1) == 2
                  && dot - (e + 1) >= 2
                  && dot - (e + 1) <= 3;
      if (suffix) {
        return asciiLower(domain.substring(d + 1));
      }
    }
    return domain;
  }

  /** Perl's truth: undef, "" and "0" are false. */
  private static @Nullable String truthy(@Nullable String s) {
    return s == null || s.isEmpty() || s.equals("0") ? null : s;
  }

  /** pflogsumm writes addresses with the part from the '@' in lower case. */
  static String lowerFromAt(String addr) {
    int at = addr.indexOf('@');
    if (at < 0 || at + 1 >= addr.length()) {
      return addr;
    }
    for (int i = at + 1; i < addr.length(); i++) {
      char c = addr.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        return addr.substring(0, at) + asciiLower(addr.substring(at));
      }
    }
    return addr;
  }

  private static String asciiLower(String s) {
    char[] c = s.toCharArray();
    for (int i = 0; i < c.length; i++) {
      if (c[i] >= 'A' && c[i] <= 'Z') {
        c[i] = (char) (c[i] + ('a' - 'A'));
      }
    }
    return new String(c);
  }

  private static final List<String> SMTPD_CLIENT = List.of("client=");
  private static final List<String> SMTPD_ACTIONS =
      List.of("reject: ", "reject_warning: ", "hold: ", "discard: ");

  /**
   * As pflogsumm's {@code \[\d+\]: \w+: (what)}, leftmost match: the index where one of {@code
   * what} starts (for {@code client=} the index after it, and only with a character after it, as
   * {@code client=(.+?)}), or -1. One scan of the line for all alternatives.
   */
  private static int afterPidWord(String s, int from, List<String> what) {
    int n = s.length();
    int i = from;
    while ((i = s.indexOf("]: ", i)) >= 0) {
      int j = i - 1;
      while (j >= 0 && isDigit(s.charAt(j))) {
        j--;
      }
      if (j < i - 1 && j >= 0 && s.charAt(j) == '[') {
        int w = i + 3;
        while (w < n && isWordChar(s.charAt(w))) {
          w++;
        }
        if (w > i + 3 && s.startsWith(": ", w)) {
          for (String x : what) {
            if (s.startsWith(x, w + 2)) {
              if (x.equals("client=")) {
                if (w + 2 + x.length() < n) {
                  return w + 2 + x.length();
                }
              } else {
                return w + 2;
              }
            }
          }
        }
      }
      i++;
    }
    return -1;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isWordChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c) || c == '_';
  }

  // ---------------------------------------------------------------- beyond pflogsumm

  private void beyondPflogsumm(String line) {
    if (p.daemonIs("smtpd")) {
      if (p.token().equals("warning")) {
        authFailure(line);
      } else {
        saslClient(line);
      }
    } else if (p.daemonIs("qmgr")
        && line.startsWith("removed", p.tokenEnd + 2)
        && p.tokenEnd + 9 >= line.length()) {
      queue.remove(p.token());
    }
  }

  /** {@code ABC: client=host[ip], sasl_method=PLAIN, sasl_username=alice}. */
  private void saslClient(String line) {
    int u = line.indexOf(", sasl_username=", p.tokenEnd);
    if (u < 0 || !line.startsWith(": client=", p.tokenEnd)) {
      return;
    }
    int ue = line.indexOf(',', u + 16);
    String name = display(line.substring(u + 16, ue < 0 ? line.length() : ue));
    User user = users.get(name);
    if (user == null) {
      if (users.size() >= limits.maxUsers()) {
        usersNotTracked++;
        return;
      }
      user = new User(name);
      users.put(name, user);
    }
    user.messages++;
    int open = line.indexOf('[', p.tokenEnd + 9);
    int close = open < 0 ? -1 : line.indexOf(']', open);
    if (close > open && user.ips.size() < limits.maxIpsPerUser()) {
      user.ips.add(line.substring(open + 1, close));
    }
    msg(p.token()).user = user;
  }

  /** qmgr's {@code nrcpt=N}: the recipients of an authenticated user's message, once. */
  private void userRecipients(Msg m, String line) {
    User user = m.user;
    int r = line.indexOf(", nrcpt=", p.tokenEnd);
    if (user == null || r < 0) {
      return;
    }
    int e = r + 8;
    while (e < line.length() && isDigit(line.charAt(e))) {
      e++;
    }
    if (e == r + 8) {
      return;
    }
    long n = parseSize(line, r + 8, e);
    user.recipients += n;
    long hour = epochHour();
    if (hour != Long.MIN_VALUE) {
      user.volume(hour, n, line);
    }
  }

  private long epochHour() {
    int y = p.year >= 0 ? p.year : inferredYear(p.month);
    try {
      return LocalDate.of(y, p.month + 1, p.day).toEpochDay() * 24 + p.hour;
    } catch (DateTimeException e) {
      return Long.MIN_VALUE;
    }
  }

  /**
   * {@code warning: unknown[192.0.2.7]: SASL LOGIN authentication failed: ...}: password guessing.
   */
  private void authFailure(String line) {
    int s = line.indexOf("]: SASL ", p.tokenEnd);
    if (s < 0 || line.indexOf(" authentication failed", s) < 0) {
      return;
    }
    int open = line.lastIndexOf('[', s);
    if (open > p.tokenEnd) {
      authFailures.add(line.substring(open + 1, s));
    }
  }

  /** What a delivery line says about our users and our reputation. */
  private void deliveryOutcome(
      String line, String qid, int status, int relayStart, int relayEnd, int afterStatus) {
    boolean bounce = status == BOUNCED;
    boolean defer = status == DEFERRED;
    Msg m = queue.get(qid);
    User user = m == null ? null : m.user;
    if (user != null) {
      if (status == SENT) {
        user.sent++;
      } else if (bounce) {
        user.bounced++;
      }
    }
    if (!bounce && !defer) {
      return;
    }
    int said = line.indexOf(" said: ", afterStatus);
    String reply = said >= 0 ? line.substring(said + 7) : line.substring(afterStatus).strip();
    if (reply.endsWith(")")) {
      reply = reply.substring(0, reply.length() - 1);
    }
    if (user != null && bounce && said >= 0) {
      user.remoteRejected++;
    }
    if (user != null && said >= 0 && SPAM_REPLY.matcher(reply).find()) {
      user.spamReplies++;
      evidence(user.spamLines, line);
    }
    if (said >= 0 && LISTED_REPLY.matcher(reply).find()) {
      Matcher ip = IPV4.matcher(reply);
      String what = ip.find() ? ip.group(1) : senderDomain(m);
      String relay = line.substring(relayStart, relayEnd);
      String key = what + "\n" + relay;
      ListedReply l = listed.get(key);
      if (l == null) {
        if (listed.size() >= limits.maxListed()) {
          listedCapped = true;
          return;
        }
        l = new ListedReply(display(what), display(relay), display(cut(reply, 300)));
        listed.put(key, l);
      }
      l.count++;
    }
  }

  private static String senderDomain(@Nullable Msg m) {
    String sender = m == null ? null : m.sender;
    int at = sender == null ? -1 : sender.indexOf('@');
    return at > 0 && at + 1 < sender.length() ? sender.substring(at + 1) : "(not named)";
  }

  private void evidence(List<String> lines, String line) {
    if (lines.size() < limits.maxEvidence()) {
      lines.add(display(cut(line, EVIDENCE_CHARS)));
    }
  }

  private static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "...";
  }

  /** Lines are read one char per byte; shows UTF-8 text as it was written. */
  static String display(String latin1) {
    for (int i = 0; i < latin1.length(); i++) {
      if (latin1.charAt(i) >= 0x80) {
        return new String(latin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
      }
    }
    return latin1;
  }

  // ---------------------------------------------------------------- the report

  /** The report so far. */
  public LogReport report() {
    LogReport.Totals totals =
        new LogReport.Totals(
            received,
            delivered,
            forwarded,
            deferredMessages,
            bounced,
            rejected,
            rejectWarnings,
            held,
            discarded,
            bytesReceived,
            bytesDelivered,
            senders.count(),
            sendingDomains.count(),
            recipients.count(),
            recipientDomains.count());
    List<LogReport.Hour> hourly = new ArrayList<>(24);
    for (int h = 0; h < 24; h++) {
      hourly.add(
          new LogReport.Hour(
              h, perHour[0][h], perHour[1][h], perHour[2][h], perHour[3][h], perHour[4][h]));
    }
    Map<String, Long> rejects = new LinkedHashMap<>();
    rejectReasons.top(0).forEach(e -> rejects.put(display(e.getKey()), e.getValue()));
    List<LogReport.Count> top = new ArrayList<>();
    topSenders.top(0).forEach(e -> top.add(new LogReport.Count(display(e.getKey()), e.getValue())));
    List<LogReport.SaslUser> sasl = new ArrayList<>();
    for (User u : users.values()) {
      List<LogReport.Flag> flags = new ArrayList<>();
      if (u.spikeReason != null) {
        flags.add(new LogReport.Flag("volume_spike", u.spikeReason, u.spikeLines));
      }
      if (u.spamReplies >= alarms.spamBounces()) {
        flags.add(
            new LogReport.Flag(
                "spam_replies",
                u.spamReplies + " remote replies call this user's mail spam",
                u.spamLines));
      }
      sasl.add(
          new LogReport.SaslUser(
              u.name,
              u.messages,
              u.recipients,
              u.ips.size(),
              List.copyOf(u.ips),
              u.sent,
              u.bounced,
              u.remoteRejected,
              flags));
    }
    sasl.sort(
        (a, b) ->
            a.flags().isEmpty() != b.flags().isEmpty()
                ? (a.flags().isEmpty() ? 1 : -1)
                : a.messages() != b.messages()
                    ? Long.compare(b.messages(), a.messages())
                    : a.user().compareTo(b.user()));
    List<LogReport.Count> auth = new ArrayList<>();
    authFailures.top(0).forEach(e -> auth.add(new LogReport.Count(e.getKey(), e.getValue())));
    List<LogReport.Listed> listedOut = new ArrayList<>();
    listed
        .values()
        .forEach(l -> listedOut.add(new LogReport.Listed(l.listed, l.relay, l.reply, l.count)));
    listedOut.sort((a, b) -> Long.compare(b.count(), a.count()));
    Map<String, Long> verdictMap = new LinkedHashMap<>();
    verdicts.top(0).forEach(e -> verdictMap.put(e.getKey(), e.getValue()));
    Map<String, Map<String, Long>> checkMap = new LinkedHashMap<>();
    checks.forEach(
        (name, c) -> {
          Map<String, Long> outcomes = new LinkedHashMap<>();
          c.top(0).forEach(e -> outcomes.put(e.getKey(), e.getValue()));
          checkMap.put(name, outcomes);
        });
    Map<String, Long> errors = new LinkedHashMap<>();
    dnsblErrors.top(0).forEach(e -> errors.put(display(e.getKey()), e.getValue()));
    LogReport.Decisions decisions =
        new LogReport.Decisions(
            decisionLines,
            verdictMap,
            checkMap,
            errors,
            elapsedCount == 0 ? 0 : elapsedSum / elapsedCount,
            dnsCount == 0 ? 0 : dnsSum / dnsCount);
    List<String> capped = new ArrayList<>();
    if (senders.capped()) capped.add("senders");
    if (sendingDomains.capped()) capped.add("sending_hosts");
    if (recipients.capped()) capped.add("recipients");
    if (recipientDomains.capped()) capped.add("recipient_hosts");
    List<String> approximate = new ArrayList<>();
    if (rejectReasons.approximate()) approximate.add("rejects");
    if (topSenders.approximate()) approximate.add("top_senders");
    if (authFailures.approximate()) approximate.add("auth_failures");
    if (listedCapped) approximate.add("listed");
    return new LogReport(
        totals,
        hourly,
        days,
        rejects,
        top,
        sasl,
        auth,
        listedOut,
        decisions,
        new LogReport.Input(files, bytes, lines, postfixLines, decisionLines, skippedLines),
        new LogReport.CapsHit(
            truncatedLines, queueIdsForgotten, capped, usersNotTracked, approximate));
  }

  /** Queue ids currently remembered (for tests of the cap). */
  int queueIdsHeld() {
    return queue.size();
  }
}
