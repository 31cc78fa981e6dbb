package dev.mailwarden.examples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mailwarden.CheckReport;
import dev.mailwarden.Evaluation;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;

/** Prints an {@link Evaluation} as text for people or as one JSON object per line. */
final class EvaluationPrinter {
  private static final ObjectMapper JSON = new ObjectMapper();

  private EvaluationPrinter() {}

  static void printText(PrintWriter out, Evaluation ev, String authservId) {
    out.printf(Locale.ROOT, "verdict: %s%n", ev.verdict());
    if (ev.policyVerdict() != ev.verdict()) {
      out.printf(Locale.ROOT, "policy verdict (observe-only): %s%n", ev.policyVerdict());
    }
    out.printf(Locale.ROOT, "score:   %s%n", score(ev.score()));
    out.printf(Locale.ROOT, "reply:   %s%n", ev.smtpReply());
    out.println("checks:");
    for (CheckReport c : ev.checks()) {
      out.printf(
          Locale.ROOT,
          "  %-22s %-10s %7s  %s%s%n",
          c.name(),
          c.outcome().token(),
          score(c.score()),
          c.result().reason(),
          c.status() == CheckReport.Status.COMPLETED
              ? ""
              : " [" + c.status().name().toLowerCase(Locale.ROOT) + "]");
    }
    if (ev.checks().isEmpty()) {
      out.println("  (no check applied to this session)");
    }
    out.printf(Locale.ROOT, "dns:     %s%n", ev.dns());
    out.println(ev.authenticationResults(authservId).replace("\r\n", "\n"));
  }

  static ObjectNode toJson(Evaluation ev, String authservId) {
    ObjectNode o = JSON.createObjectNode();
    o.put("verdict", ev.verdict().name());
    if (ev.policyVerdict() != ev.verdict()) {
      o.put("policyVerdict", ev.policyVerdict().name());
    }
    o.put("score", ev.score());
    o.put("smtpReply", ev.smtpReply().toString());
    ev.decisiveCheck().ifPresent(d -> o.put("decisiveCheck", d));
    o.put("authenticationResults", ev.authenticationResults(authservId));
    ArrayNode checks = o.putArray("checks");
    for (CheckReport c : ev.checks()) {
      ObjectNode n = checks.addObject();
      n.put("name", c.name());
      n.put("outcome", c.outcome().token());
      n.put("score", c.score());
      n.put("reason", c.result().reason());
      n.put("status", c.status().name().toLowerCase(Locale.ROOT));
      ObjectNode details = n.putObject("details");
      for (Map.Entry<String, String> e : c.result().details().entrySet()) {
        details.put(e.getKey(), e.getValue());
      }
    }
    ObjectNode dns = o.putObject("dns");
    dns.put("queries", ev.dns().queries());
    dns.put("cacheHits", ev.dns().cacheHits());
    dns.put("voidAnswers", ev.dns().voidAnswers());
    dns.put("errors", ev.dns().errors());
    o.put("elapsedMillis", ev.elapsed().toMillis());
    return o;
  }

  static void printJson(PrintWriter out, ObjectNode node) {
    try {
      out.println(JSON.writeValueAsString(node));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot render JSON", e);
    }
  }

  static String score(double s) {
    return String.format(Locale.ROOT, "%+.1f", s);
  }
}
