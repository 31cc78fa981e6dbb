package dev.mailwarden;

import dev.mailwarden.dns.DnsAnswer;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/** Several listeners called in order; one that throws does not stop the others. */
final class ListenerChain implements EvaluationListener {
  private final List<EvaluationListener> listeners;

  ListenerChain(List<EvaluationListener> listeners) {
    this.listeners = listeners;
  }

  private void each(Consumer<EvaluationListener> call) {
    for (EvaluationListener l : listeners) {
      try {
        call.accept(l);
      } catch (RuntimeException e) {
        // a listener must not break the evaluation or the listeners after it
      }
    }
  }

  @Override
  public void onEvaluationStart(MailSession session) {
    each(l -> l.onEvaluationStart(session));
  }

  @Override
  public void onCheckComplete(MailSession session, CheckReport report) {
    each(l -> l.onCheckComplete(session, report));
  }

  @Override
  public void onDnsQuery(
      MailSession session, String checkName, DnsAnswer answer, Duration elapsed) {
    each(l -> l.onDnsQuery(session, checkName, answer, elapsed));
  }

  @Override
  public void onCheckEvent(String checkName, CheckEvent event) {
    each(l -> l.onCheckEvent(checkName, event));
  }

  @Override
  public void onEvaluationComplete(Evaluation evaluation) {
    each(l -> l.onEvaluationComplete(evaluation));
  }

  @Override
  public String toString() {
    return "EvaluationListener.all" + listeners;
  }
}
