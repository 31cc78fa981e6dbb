package dev.mailwarden.dnsbl;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Where each monitored address is listed.
 *
 * @param entries one entry per address, in the order given
 */
public record MonitorReport(List<Entry> entries) {

  public MonitorReport {
    entries = List.copyOf(entries);
  }

  /**
   * One address and the answer of every list.
   *
   * @param ip the address
   * @param results one per list, in list order
   */
  public record Entry(InetAddress ip, List<ListResult> results) {
    public Entry {
      requireNonNull(ip, "ip");
      results = List.copyOf(results);
    }

    /** True if any blocklist lists the address. */
    public boolean listed() {
      return results.stream().anyMatch(r -> r.isListed() && !r.allowlist());
    }
  }

  /** True if any blocklist lists any address (the CLI exits 1). */
  public boolean anyListed() {
    return entries.stream().anyMatch(Entry::listed);
  }

  /** True if any list answered with an error. */
  public boolean anyError() {
    return entries.stream().anyMatch(e -> e.results().stream().anyMatch(ListResult::isError));
  }

  /** The blocklist listings. */
  public List<ListResult> listings() {
    List<ListResult> out = new ArrayList<>();
    entries.forEach(
        e -> e.results().stream().filter(r -> r.isListed() && !r.allowlist()).forEach(out::add));
    return out;
  }

  /**
   * One line per address and list, e.g. {@code 192.0.2.1 zen.spamhaus.org LISTED 127.0.0.2 (sbl)},
   * {@code ... NOT_LISTED}, {@code ... ERROR BLOCKED: error code 127.255.255.254 (...)}.
   */
  public List<String> lines() {
    List<String> out = new ArrayList<>();
    entries.forEach(e -> e.results().forEach(r -> out.add(r.toString())));
    return out;
  }
}
