package dev.mailwarden;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The plain {@link CheckResult} behind {@link CheckResult#of}. */
record BasicResult(Outcome outcome, String reason, Map<String, String> details)
    implements CheckResult {
  BasicResult {
    requireNonNull(outcome, "outcome");
    requireNonNull(reason, "reason");
    details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }

  @Override
  public String toString() {
    return outcome.token() + " (" + reason + ")" + (details.isEmpty() ? "" : " " + details);
  }
}
