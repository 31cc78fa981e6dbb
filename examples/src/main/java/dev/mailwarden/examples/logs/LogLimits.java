package dev.mailwarden.examples.logs;

/**
 * The caps that keep {@code mailwarden logs} in bounded memory whatever the log holds. A log is
 * written by our server but most of its content (addresses, HELO names, replies) came from
 * strangers, so every table is capped; going over a cap is counted in {@link LogReport.CapsHit}.
 *
 * @param maxLineBytes longest line read; the rest of a longer line is skipped (default 16 KiB)
 * @param maxQueueIds queue ids remembered between their lines; the oldest is forgotten first
 *     (default 200,000; Postfix forgets a queue id at "removed", so this bounds messages in flight)
 * @param maxDistinct distinct senders, recipients and their domains counted exactly per table;
 *     beyond it a total is a lower bound (default 1,000,000; 8 bytes per entry)
 * @param maxUsers SASL users tracked (default 10,000)
 * @param maxIpsPerUser distinct client IPs remembered per SASL user (default 256)
 * @param maxCounterKeys keys of each ranked table (senders, auth failures by IP, reject reasons);
 *     beyond it counts are approximate heavy hitters (default 10,000)
 * @param maxListed distinct "we are listed" reports kept (default 1,000)
 * @param maxEvidence lines kept as evidence per flag (default 5, each cut at 512 characters)
 */
public record LogLimits(
    int maxLineBytes,
    int maxQueueIds,
    int maxDistinct,
    int maxUsers,
    int maxIpsPerUser,
    int maxCounterKeys,
    int maxListed,
    int maxEvidence) {

  public LogLimits {
    require(maxLineBytes >= 256, "maxLineBytes", maxLineBytes);
    require(maxQueueIds >= 1, "maxQueueIds", maxQueueIds);
    require(maxDistinct >= 1 && maxDistinct <= 1 << 28, "maxDistinct", maxDistinct);
    require(maxUsers >= 1, "maxUsers", maxUsers);
    require(maxIpsPerUser >= 1, "maxIpsPerUser", maxIpsPerUser);
    require(maxCounterKeys >= 2, "maxCounterKeys", maxCounterKeys);
    require(maxListed >= 1, "maxListed", maxListed);
    require(maxEvidence >= 1, "maxEvidence", maxEvidence);
  }

  /** The documented defaults. */
  public static LogLimits defaults() {
    return new LogLimits(16 * 1024, 200_000, 1_000_000, 10_000, 256, 10_000, 1_000, 5);
  }

  public LogLimits withMaxLineBytes(int v) {
    return new LogLimits(
        v,
        maxQueueIds,
        maxDistinct,
        maxUsers,
        maxIpsPerUser,
        maxCounterKeys,
        maxListed,
        maxEvidence);
  }

  public LogLimits withMaxQueueIds(int v) {
    return new LogLimits(
        maxLineBytes,
        v,
        maxDistinct,
        maxUsers,
        maxIpsPerUser,
        maxCounterKeys,
        maxListed,
        maxEvidence);
  }

  public LogLimits withMaxDistinct(int v) {
    return new LogLimits(
        maxLineBytes,
        maxQueueIds,
        v,
        maxUsers,
        maxIpsPerUser,
        maxCounterKeys,
        maxListed,
        maxEvidence);
  }

  public LogLimits withMaxUsers(int v) {
    return new LogLimits(
        maxLineBytes,
        maxQueueIds,
        maxDistinct,
        v,
        maxIpsPerUser,
        maxCounterKeys,
        maxListed,
        maxEvidence);
  }

  public LogLimits withMaxCounterKeys(int v) {
    return new LogLimits(
        maxLineBytes, maxQueueIds, maxDistinct, maxUsers, maxIpsPerUser, v, maxListed, maxEvidence);
  }

  private static void require(boolean ok, String name, int value) {
    if (!ok) {
      throw new IllegalArgumentException(name + " out of range: " + value);
    }
  }
}
