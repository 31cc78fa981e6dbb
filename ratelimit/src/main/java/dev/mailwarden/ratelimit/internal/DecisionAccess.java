package dev.mailwarden.ratelimit.internal;

import dev.mailwarden.ratelimit.RateDecision;

/**
 * Lets the buckets make a {@link RateDecision} that reads its remaining tokens lazily from the
 * immutable bucket state, without a public constructor for it: one allocation less per granted
 * request. {@link RateDecision} installs the only instance when it is initialized.
 */
public abstract class DecisionAccess {
  private static volatile DecisionAccess instance;

  protected DecisionAccess() {}

  /** Called once, by {@link RateDecision}'s static initializer. */
  public static synchronized void install(DecisionAccess access) {
    if (instance != null) {
      throw new IllegalStateException("already installed");
    }
    instance = access;
  }

  static DecisionAccess get() {
    DecisionAccess a = instance;
    if (a == null) {
      try {
        Class.forName(RateDecision.class.getName(), true, DecisionAccess.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new AssertionError(e);
      }
      a = instance;
    }
    return a;
  }

  /** A granted decision whose remaining tokens are read from {@code state} (never modified). */
  public abstract RateDecision allowed(BucketSpec spec, long[] state);
}
