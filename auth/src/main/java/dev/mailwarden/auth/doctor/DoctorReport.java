package dev.mailwarden.auth.doctor;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the doctor found for one domain: every finding in examination order (reverse DNS and HELO,
 * blocklists, SPF, DKIM, DMARC, MX), the DNS queries sent and the time taken. An empty list of
 * findings is an all clear; DNS trouble is never one (it is a {@link Codes#DNS_ERROR} finding).
 */
public final class DoctorReport {
  private final String domain;
  private final List<DoctorFinding> findings;
  private final int dnsQueries;
  private final Duration elapsed;

  DoctorReport(String domain, List<DoctorFinding> findings, int dnsQueries, Duration elapsed) {
    this.domain = requireNonNull(domain, "domain");
    this.findings = List.copyOf(findings);
    this.dnsQueries = dnsQueries;
    this.elapsed = requireNonNull(elapsed, "elapsed");
  }

  /** The domain examined. */
  public String domain() {
    return domain;
  }

  /** Every finding, in examination order. */
  public List<DoctorFinding> findings() {
    return findings;
  }

  /** The findings of one severity. */
  public List<DoctorFinding> findings(Severity severity) {
    List<DoctorFinding> out = new ArrayList<>();
    for (DoctorFinding f : findings) {
      if (f.severity() == severity) {
        out.add(f);
      }
    }
    return out;
  }

  /** The distinct codes found, in order. */
  public Set<String> codes() {
    Set<String> out = new LinkedHashSet<>();
    findings.forEach(f -> out.add(f.code()));
    return out;
  }

  /** True if some finding has this code. */
  public boolean has(String code) {
    return findings.stream().anyMatch(f -> f.code().equals(code));
  }

  /** The most severe finding's severity; empty for an all clear. */
  public Optional<Severity> worst() {
    return findings.stream().map(DoctorFinding::severity).min(Enum::compareTo);
  }

  /** True if any finding is an error. */
  public boolean hasErrors() {
    return worst().orElse(Severity.INFO) == Severity.ERROR;
  }

  /** DNS queries sent (cache hits of the resolver included). */
  public int dnsQueries() {
    return dnsQueries;
  }

  /** Time from {@code examine} to the report. */
  public Duration elapsed() {
    return elapsed;
  }

  /** One line per finding. */
  public List<String> lines() {
    List<String> out = new ArrayList<>(findings.size());
    findings.forEach(f -> out.add(f.toString()));
    return out;
  }

  @Override
  public String toString() {
    return "DoctorReport[" + domain + ", " + findings.size() + " findings " + codes() + "]";
  }
}
