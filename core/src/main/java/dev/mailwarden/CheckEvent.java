package dev.mailwarden;

/**
 * Something a checker wants operators to know beyond its result: a DNS list failed its health
 * probe, an account tripped its rate limit. Modules define their own event records; listeners
 * receive them through {@link EvaluationListener#onCheckEvent}.
 */
public interface CheckEvent {

  /** One human sentence describing the event, fit for a log line. */
  String description();
}
