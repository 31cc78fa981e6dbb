package dev.mailwarden.examples.logs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The report as one JSON object. The keys of the issue are a contract: {@code totals} (15 keys),
 * {@code hourly}, {@code rejects}, {@code sasl_users} ({@code user}, {@code messages}, {@code
 * recipients}, {@code client_ips}, {@code flags}), {@code auth_failures} ({@code client_ip}, {@code
 * count}), {@code listed}. Other keys are additions.
 */
public final class JsonReport {
  private JsonReport() {}

  /** Lists are cut at {@code top} entries (0: all); {@code rejects} is always complete. */
  public static ObjectNode toJson(LogReport r, int top) {
    ObjectNode root = new ObjectMapper().createObjectNode();
    LogReport.Totals t = r.totals();
    ObjectNode totals = root.putObject("totals");
    totals.put("received", t.received());
    totals.put("delivered", t.delivered());
    totals.put("forwarded", t.forwarded());
    totals.put("deferred", t.deferred());
    totals.put("bounced", t.bounced());
    totals.put("rejected", t.rejected());
    totals.put("reject_warnings", t.rejectWarnings());
    totals.put("held", t.held());
    totals.put("discarded", t.discarded());
    totals.put("bytes_received", t.bytesReceived());
    totals.put("bytes_delivered", t.bytesDelivered());
    totals.put("senders", t.senders());
    totals.put("sending_hosts", t.sendingHosts());
    totals.put("recipients", t.recipients());
    totals.put("recipient_hosts", t.recipientHosts());
    ArrayNode hourly = root.putArray("hourly");
    for (LogReport.Hour h : r.hourly()) {
      hourly
          .addObject()
          .put("hour", h.hour())
          .put("received", h.received())
          .put("delivered", h.delivered())
          .put("deferred", h.deferred())
          .put("bounced", h.bounced())
          .put("rejected", h.rejected());
    }
    root.put("days", r.days());
    ObjectNode rejects = root.putObject("rejects");
    r.rejects().forEach(rejects::put);
    ArrayNode users = root.putArray("sasl_users");
    for (LogReport.SaslUser u : cut(r.saslUsers(), top)) {
      ObjectNode o = users.addObject();
      o.put("user", u.user())
          .put("messages", u.messages())
          .put("recipients", u.recipients())
          .put("client_ips", u.clientIps());
      ArrayNode flags = o.putArray("flags");
      for (LogReport.Flag f : u.flags()) {
        ObjectNode fo = flags.addObject().put("flag", f.kind()).put("reason", f.reason());
        f.lines().forEach(fo.putArray("lines")::add);
      }
      u.clientIpList().forEach(o.putArray("client_ip_list")::add);
      o.put("sent", u.sent())
          .put("bounced", u.bounced())
          .put("remote_rejected", u.remoteRejected())
          .put("remote_rejected_share", Math.round(u.remoteRejectedShare() * 10000) / 10000.0);
    }
    ArrayNode auth = root.putArray("auth_failures");
    for (LogReport.Count c : cut(r.authFailures(), top)) {
      auth.addObject().put("client_ip", c.key()).put("count", c.count());
    }
    ArrayNode listed = root.putArray("listed");
    for (LogReport.Listed l : cut(r.listed(), top)) {
      listed
          .addObject()
          .put("listed", l.listed())
          .put("relay", l.relay())
          .put("reply", l.reply())
          .put("count", l.count());
    }
    ArrayNode senders = root.putArray("top_senders");
    for (LogReport.Count c : cut(r.topSenders(), top)) {
      senders.addObject().put("sender", c.key()).put("messages", c.count());
    }
    LogReport.Decisions d = r.decisions();
    ObjectNode dec = root.putObject("decisions");
    dec.put("evaluations", d.lines());
    ObjectNode verdicts = dec.putObject("verdicts");
    d.verdicts().forEach(verdicts::put);
    ObjectNode checks = dec.putObject("checks");
    d.checks()
        .forEach(
            (name, outcomes) -> {
              ObjectNode c = checks.putObject(name);
              outcomes.forEach(c::put);
            });
    ObjectNode errors = dec.putObject("dnsbl_errors");
    d.dnsblErrors().forEach(errors::put);
    dec.put("average_elapsed_ms", d.averageElapsedMs())
        .put("average_dns_queries", d.averageDnsQueries());
    LogReport.Input in = r.input();
    ObjectNode input = root.putObject("input");
    in.files().forEach(input.putArray("files")::add);
    input
        .put("bytes", in.bytes())
        .put("lines", in.lines())
        .put("postfix_lines", in.postfixLines())
        .put("decision_lines", in.decisionLines())
        .put("skipped_lines", in.skippedLines());
    LogReport.CapsHit c = r.caps();
    ObjectNode caps = root.putObject("caps");
    caps.put("truncated_lines", c.truncatedLines())
        .put("queue_ids_forgotten", c.queueIdsForgotten())
        .put("users_not_tracked", c.usersNotTracked());
    c.distinctTablesCapped().forEach(caps.putArray("lower_bounds")::add);
    c.approximateTables().forEach(caps.putArray("approximate")::add);
    return root;
  }

  public static String write(LogReport r, int top) {
    try {
      return new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(toJson(r, top));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static <T> List<T> cut(List<T> list, int top) {
    return top > 0 && list.size() > top ? list.subList(0, top) : list;
  }
}
