package dev.mailwarden.auth.doctor.internal;

import com.google.common.net.InetAddresses;
import dev.mailwarden.CheckContext;
import dev.mailwarden.MailSession;
import dev.mailwarden.MailwardenRuntime;
import dev.mailwarden.Ticker;
import dev.mailwarden.auth.doctor.Codes;
import dev.mailwarden.auth.doctor.DoctorFinding;
import dev.mailwarden.auth.doctor.DoctorRequest;
import dev.mailwarden.dns.DnsResolver;
import dev.mailwarden.dnsbl.DnsList;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * One examination: every part (reverse DNS and HELO per address, blocklists, SPF, DKIM, DMARC, MX)
 * started at once over the caller's resolver, under one deadline. At the deadline the parts still
 * waiting for DNS become {@code dns-error} findings, so a hung resolver never turns into an all
 * clear, and never into a hang.
 */
public final class Examination {
  private final DoctorRequest request;
  private final MailwardenRuntime runtime;
  private final BoundedDns dns;
  private final Executor executor;
  private final Ticker ticker;
  private final long deadlineNanos;
  private final List<DnsList> lists;

  /** A part of the examination and its findings. */
  private record Part(String what, CompletableFuture<List<DoctorFinding>> findings) {}

  public Examination(
      DoctorRequest request, MailwardenRuntime runtime, Duration deadline, List<DnsList> lists) {
    this.request = request;
    this.runtime = runtime;
    this.ticker = runtime.ticker();
    this.deadlineNanos = ticker.read() + deadline.toNanos();
    this.dns = new BoundedDns(runtime.dns(), ticker, deadlineNanos);
    this.executor = runtime.executor();
    this.lists = List.copyOf(lists);
  }

  /** Runs every part; the future never fails and completes by the deadline. */
  public CompletableFuture<List<DoctorFinding>> run() {
    String domain = request.domain();
    String helo = request.helo().orElse(null);
    List<Part> parts = new ArrayList<>();
    for (InetAddress ip : request.ips()) {
      parts.add(
          part(
              "the reverse DNS and HELO of " + InetAddresses.toAddrString(ip),
              () -> ReverseExam.run(this, ip, helo)));
    }
    if (!lists.isEmpty()) {
      parts.add(part("the blocklists", () -> ListExam.run(this, request.ips(), lists)));
    }
    parts.add(part("SPF", () -> SpfExam.run(this, domain, request.ips(), helo)));
    parts.add(part("DKIM", () -> DkimExam.run(this, domain, request.selectors())));
    parts.add(part("DMARC", () -> DmarcExam.run(this, domain)));
    parts.add(part("MX", () -> MxExam.run(this, domain)));

    CompletableFuture<List<DoctorFinding>> report = new CompletableFuture<>();
    CompletableFuture.allOf(parts.stream().map(Part::findings).toArray(CompletableFuture<?>[]::new))
        .thenRun(() -> report.complete(collect(parts)));
    if (!report.isDone()) {
      context(MailSession.builder().clientIp(request.ips().get(0)).build())
          .completeAtDeadline(report, () -> collect(parts));
    }
    return report;
  }

  /** DNS queries sent so far. */
  public int dnsQueries() {
    return dns.queries();
  }

  private static Part part(String what, Supplier<CompletableFuture<List<DoctorFinding>>> start) {
    CompletableFuture<List<DoctorFinding>> f;
    try {
      f = start.get();
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    return new Part(what, f.handle((v, e) -> e == null ? v : List.of(failed(what, e))));
  }

  private static DoctorFinding failed(String what, Throwable e) {
    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    return Found.error(
        Codes.CHECK_FAILED,
        Found.clean("Checking " + what + " failed unexpectedly: " + cause),
        "This is a bug in mailwarden; please report it with the command you ran.");
  }

  /** The findings of finished parts, and a dns-error for each part still waiting. */
  private static List<DoctorFinding> collect(List<Part> parts) {
    List<DoctorFinding> out = new ArrayList<>();
    for (Part p : parts) {
      List<DoctorFinding> done = p.findings().getNow(null);
      if (done != null) {
        out.addAll(done);
      } else {
        out.add(Found.dnsError("no answer before the examination's deadline", p.what()));
      }
    }
    return out;
  }

  // ---- for the parts ---------------------------------------------------------------------

  DnsResolver dns() {
    return dns;
  }

  Executor executor() {
    return executor;
  }

  Ticker ticker() {
    return ticker;
  }

  Duration remaining() {
    return Duration.ofNanos(deadlineNanos - ticker.read());
  }

  /** A check context over this examination's resolver, executor and deadline. */
  CheckContext context(MailSession session) {
    return contextBuilder(session).build();
  }

  CheckContext.Builder contextBuilder(MailSession session) {
    return CheckContext.builder(session, runtime).dns(dns).deadline(remaining());
  }

  /** The runtime the examination runs on. */
  MailwardenRuntime runtime() {
    return runtime;
  }

  /** The findings of several futures, in order. */
  static CompletableFuture<List<DoctorFinding>> concat(
      List<CompletableFuture<List<DoctorFinding>>> parts) {
    return CompletableFuture.allOf(parts.toArray(CompletableFuture<?>[]::new))
        .thenApply(
            v -> {
              List<DoctorFinding> out = new ArrayList<>();
              parts.forEach(p -> out.addAll(p.join()));
              return out;
            });
  }
}
