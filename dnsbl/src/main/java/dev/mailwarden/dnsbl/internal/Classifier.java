package dev.mailwarden.dnsbl.internal;

import dev.mailwarden.SmtpReply;
import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsRecord;
import dev.mailwarden.dnsbl.ListError;
import dev.mailwarden.dnsbl.ListResult;
import dev.mailwarden.dnsbl.ListStatus;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Turns one DNS answer into a {@link ListResult} for one list. Errors are never listings. */
public final class Classifier {
  /** Longest TXT reason kept. */
  public static final int MAX_REASON = 200;

  private Classifier() {}

  /**
   * @param answer the A answer, or null when the deadline passed first
   * @param txt the TXT answer (only asked for listings), or null
   */
  public static ListResult classify(
      ListSpec spec,
      String subject,
      String source,
      String queryName,
      @Nullable DnsAnswer answer,
      @Nullable DnsAnswer txt) {
    String query = spec.redact(queryName);
    if (answer == null) {
      return error(
          spec,
          subject,
          source,
          query,
          List.of(),
          ListError.TIMEOUT,
          "no answer before the deadline");
    }
    switch (answer.status()) {
      case NXDOMAIN, NODATA -> {
        return new ListResult(
            spec.name(),
            spec.displayZone(),
            spec.allowlist(),
            subject,
            source,
            query,
            ListStatus.NOT_LISTED,
            List.of(),
            List.of(),
            Optional.empty(),
            Optional.empty(),
            "not listed (" + answer.status() + ")");
      }
      case SERVFAIL, TIMEOUT, REFUSED -> {
        ListError e =
            switch (answer.status()) {
              case SERVFAIL -> ListError.SERVFAIL;
              case TIMEOUT -> ListError.TIMEOUT;
              default -> ListError.REFUSED;
            };
        return error(
            spec,
            subject,
            source,
            query,
            List.of(),
            e,
            spec.redact(answer.detail().orElse(answer.status().name())));
      }
      default -> {
        // NOERROR: look at the codes below
      }
    }
    List<String> codes = new ArrayList<>(2);
    int[] values = new int[answer.records().size()];
    int n = 0;
    for (DnsRecord r : answer.records()) {
      if (r instanceof DnsRecord.Address a && a.address() instanceof Inet4Address) {
        byte[] b = a.address().getAddress();
        values[n++] =
            ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
        codes.add(a.address().getHostAddress());
      }
    }
    if (n == 0) {
      return new ListResult(
          spec.name(),
          spec.displayZone(),
          spec.allowlist(),
          subject,
          source,
          query,
          ListStatus.NOT_LISTED,
          List.of(),
          List.of(),
          Optional.empty(),
          Optional.empty(),
          "no A records");
    }
    for (int i = 0; i < n; i++) {
      if ((values[i] >>> 24) != 127) {
        return error(
            spec,
            subject,
            source,
            query,
            codes,
            ListError.OUTSIDE_LOOPBACK,
            "answer "
                + codes.get(i)
                + " is outside 127.0.0.0/8: the zone is gone, wildcarded or hijacked");
      }
    }
    for (int i = 0; i < n; i++) {
      ListError e = spec.errorCodes().get(values[i]);
      if (e != null) {
        return error(
            spec,
            subject,
            source,
            query,
            codes,
            e,
            "error code " + codes.get(i) + " (" + describe(e) + ")");
      }
    }
    List<String> categories = new ArrayList<>(2);
    boolean matched = false;
    for (int i = 0; i < n; i++) {
      if (spec.filter().matches(values[i])) {
        matched = true;
        String c = spec.categories().get(values[i]);
        if (c != null && !categories.contains(c)) {
          categories.add(c);
        }
      }
    }
    if (!matched) {
      return new ListResult(
          spec.name(),
          spec.displayZone(),
          spec.allowlist(),
          subject,
          source,
          query,
          ListStatus.NOT_LISTED,
          codes,
          List.of(),
          Optional.empty(),
          Optional.empty(),
          "codes " + String.join(",", codes) + " not accepted by the filter " + spec.filter());
    }
    Optional<String> reason = Optional.empty();
    if (txt != null && txt.isSuccess() && !txt.txts().isEmpty()) {
      String text = SmtpReply.sanitize(spec.redact(txt.txts().get(0).text()), MAX_REASON);
      if (!text.isEmpty()) {
        reason = Optional.of(text);
      }
    }
    return new ListResult(
        spec.name(),
        spec.displayZone(),
        spec.allowlist(),
        subject,
        source,
        query,
        ListStatus.LISTED,
        codes,
        categories,
        Optional.empty(),
        reason,
        "listed with " + String.join(",", codes));
  }

  public static ListResult error(
      ListSpec spec,
      String subject,
      String source,
      String query,
      List<String> codes,
      ListError e,
      String detail) {
    return new ListResult(
        spec.name(),
        spec.displayZone(),
        spec.allowlist(),
        subject,
        source,
        query,
        ListStatus.ERROR,
        codes,
        List.of(),
        Optional.of(e),
        Optional.empty(),
        detail);
  }

  /** A result for a list that was not asked (e.g. an IPv4-only list and an IPv6 client). */
  public static ListResult notApplicable(ListSpec spec, String subject, String source, String why) {
    return new ListResult(
        spec.name(),
        spec.displayZone(),
        spec.allowlist(),
        subject,
        source,
        "",
        ListStatus.NOT_LISTED,
        List.of(),
        List.of(),
        Optional.empty(),
        Optional.empty(),
        why);
  }

  static String describe(ListError e) {
    return switch (e) {
      case BLOCKED -> "queries refused, e.g. via a public or open resolver";
      case RATE_LIMITED -> "excessive number of queries";
      case TYPO_ZONE -> "typing error in the list's zone name";
      case INVALID_KEY -> "invalid or unauthorized DQS key";
      case QUERY_REJECTED -> "this kind of query is not allowed on this list";
      case OUTSIDE_LOOPBACK -> "answer outside 127.0.0.0/8";
      default -> "list error";
    };
  }

  /** True if the answer would be a listing: worth asking for the TXT reason. */
  public static boolean wouldList(ListSpec spec, DnsAnswer answer) {
    if (!answer.isSuccess()) {
      return false;
    }
    boolean any = false;
    for (DnsRecord r : answer.records()) {
      if (r instanceof DnsRecord.Address a && a.address() instanceof Inet4Address) {
        byte[] b = a.address().getAddress();
        int v =
            ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
        if (b[0] != 127 || spec.errorCodes().containsKey(v)) {
          return false;
        }
        any |= spec.filter().matches(v);
      }
    }
    return any;
  }
}
