package dev.mailwarden.dnsbl;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * What one list said about one subject. Every string here is safe to log: a Spamhaus DQS key is
 * redacted from {@code list}, {@code zone}, {@code query} and {@code detail}.
 *
 * @param list the list's display name, e.g. {@code zen.spamhaus.org}
 * @param zone the zone queried (DQS key redacted)
 * @param allowlist true for an allowlist (DNSWL)
 * @param subject the IP address or domain looked up
 * @param source where the subject came from: {@code ip}, or a {@link DomainSource#token()} (several
 *     joined with {@code ,} when one domain came from several places)
 * @param query the query name (DQS key redacted); empty when no query was sent
 * @param status listed, not listed or error
 * @param codes every return code of the answer (dotted quads), in answer order
 * @param categories the names of the listed codes, e.g. {@code sbl}, {@code xbl}
 * @param error why there was no usable answer (only for {@link ListStatus#ERROR})
 * @param reason the list's TXT reason, sanitized (no control characters, length-capped)
 * @param detail one human sentence about the answer
 */
public record ListResult(
    String list,
    String zone,
    boolean allowlist,
    String subject,
    String source,
    String query,
    ListStatus status,
    List<String> codes,
    List<String> categories,
    Optional<ListError> error,
    Optional<String> reason,
    String detail) {

  public ListResult {
    requireNonNull(list, "list");
    requireNonNull(zone, "zone");
    requireNonNull(subject, "subject");
    requireNonNull(source, "source");
    requireNonNull(query, "query");
    requireNonNull(status, "status");
    codes = List.copyOf(codes);
    categories = List.copyOf(categories);
    requireNonNull(error, "error");
    requireNonNull(reason, "reason");
    requireNonNull(detail, "detail");
    if ((status == ListStatus.ERROR) != error.isPresent()) {
      throw new IllegalArgumentException("an error reason goes with ERROR and only with it");
    }
  }

  public boolean isListed() {
    return status == ListStatus.LISTED;
  }

  public boolean isError() {
    return status == ListStatus.ERROR;
  }

  /** One line, e.g. {@code 192.0.2.1 zen.spamhaus.org LISTED 127.0.0.2 (sbl)}. */
  @Override
  public String toString() {
    StringBuilder b =
        new StringBuilder(subject).append(' ').append(list).append(' ').append(status);
    if (!codes.isEmpty()) {
      b.append(' ').append(String.join(",", codes));
    }
    if (!categories.isEmpty()) {
      b.append(" (").append(String.join(",", categories)).append(')');
    }
    error.ifPresent(e -> b.append(' ').append(e).append(": ").append(detail));
    reason.ifPresent(r -> b.append(" \"").append(r).append('"'));
    return b.toString();
  }
}
