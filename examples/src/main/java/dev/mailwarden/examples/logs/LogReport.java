package dev.mailwarden.examples.logs;

import java.util.List;
import java.util.Map;

/**
 * What {@code mailwarden logs} found: pflogsumm's grand totals, per-hour traffic and reject
 * reasons, then what pflogsumm does not give (SASL users and their alarms, password guessing, our
 * addresses on blocklists, mailwarden decision lines). Immutable.
 */
public record LogReport(
    Totals totals,
    List<Hour> hourly,
    int days,
    Map<String, Long> rejects,
    List<Count> topSenders,
    List<SaslUser> saslUsers,
    List<Count> authFailures,
    List<Listed> listed,
    Decisions decisions,
    Input input,
    CapsHit caps) {

  public LogReport {
    hourly = List.copyOf(hourly);
    rejects = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(rejects));
    topSenders = List.copyOf(topSenders);
    saslUsers = List.copyOf(saslUsers);
    authFailures = List.copyOf(authFailures);
    listed = List.copyOf(listed);
  }

  /** pflogsumm's "Grand Totals", counted the way pflogsumm 1.1.5 counts them. */
  public record Totals(
      long received,
      long delivered,
      long forwarded,
      long deferred,
      long bounced,
      long rejected,
      long rejectWarnings,
      long held,
      long discarded,
      long bytesReceived,
      long bytesDelivered,
      long senders,
      long sendingHosts,
      long recipients,
      long recipientHosts) {}

  /**
   * Traffic in one hour of the day, summed over the days of the log ({@code rejected} counts
   * rejects, reject warnings, holds and discards, as pflogsumm's per-hour table does).
   */
  public record Hour(
      int hour, long received, long delivered, long deferred, long bounced, long rejected) {}

  /** A key and its count (a sender address, a client IP). */
  public record Count(String key, long count) {}

  /** A flag raised on a SASL user, with the lines that raised it. */
  public record Flag(String kind, String reason, List<String> lines) {
    public Flag {
      lines = List.copyOf(lines);
    }
  }

  /**
   * One SASL user: messages submitted, their recipients, distinct client IPs, and how their mail
   * fared at remote servers ({@code remoteRejected} of {@code sent + bounced} delivery attempts
   * ended in a remote 5xx).
   */
  public record SaslUser(
      String user,
      long messages,
      long recipients,
      int clientIps,
      List<String> clientIpList,
      long sent,
      long bounced,
      long remoteRejected,
      List<Flag> flags) {
    public SaslUser {
      clientIpList = List.copyOf(clientIpList);
      flags = List.copyOf(flags);
    }

    /** Share of delivery attempts rejected by the remote server, 0..1. */
    public double remoteRejectedShare() {
      long attempts = sent + bounced;
      return attempts == 0 ? 0 : (double) remoteRejected / attempts;
    }
  }

  /** A remote server said one of our sending IPs or domains is on a blocklist. */
  public record Listed(String listed, String relay, String reply, long count) {}

  /** What the mailwarden decision lines say. */
  public record Decisions(
      long lines,
      Map<String, Long> verdicts,
      Map<String, Map<String, Long>> checks,
      Map<String, Long> dnsblErrors,
      double averageElapsedMs,
      double averageDnsQueries) {}

  /** What was read. */
  public record Input(
      List<String> files,
      long bytes,
      long lines,
      long postfixLines,
      long decisionLines,
      long skippedLines) {
    public Input {
      files = List.copyOf(files);
    }
  }

  /**
   * Caps reached: when non-zero, some numbers are lower bounds or approximate (see {@link
   * LogLimits}).
   */
  public record CapsHit(
      long truncatedLines,
      long queueIdsForgotten,
      List<String> distinctTablesCapped,
      long usersNotTracked,
      List<String> approximateTables) {
    public CapsHit {
      distinctTablesCapped = List.copyOf(distinctTablesCapped);
      approximateTables = List.copyOf(approximateTables);
    }

    public boolean any() {
      return truncatedLines > 0
          || queueIdsForgotten > 0
          || !distinctTablesCapped.isEmpty()
          || usersNotTracked > 0
          || !approximateTables.isEmpty();
    }
  }
}
